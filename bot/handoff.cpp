// A person in the same chat; see handoff.hpp.
#include "bot/handoff.hpp"

#include <nlohmann/json.hpp>

#include "bot/cases.hpp"
#include "bot/replies.hpp"
#include "bot/scheduler.hpp"
#include "bot/understanding.hpp"
#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"
#include "storage/cases.hpp"
#include "storage/handoff.hpp"
#include "storage/scheduler.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using intents::Language;

namespace {

// When the window span `unix_seconds` falls in closes; nullopt outside working hours.
std::optional<std::int64_t> span_close(std::int64_t unix_seconds, WorkingCalendar const& calendar,
                                       config::AppointmentsConfig const& hours) {
  if (!calendar.is_working_day(local_date(unix_seconds))) return std::nullopt;
  auto const midnight = local_day_start(unix_seconds);
  auto const minute = std::chrono::minutes((unix_seconds - midnight) / 60);
  for (auto const& span : hours.hours)
    if (minute >= span.open && minute < span.close) return midnight + std::chrono::seconds(span.close).count();
  return std::nullopt;
}

void say(HandoffStep& s, std::string text) { s.replies.push_back(Reply{Reply::Kind::text, {}, std::move(text), {}, {}}); }

HandoffStep retry() {
  HandoffStep s;
  s.retry = true;
  return s;
}

HandoffStep taken() {
  HandoffStep s;
  s.taken = true;
  return s;
}

// Requests without a department (no service known) go to the center.
std::string department_name(intents::Knowledge const& kb, std::string const& id, Language lang) {
  if (kb.department(id) == nullptr) return lang == Language::en ? "the Talent Exchange Center" : "市人才交流中心";
  return replies::department_label(kb, id, lang);
}

// "【市公安局 服务专员 李娜】": what the talent reads before the specialist's words.
std::string specialist_prefix(Specialist const& who, intents::Knowledge const& kb, Roster const& roster, Language lang) {
  std::string out = "【" + department_name(kb, who.department, lang) + " " + role_label(who.role, lang);
  if (roster.show_names() && !who.name.empty()) out += " " + who.name;
  return out + "】";
}

// "#GC20261124-0007" or "#talent1": what the specialist reads (and may write) to address one.
std::string tag_of(storage::Handoff const& h) { return "#" + (h.case_id.empty() ? h.talent : h.case_id); }

std::vector<Specialist const*> first_responders(Roster const& roster, std::string const& department) {
  auto people = roster.of_department(department);
  if (people.empty()) people = roster.coordinators();
  return people;
}

storage::Handoff new_request(std::string const& talent, std::string const& department, std::string const& case_id,
                             Language lang, std::int64_t at) {
  storage::Handoff h;
  h.talent = talent;
  h.department = department;
  h.case_id = case_id;
  h.language = lang == Language::en ? "en" : "zh";
  h.requested_at = at;
  return h;
}

std::vector<Notice> request_notices(std::vector<Specialist const*> const& people, storage::Handoff const& h,
                                    std::string const& last_text, std::string const& why) {
  std::vector<Notice> out;
  std::string text = "【转人工" + why + "】" + tag_of(h) + " 请求人工服务。";
  if (!last_text.empty()) text += "\n最近的消息：" + last_text;
  text += "\n点击“接入”接手对话（先到先得），或发送“/take " + h.talent + "”。";
  for (auto const* p : people)
    out.push_back(Notice{p->user, text, {{"接入", "handoff:" + h.talent + ":accept"}}, "转人工 " + tag_of(h)});
  return out;
}

// The talent's open case at the department, if any: the specialist sees it with the request.
asio::awaitable<std::string> open_case_of(storage::RedisClient& redis, std::string talent, std::string department) {
  auto mine = co_await storage::cases_of_user(redis, talent);
  if (!mine) co_return std::string();
  for (auto const& c : *mine) {
    auto status = parse_case_status(c.status);
    if (status && !is_final(*status) && (department.empty() || c.department == department)) co_return c.id;
  }
  co_return std::string();
}

// `accept_timeout` counted in working time only: a request at 16:50 with 30 minutes left in the
// day's last span goes up the next morning, not at 17:20 when nobody is there.
std::int64_t escalation_due(std::int64_t at, HandoffDesk const& desk, int timeouts = 1) {
  auto const& cfg = *desk.ctx.config;
  auto left = timeouts * std::chrono::duration_cast<std::chrono::seconds>(cfg.roster.accept_timeout).count();
  auto now = at;
  for (int guard = 0; guard < 400 && left > 0; ++guard) {
    auto const close = span_close(now, *desk.ctx.calendar, cfg.appointments);
    if (!close) {
      now = next_opening(now, *desk.ctx.calendar, cfg.appointments);
      continue;
    }
    auto const step = std::min(left, *close - now);
    now += step;
    left -= step;
  }
  return now * 1000;
}

Specialist const* specialist_of(HandoffDesk const& desk, std::string const& user) { return desk.ctx.roster->find(user); }

std::string kept_message(std::int64_t at, std::string const& text) {
  return nlohmann::json{{"at", at}, {"text", text}}.dump();
}

bool withdraws(std::string const& text) {
  for (std::string_view w : {"取消人工", "不用人工", "不用转人工", "取消转人工", "cancel the request", "no human", "never mind"})
    if (text.find(w) != std::string::npos) return true;
  return false;
}

// Only the department asked (or the center) may take a request: the waiting messages may hold
// personal details.
bool may_take(Specialist const& who, storage::Handoff const& h) {
  return who.role == Specialist::Role::coordinator || (!h.department.empty() && who.department == h.department);
}

// What the winner reads first: the latest kept messages, each cut short, within WeCom's 2048 bytes.
std::string accepted_intro(storage::Handoff const& h, std::vector<std::string> const& waiting) {
  std::string intro = "已接入 " + tag_of(h) + " 的对话。直接回复即发给对方；多个对话时用“" + tag_of(h) +
                      " 内容”指定；结束请发“/handback”。";
  std::size_t const shown = std::min<std::size_t>(waiting.size(), 8);
  if (waiting.size() > shown) intro += "\n（等待期间共 " + std::to_string(waiting.size()) + " 条，以下为最近 8 条）";
  for (std::size_t i = waiting.size() - shown; i < waiting.size(); ++i) {
    auto j = nlohmann::json::parse(waiting[i], nullptr, false);
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) continue;
    auto line = j["text"].get<std::string>();
    if (line.size() > 180) {
      std::size_t cut = 180;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
      line = line.substr(0, cut) + "…";
    }
    intro += "\n等待期间：" + line;
  }
  return intro;
}

