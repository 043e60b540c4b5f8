#pragma once
// Reads the unified archive for the center (the case list, the report): the thin Redis shell
// around the pure case_filter and report cores. Shared by the HTTP API and `talentbot report`.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bot/cases.hpp"
#include "bot/report.hpp"

namespace talentbot {
class Logger;
}

namespace talentbot::storage {
class RedisClient;
struct StoredCase;
}

namespace talentbot::bot {

// A stored case as the pure code sees it; nullopt (and a log line naming the id) when the record
// is damaged, so one bad record does not hide the rest of the archive.
std::optional<Case> case_of(storage::StoredCase const& stored, Logger const& log);

// Every case of the given departments (only the open ones when `open_only`), department by
// department, in no particular order.
boost::asio::awaitable<boost::system::result<std::vector<Case>>> read_cases(storage::RedisClient& redis,
                                                                             std::vector<std::string> departments,
                                                                             bool open_only, Logger const& log);

// Every complaint record still kept (they live 400 days: longer than any half-year report).
boost::asio::awaitable<boost::system::result<std::vector<Complaint>>> read_complaints(storage::RedisClient& redis,
                                                                                       Logger const& log);

// The report of `range` over every department of `knowledge`.
boost::asio::awaitable<boost::system::result<Report>> read_report(storage::RedisClient& redis,
                                                                   std::shared_ptr<intents::Knowledge const> knowledge,
                                                                   std::shared_ptr<WorkingCalendar const> calendar,
                                                                   ReportRange range, std::chrono::year_month_day today,
                                                                   Logger const& log);

}  // namespace talentbot::bot
