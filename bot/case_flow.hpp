#pragma once
// The chat's case work that needs Redis: opening a confirmed application (一窗接件) and answering
// "我的申请到哪一步了" / "GC20261124-0007 进度". The texts are case_replies.hpp; the rules bot/cases.hpp;
// the storage storage/cases.hpp.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/calendar.hpp"
#include "bot/dialogue.hpp"
#include "storage/log.hpp"

namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::bot {

// What the case flows work with; every referenced object outlives the calls.
struct CaseDesk {
  storage::RedisClient* redis = nullptr;
  intents::Knowledge const* kb = nullptr;
  WorkingCalendar const* calendar = nullptr;
  Logger const* log = nullptr;
};

// Opens the case of a confirmed application received at `at` (unix seconds) and answers with the
// receipt, or with the case already open for the service. `request_key` identifies the message
// (the same on re-handling), so a retry opens nothing twice. nullopt: Redis is away, try later.
boost::asio::awaitable<std::optional<std::vector<Reply>>> open_case(CaseDesk desk, CaseRequest request,
                                                                    std::string user, intents::Language lang,
                                                                    std::int64_t at, std::string request_key);

// The progress of `case_id` if it is the talent's own (the same answer as for an unknown id
// otherwise), or an overview of the talent's cases. nullopt: Redis is away, try later.
boost::asio::awaitable<std::optional<std::vector<Reply>>> case_progress(CaseDesk desk, std::string user,
                                                                        std::optional<std::string> case_id,
                                                                        intents::Language lang, std::int64_t at);

}  // namespace talentbot::bot