// Told to the specialist who accepted second.
std::string already_taken(storage::Handoff const& h, Specialist const* holder, intents::Knowledge const& kb) {
  if (h.talent.empty()) return "该人工服务请求已结束。";
  if (holder == nullptr) return "该对话已由其他专员接入。";
  std::string who = department_name(kb, holder->department, Language::zh) + " " + role_label(holder->role, Language::zh);
  if (!holder->name.empty()) who += " " + holder->name;
  return "该对话已由" + who + "接入。";
}

// Each message either way pushes the held chat's idle end further out (the same item, moved).
asio::awaitable<bool> touch_hold(HandoffDesk desk, std::string talent, std::int64_t at) {
  auto const idle = std::chrono::duration_cast<std::chrono::seconds>(desk.ctx.config->roster.hold_idle).count();
  co_return static_cast<bool>(co_await storage::schedule(*desk.redis, "ho_idle:" + talent, (at + idle) * 1000, talent));
}

asio::awaitable<HandoffStep> relay_to_talent(HandoffDesk desk, Specialist who, storage::Handoff h, std::string text,
                                             std::string cause, std::int64_t at) {
  auto nlu = desk.ctx.understanding->current();
  if (!nlu) co_return retry();
  auto const lang = h.language == "en" ? Language::en : Language::zh;
  std::vector<Notice> notices;
  notices.push_back(Notice{h.talent, specialist_prefix(who, nlu->knowledge(), *desk.ctx.roster, lang) + text, {}, {}});
  if (!co_await push_notices(*desk.redis, desk.ctx, cause, std::move(notices))) co_return retry();
  if (!co_await touch_hold(desk, h.talent, at)) co_return retry();
  co_return taken();
}

}  // namespace

