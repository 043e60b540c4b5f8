// Case work in chat; see case_flow.hpp.
#include "bot/case_flow.hpp"

#include "bot/archive_reader.hpp"

#include "bot/case_replies.hpp"
#include "bot/replies.hpp"
#include "bot/cases.hpp"
#include "storage/cases.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using intents::Language;

namespace {

std::vector<Reply> say(std::string text) {
  std::vector<Reply> out;
  out.push_back(Reply{Reply::Kind::text, {}, std::move(text), {}, {}});
  return out;
}


// Built outside the coroutine (g++ 12 and braced std::string members in coroutine bodies).
Case new_case(CaseRequest const& r, std::string const& user, intents::Service const& service, Language lang,
              std::int64_t at, std::string const& deadline) {
  Case c;
  c.talent_user = user;
  c.talent_name = r.name;
  c.phone = r.phone;
  c.employer = r.employer;
  c.id_number_masked = r.id_number_masked;
  c.service = service.id;
  c.department = service.department;
  c.created_at = at;
  c.deadline = deadline;
  c.language = lang == Language::en ? "en" : "zh";
  c.history.push_back(HistoryEntry{at, user, "submitted", ""});
  return c;
}

storage::NewCase stored_form(Case const& c, std::chrono::year_month_day day) {
  storage::NewCase n;
  n.day = format_compact_date(day);
  n.talent_user = c.talent_user;
  n.service = c.service;
  n.department = c.department;
  n.deadline = c.deadline;
  n.status = std::string(to_string(CaseStatus::submitted));
  n.created_at = c.created_at;
  n.body = case_body_json(c);
  n.first_entry = history_entry_json(c.history.front());
  return n;
}

void log_failure(Logger const& log, char const* event, boost::system::error_code ec) {
  log.warn(event, {{"error", ec.message()}, {"action", "message kept for retry"}});
}

}  // namespace

asio::awaitable<std::optional<std::vector<Reply>>> open_case(CaseDesk desk, CaseRequest request, std::string user,
                                                             Language lang, std::int64_t at, std::string request_key) {
  auto const* service = desk.kb->service(request.service);
  if (service == nullptr) {
    co_return say(std::string(
        replies::pick(lang, "抱歉，该事项暂不能在线申请。", "Sorry, that service cannot be applied for here.")));
  }
  auto const day = local_date(at);
  if (!desk.calendar->covers(day.year()))
    desk.log->warn("calendar.year_missing", {{"year", static_cast<int>(day.year())}, {"hint", "add deploy/holidays/<year>.yaml"}});
  Case draft = new_case(request, user, *service, lang, at,
                        format_date(deadline_for(day, service->time_limit.working_days, *desk.calendar)));
  auto created = co_await storage::create_case(*desk.redis, stored_form(draft, day), request_key);
  if (!created) {
    if (created.error() == storage::case_errc::sequence_exhausted) {
      desk.log->error("case.sequence_exhausted", {{"day", format_date(day)}});
      co_return say(std::string(replies::pick(lang, "抱歉，今日申请量已达上限，请明天再试或联系市人才交流中心。",
                                              "Sorry, today's applications are at their limit; please try tomorrow "
                                              "or contact the center.")));
    }
    log_failure(*desk.log, "case.open_failed", created.error());
    co_return std::nullopt;
  }
  auto stored = co_await storage::get_case(*desk.redis, created->id);
  if (!stored || !*stored) {
    log_failure(*desk.log, "case.read_failed", stored ? make_error_code(storage::case_errc::not_found) : stored.error());
    co_return std::nullopt;
  }
  auto c = case_of(**stored, *desk.log);
  if (!c) co_return std::nullopt;
  if (created->created) {
    desk.log->info("case.opened", {{"case", c->id}, {"service", c->service}, {"department", c->department},
                                   {"deadline", c->deadline}});
    co_return say(case_replies::receipt(*c, *desk.kb, lang));
  }
  // The same message handled again gets its receipt again; another application meets the open case.
  if (c->created_at == at && c->talent_user == user) co_return say(case_replies::receipt(*c, *desk.kb, lang));
  co_return say(case_replies::already_open(*c, *desk.kb, lang));
}

asio::awaitable<std::optional<std::vector<Reply>>> case_progress(CaseDesk desk, std::string user,
                                                                 std::optional<std::string> case_id, Language lang,
                                                                 std::int64_t at) {
  auto const today = local_date(at);
  if (case_id) {
    auto stored = co_await storage::get_case(*desk.redis, *case_id);
    if (!stored) {
      log_failure(*desk.log, "case.read_failed", stored.error());
      co_return std::nullopt;
    }
    // Someone else's case gets exactly the answer of a case that does not exist.
    if (!*stored || (*stored)->talent_user != user) co_return say(case_replies::not_found(*case_id, lang));
    auto c = case_of(**stored, *desk.log);
    if (!c) co_return say(case_replies::not_found(*case_id, lang));
    co_return say(case_replies::progress(*c, *desk.kb, *desk.calendar, today, lang));
  }
  auto mine = co_await storage::cases_of_user(*desk.redis, user);
  if (!mine) {
    log_failure(*desk.log, "case.read_failed", mine.error());
    co_return std::nullopt;
  }
  std::vector<Case> cases;
  for (auto const& s : *mine)
    if (auto c = case_of(s, *desk.log)) cases.push_back(std::move(*c));
  if (cases.empty()) co_return say(case_replies::none_yet(lang));
  // One case: its details at once; several: the list.
  if (cases.size() == 1) co_return say(case_replies::progress(cases.front(), *desk.kb, *desk.calendar, today, lang));
  co_return say(case_replies::overview(cases, *desk.kb, lang));
}

}  // namespace talentbot::bot
