#include "bot/archive_reader.hpp"

#include <algorithm>

#include "storage/cases.hpp"
#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "storage/redis.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;

namespace {

// SCAN's COUNT and MGET's batch: a few hundred keys per round trip keeps each command short,
// so the callback path sharing this Redis is never held up by a report.
constexpr std::size_t kBatch = 500;

void log_bad_complaint(Logger const& log, std::string const& key) {
  log.warn("report.complaint_unreadable", {{"key", key}, {"action", "left out of the report"}});
}

asio::awaitable<result<std::vector<Complaint>>> read_complaint_batch(storage::RedisClient& redis,
                                                                    std::vector<std::string> keys, Logger const& log) {
  std::vector<Complaint> out;
  if (keys.empty()) co_return out;
  storage::Args command = storage::args("MGET");
  command.insert(command.end(), keys.begin(), keys.end());
  auto r = co_await redis.command(std::move(command));
  if (!r) co_return r.error();
  if (r->is_error() || r->elements.size() != keys.size()) co_return error_code(storage::errc::unexpected_reply);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (r->elements[i].is_nil()) continue;  // expired between SCAN and MGET
    if (auto c = complaint_from_json(r->elements[i].str)) out.push_back(*c);
    else log_bad_complaint(log, keys[i]);
  }
  co_return out;
}

}  // namespace

std::optional<Case> case_of(storage::StoredCase const& stored, Logger const& log) {
  std::string error;
  auto c = case_from_stored(stored.id, stored.status, stored.body, stored.history, &error);
  if (!c) log.error("archive.case_unreadable", {{"case", stored.id}, {"error", error}, {"action", "left out"}});
  return c;
}

asio::awaitable<result<std::vector<Case>>> read_cases(storage::RedisClient& redis, std::vector<std::string> departments,
                                                      bool open_only, Logger const& log) {
  std::vector<Case> out;
  for (auto const& department : departments) {
    auto stored = co_await storage::cases_of_department(redis, department, !open_only);
    if (!stored) co_return stored.error();
    for (auto const& s : *stored)
      if (auto c = case_of(s, log)) out.push_back(std::move(*c));
  }
  co_return out;
}

asio::awaitable<result<std::vector<Complaint>>> read_complaints(storage::RedisClient& redis, Logger const& log) {
  std::vector<Complaint> out;
  std::string cursor = "0";
  do {
    auto r = co_await redis.command(
        storage::args("SCAN", cursor, "MATCH", storage::keys::complaint_pattern(), "COUNT", std::to_string(kBatch)));
    if (!r) co_return r.error();
    if (r->is_error() || r->elements.size() != 2) co_return error_code(storage::errc::unexpected_reply);
    cursor = r->elements[0].str;
    std::vector<std::string> keys;
    for (auto const& k : r->elements[1].elements) keys.push_back(k.str);
    auto batch = co_await read_complaint_batch(redis, std::move(keys), log);
    if (!batch) co_return batch.error();
    out.insert(out.end(), batch->begin(), batch->end());
  } while (cursor != "0");
  co_return out;
}

asio::awaitable<result<Report>> read_report(storage::RedisClient& redis,
                                            std::shared_ptr<intents::Knowledge const> knowledge,
                                            std::shared_ptr<WorkingCalendar const> calendar, ReportRange range,
                                            std::chrono::year_month_day today, Logger const& log) {
  // The knowledge base's departments, and any that had cases but have since left it (a merger):
  // their cases still count, in rows of their own.
  auto departments = co_await storage::departments_with_cases(redis);
  if (!departments) co_return departments.error();
  for (auto const& d : knowledge->departments())
    if (std::find(departments->begin(), departments->end(), d.id) == departments->end()) departments->push_back(d.id);
  auto cases = co_await read_cases(redis, std::move(*departments), false, log);
  if (!cases) co_return cases.error();
  auto complaints = co_await read_complaints(redis, log);
  if (!complaints) co_return complaints.error();
  co_return compute_report(*cases, *complaints, knowledge->departments(), *calendar, range, today);
}

}  // namespace talentbot::bot