bool in_working_hours(std::int64_t unix_seconds, WorkingCalendar const& calendar, config::AppointmentsConfig const& hours) {
  return span_close(unix_seconds, calendar, hours).has_value();
}

std::int64_t next_opening(std::int64_t unix_seconds, WorkingCalendar const& calendar,
                          config::AppointmentsConfig const& hours) {
  auto const midnight = local_day_start(unix_seconds);
  for (int d = 0; d < 40; ++d) {
    auto const day_start = midnight + d * 86'400;
    if (!calendar.is_working_day(local_date(day_start))) continue;
    for (auto const& span : hours.hours) {
      auto const open = day_start + std::chrono::seconds(span.open).count();
      if (open > unix_seconds) return open;
    }
  }
  return unix_seconds;
}

asio::awaitable<HandoffStep> talent_message(HandoffDesk desk, std::string talent, std::string text, std::string cause,
                                            std::int64_t at) {
  auto h = co_await storage::get_handoff(*desk.redis, talent);
  if (!h) co_return retry();
  if (!*h) co_return HandoffStep{};  // no handoff: the bot answers
  auto const lang = (*h)->language == "en" ? Language::en : Language::zh;
  if ((*h)->state == "held") {
    auto const* holder = specialist_of(desk, (*h)->specialist);
    if (holder == nullptr) {  // the holder left the roster: the bot takes the talent back
      co_await storage::end_handoff(*desk.redis, talent);
      co_return HandoffStep{};
    }
    std::vector<Notice> notices;
    notices.push_back(Notice{holder->user, "【" + tag_of(**h) + "】" + text, {}, {}});
    if (!co_await push_notices(*desk.redis, desk.ctx, cause, std::move(notices))) co_return retry();
    if (!co_await touch_hold(desk, talent, at)) co_return retry();
    co_return taken();
  }
  // Waiting: the talent may withdraw; anything else is kept for whoever accepts, said once.
  if (withdraws(text)) {
    if (!co_await storage::end_handoff(*desk.redis, talent)) co_return retry();
    co_await storage::unschedule(*desk.redis, "ho_esc:" + talent);
    if (!co_await touch_hold(desk, talent, at)) co_return retry();
    HandoffStep step = taken();
    say(step, lang == Language::en ? "All right, the request for a person is withdrawn. I'm here to help again."
                                   : "好的，已取消人工服务请求，我继续为您服务。");
    co_return step;
  }
  auto n = co_await storage::keep_waiting_message(*desk.redis, talent, kept_message(at, text));
  if (!n || *n < 0) co_return retry();  // accepted or ended in between: handled again, it is relayed or answered
  HandoffStep step = taken();
  if (*n == 1)
    say(step, lang == Language::en ? "Noted — the specialist will see this as soon as they join."
                                   : "已记录，专员接入后会看到您的消息。");
  co_return step;
}

asio::awaitable<HandoffStep> request_person(HandoffDesk desk, std::string talent, std::string service, Language lang,
                                            std::string last_text, std::int64_t at) {
  auto nlu = desk.ctx.understanding->current();
  if (!nlu) co_return retry();
  auto const& kb = nlu->knowledge();
  std::string department;
  if (auto const* s = kb.service(service)) department = s->department;
  auto const case_id = co_await open_case_of(*desk.redis, talent, department);
  auto made = co_await storage::request_handoff(*desk.redis, new_request(talent, department, case_id, lang, at));
  if (!made) co_return retry();
  HandoffStep step = taken();
  auto const& h = made->handoff;
  bool const same_request = !made->created && h.state == "waiting" && h.requested_at == at;  // handled again
  if (!made->created && !same_request) {
    say(step, h.state == "held" ? (lang == Language::en ? "A specialist is already with you in this chat."
                                                        : "专员正在为您服务，请直接在这里留言。")
                                : (lang == Language::en ? "Your request is with the specialists; please hold on."
                                                        : "您的人工服务请求已送达，请稍候。"));
    co_return step;
  }
  auto people = first_responders(*desk.ctx.roster, department);
  auto notices = request_notices(people, h, last_text, "");
  if (!co_await push_notices(*desk.redis, desk.ctx, "ho:" + talent + ":" + std::to_string(at), std::move(notices)))
    co_return retry();
  auto sched = co_await storage::schedule(*desk.redis, "ho_esc:" + talent, escalation_due(at, desk), talent);
  if (!sched) co_return retry();
  std::string who = department_name(kb, department, lang);
  if (lang == Language::en) {
    say(step, "I've asked " + who + " for a specialist; you'll be told who takes it.");
  } else {
    say(step, "已通知" + who + "的专员，接入后会告诉您是哪位专员为您服务。");
  }
  if (!in_working_hours(at, *desk.ctx.calendar, desk.ctx.config->appointments)) {
    say(step, lang == Language::en
                  ? "It is outside working hours now: a specialist will answer after the window opens on the next "
                    "working day. Your messages are kept until then."
                  : "现在是非工作时间，专员将在下一个工作日上班后回复您，期间您的留言都会保留。");
  }
  desk.ctx.log->info("handoff.requested", {{"department", department}, {"case", case_id}, {"people", people.size()}});
  co_return step;
}

asio::awaitable<HandoffStep> specialist_message(HandoffDesk desk, Specialist who, std::string text,
                                                std::string event_key, Session* session, std::string cause,
                                                std::int64_t at) {
  auto nlu = desk.ctx.understanding->current();
  if (!nlu) co_return retry();
  auto& slots = session->slots;
  // A note the desk asked for, and the desk's own words, are case work, not words for a talent.
  if (session->flow == "note" || text == "我的案件" || text == "本部门案件" || text == "今日预约" || text == "帮助")
    co_return HandoffStep{};
  std::string talent;
  if (event_key.starts_with("handoff:") && event_key.ends_with(":accept")) {
    talent = event_key.substr(8, event_key.size() - 8 - 7);
  } else if (text.starts_with("/take ")) {
    talent = text.substr(6);
  }
  if (!talent.empty()) {  // accepting: the first wins
    auto asked = co_await storage::get_handoff(*desk.redis, talent);
    if (!asked) co_return retry();
    if (*asked && !may_take(who, **asked)) {
      HandoffStep step = taken();
      say(step, "该人工服务请求不属于本部门。");
      co_return step;
    }
    auto accepted = co_await storage::accept_handoff(*desk.redis, talent, who.user);
    if (!accepted) co_return retry();
    HandoffStep step = taken();
    if (!accepted->won) {
      auto const* holder = specialist_of(desk, accepted->handoff.specialist);
      say(step, already_taken(accepted->handoff, holder, nlu->knowledge()));
      co_return step;
    }
    auto const& h = accepted->handoff;
    slots["active"] = talent;
    co_await storage::unschedule(*desk.redis, "ho_esc:" + talent);
    if (!co_await touch_hold(desk, talent, at)) co_return retry();
    say(step, accepted_intro(h, accepted->waiting));
    auto const lang = h.language == "en" ? Language::en : Language::zh;
    std::string hello = specialist_prefix(who, nlu->knowledge(), *desk.ctx.roster, lang) +
                        (lang == Language::en ? "Hello, I'm here now and have read your messages. How can I help?"
                                              : "您好，我已接入，您的留言都已看到，请问有什么可以帮您？");
    std::vector<Notice> notices;
    notices.push_back(Notice{talent, hello, {}, {}});
    if (!co_await push_notices(*desk.redis, desk.ctx, cause, std::move(notices))) co_return retry();
    desk.ctx.log->info("handoff.accepted", {{"department", who.department}, {"case", h.case_id}});
    co_return step;
  }

  // A click on another card (a case's next step) is case work, not a message to relay.
  if (!event_key.empty()) co_return HandoffStep{};
  // Writing to a held conversation: "#<tag> text", "/reply text", "/handback [#tag]" or plain text.
  std::string body = text;
  std::string target = slots.contains("active") ? slots["active"] : std::string();
  bool const handback = body.starts_with("/handback") || body == "交还机器人";
  if (handback) body = body.starts_with("/handback") ? body.substr(9) : std::string();
  if (body.starts_with("/reply")) body = body.substr(6);
  while (!body.empty() && body.front() == ' ') body.erase(0, 1);
  if (body.starts_with("#")) {
    auto const space = body.find(' ');
    std::string const tag = body.substr(1, space == std::string::npos ? std::string::npos : space - 1);
    body = space == std::string::npos ? std::string() : body.substr(space + 1);
    auto held = co_await storage::handoffs_of(*desk.redis, who.user);
    if (!held) co_return retry();
    target.clear();
    for (auto const& t : *held) {
      auto h = co_await storage::get_handoff(*desk.redis, t);
      if (h && *h && (t == tag || (*h)->case_id == tag)) target = t;
    }
    if (target.empty()) {
      HandoffStep step = taken();
      say(step, "您没有正在进行的对话 #" + tag + "。");
      co_return step;
    }
    slots["active"] = target;
  } else if (!handback && (text.starts_with("/") || target.empty())) {
    co_return HandoffStep{};  // a case command, or nobody to talk to: the case desk answers
  }
  if (target.empty()) co_return HandoffStep{};
  auto h = co_await storage::get_handoff(*desk.redis, target);
  if (!h) co_return retry();
  if (!*h || (*h)->state != "held" || (*h)->specialist != who.user) {
    slots.erase("active");
    HandoffStep step = taken();
    say(step, "该对话已结束或不由您接待。发送“/cases”查看本部门案件。");
    co_return step;
  }
  if (handback) {
    auto const lang = (*h)->language == "en" ? Language::en : Language::zh;
    std::vector<Notice> notices;
    notices.push_back(Notice{target,
                             specialist_prefix(who, nlu->knowledge(), *desk.ctx.roster, lang) +
                                 (lang == Language::en ? "I'm handing you back to the assistant. Thank you!"
                                                       : "本次人工服务结束，智能助手会继续为您服务，感谢您的耐心。"),
                             {}, {}});
    if (!co_await push_notices(*desk.redis, desk.ctx, cause, std::move(notices))) co_return retry();
    if (!co_await storage::end_handoff(*desk.redis, target)) co_return retry();
    co_await storage::unschedule(*desk.redis, "ho_idle:" + target);
    slots.erase("active");
    HandoffStep step = taken();
    say(step, "已结束与 " + tag_of(**h) + " 的对话，已交还机器人。");
    desk.ctx.log->info("handoff.ended", {{"department", who.department}, {"case", (*h)->case_id}});
    co_return step;
  }
  if (body.empty()) co_return taken();
  co_return co_await relay_to_talent(desk, who, **h, body, cause, at);
}

namespace {

// Nobody took it, not even the center: the bot answers the talent again rather than stay silent,
// and what the talent wrote goes to the center's coordinators, who follow it up.
asio::awaitable<bool> give_up_waiting(HandoffDesk desk, storage::DueItem item, storage::Handoff h) {
  auto kept = co_await storage::waiting_messages(*desk.redis, h.talent);
  if (!kept) co_return false;
  std::string record = "【转人工无人接入，请中心跟进】" + tag_of(h) + " 的留言：";
  for (auto const& m : *kept) {
    auto j = nlohmann::json::parse(m, nullptr, false);
    if (j.is_object() && j.contains("text") && j["text"].is_string()) record += "\n· " + j["text"].get<std::string>();
  }
  if (kept->empty()) record += "（无）";
  auto const lang = h.language == "en" ? Language::en : Language::zh;
  std::vector<Notice> notices;
  for (auto const* p : desk.ctx.roster->coordinators()) notices.push_back(Notice{p->user, record, {}, {}});
  notices.push_back(Notice{h.talent,
                           lang == Language::en
                               ? "Sorry, no specialist could join yet. Your messages have been passed to the Talent "
                                 "Exchange Center, who will follow up with you. I'm here to help in the meantime."
                               : "抱歉，暂时没有专员接入。您的留言已转交市人才交流中心跟进，工作人员会尽快联系您；"
                                 "在此期间智能助手继续为您服务。",
                           {}, {}});
  auto const cause = item.id + ":" + std::to_string(h.requested_at) + ":final";
  if (!co_await push_notices(*desk.redis, desk.ctx, cause, std::move(notices))) co_return false;
  if (!co_await storage::end_handoff(*desk.redis, h.talent)) co_return false;
  desk.ctx.log->warn("handoff.unanswered", {{"department", h.department}, {"action", "passed to the center"}});
  co_return true;
}

asio::awaitable<bool> escalate(HandoffDesk desk, storage::DueItem item) {
  auto h = co_await storage::get_handoff(*desk.redis, item.payload);
  if (!h) co_return false;
  if (!*h || (*h)->state != "waiting") co_return true;  // accepted or withdrawn meanwhile
  auto const& roster = *desk.ctx.roster;
  bool const has_lead = !roster.leads((*h)->department).empty();
  bool const to_lead = (*h)->escalations == 0 && has_lead;
  bool const to_center = !to_lead && (*h)->escalations < (has_lead ? 2 : 1);
  if (!to_lead && !to_center) co_return co_await give_up_waiting(desk, item, **h);
  auto people = to_lead ? roster.leads((*h)->department) : roster.coordinators();
  auto notices = request_notices(people, **h, "", to_lead ? "·超时未接" : "·超时未接，请中心协调");
  auto const cause = item.id + ":" + std::to_string((*h)->requested_at) + ":" + std::to_string((*h)->escalations);
  if (!co_await push_notices(*desk.redis, desk.ctx, cause, std::move(notices))) co_return false;
  co_await storage::note_escalation(*desk.redis, (*h)->talent);
  desk.ctx.log->warn("handoff.escalated", {{"department", (*h)->department}, {"to", to_lead ? "lead" : "center"}});
  // Next: the center after another timeout; after the center, a last wait of six timeouts.
  auto const now = item.due / 1000;
  auto const next = escalation_due(now, desk, to_lead ? 1 : 6);
  if (!co_await storage::schedule(*desk.redis, item.id, next, item.payload)) co_return false;
  co_return true;  // complete() keeps the newer schedule
}

}  // namespace

// Silent for roster.hold_idle: the chat goes back to the bot, and both sides are told.
asio::awaitable<bool> end_idle_hold(HandoffDesk desk, storage::DueItem item) {
  auto h = co_await storage::get_handoff(*desk.redis, item.payload);
  if (!h) co_return false;
  if (!*h || (*h)->state != "held") co_return true;
  auto const lang = (*h)->language == "en" ? Language::en : Language::zh;
  std::vector<Notice> notices;
  notices.push_back(Notice{(*h)->talent,
                           lang == Language::en
                               ? "This chat with the specialist has ended after a long silence. I'm here to help again; "
                                 "say \"talk to a human\" if you need a person."
                               : "本次人工服务因长时间没有新消息已结束，智能助手继续为您服务；如需人工请再说“转人工”。",
                           {}, {}});
  notices.push_back(Notice{(*h)->specialist, "与 " + tag_of(**h) + " 的对话长时间没有新消息，已自动结束并交还机器人。", {}, {}});
  auto const cause = item.id + ":" + std::to_string(item.due);
  if (!co_await push_notices(*desk.redis, desk.ctx, cause, std::move(notices))) co_return false;
  if (!co_await storage::end_handoff(*desk.redis, (*h)->talent)) co_return false;
  desk.ctx.log->info("handoff.ended", {{"department", (*h)->department}, {"reason", "idle"}});
  co_return true;
}

void register_handoff_escalation(Scheduler& scheduler, HandoffDesk desk) {
  scheduler.on("ho_esc", [desk](storage::DueItem item) { return escalate(desk, std::move(item)); });
  scheduler.on("ho_idle", [desk](storage::DueItem item) { return end_idle_hold(desk, std::move(item)); });
}

}  // namespace talentbot::bot
