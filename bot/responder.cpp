#include "bot/responder.hpp"

#include <nlohmann/json.hpp>

#include "adapters/wecom/message.hpp"
#include "adapters/wecom/outbound.hpp"
#include "bot/appointment_flow.hpp"
#include "bot/case_flow.hpp"
#include "bot/dialogue.hpp"
#include "bot/handoff.hpp"
#include "bot/roster.hpp"
#include "bot/specialist_desk.hpp"
#include "bot/understanding.hpp"
#include "intents/nlu.hpp"
#include "storage/keys.hpp"
#include "storage/redis.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;

namespace {

// Talents are in China: relative dates ("明天下午三点") are read in UTC+8, from the moment the
// message was written, so re-handling the same message reads it the same way.
constexpr std::chrono::minutes kTalentUtcOffset{8 * 60};

std::string to_payload(Reply const& reply, std::string const& user, std::int64_t agent_id, unsigned partition,
                       std::string const& entry_id, std::size_t index) {
  wecom::OutboundRequest request;
  request.user = user;
  switch (reply.kind) {
    case Reply::Kind::text: request.body = wecom::text_message(user, agent_id, reply.content); break;
    case Reply::Kind::markdown: request.body = wecom::markdown_message(user, agent_id, reply.content); break;
    case Reply::Kind::buttons:
      request.body = wecom::button_card_message(user, agent_id, reply.title, reply.content,
                                                card_task_id(reply.task_tag, partition, entry_id, index), reply.buttons);
      break;
  }
  request.body = wecom::with_reply_identity(request.body, card_task_id("r", partition, entry_id, index));
  return wecom::to_outbox(request);
}

void add_replies(Handled& handled, std::vector<Reply> const& replies, wecom::InboundMessage const& m,
                 std::int64_t agent_id, unsigned partition, std::string const& entry_id) {
  for (std::size_t i = 0; i < replies.size(); ++i)
    handled.replies.push_back(to_payload(replies[i], m.user, agent_id, partition, entry_id, i));
}

Turn make_turn(wecom::InboundMessage const& m, intents::Nlu const& nlu) {
  Turn turn;
  if (m.kind == "event") {
    turn.event_key = m.event_key;
    if (m.event == "enter_agent" || m.event == "subscribe") {
      turn.parse.intent = "greet";
      turn.parse.confidence = 1.0;
    }
    return turn;
  }
  turn.text = m.kind == "text" ? m.text : std::string();
  intents::ReferenceTime now{std::chrono::sys_seconds(std::chrono::seconds(m.created_at)), kTalentUtcOffset};
  turn.parse = nlu.parse(turn.text, now);
  return turn;
}

// Complaints are kept well past the half-year report that counts them (article 11).
constexpr std::chrono::milliseconds kComplaintRetention = std::chrono::hours(24 * 400);

// 问责 (article 11): a complaint is recorded with its department and reaches the center at once,
// through the center's group robot when one is configured, in the same commit as the reply.
void escalate_complaint(Handled& handled, wecom::InboundMessage const& m, Decision const& d,
                        std::optional<std::string> const& case_id, std::string const& entry_id, unsigned partition,
                        intents::Knowledge const& kb, config::Config const& config, Logger const& log) {
  std::string service_name, department_id, department_name;
  if (auto const* service = kb.service(d.session.service)) {
    service_name = service->name.zh;
    department_id = service->department;
    if (auto const* dept = kb.department(service->department)) department_name = dept->name.zh;
  }
  nlohmann::json record{{"user", m.user},
                        {"at", m.created_at},
                        {"text", m.text},
                        {"service", d.session.service},
                        {"department_id", department_id},
                        {"department", department_name},
                        {"case_id", case_id.value_or("")}};
  handled.state.push_back(
      storage::SavedState{storage::keys::complaint(partition, entry_id), record.dump(), kComplaintRetention});
  if (config.wecom.webhook_key.empty()) {
    log.warn("complaint.recorded_without_notice", {{"user", mask_user(m.user)}, {"hint", "set wecom.webhook_key"}});
    return;
  }
  std::string notice = "【绿色通道投诉】用户 " + m.user;
  if (!service_name.empty()) notice += "，事项：" + service_name;
  if (!department_name.empty()) notice += "（" + department_name + "）";
  if (case_id) notice += "，案件：" + *case_id;
  notice += "\n内容：" + wecom::truncate_utf8(m.text, 600) + "\n请中心协调处理并跟进（第十一条）。";
  wecom::OutboundRequest request;
  request.api = wecom::Api::webhook_send;
  request.body = wecom::webhook_text(notice, {});
  handled.replies.push_back(wecom::to_outbox(request));
  log.info("complaint.escalated", {{"user", mask_user(m.user)}, {"department", department_name}});
}

// A stored message's identity for idempotent work: stable when the message is handled again.
std::string request_key(unsigned partition, std::string const& entry_id) {
  return "p" + std::to_string(partition) + ":" + entry_id;
}

bool is_appointment_action(std::string const& action) {
  return action == "book_appointment" || action == "reschedule_appointment" || action == "cancel_appointment" ||
         action == "query_appointment" || action == "appointment_button";
}

// Built outside the coroutine (g++ 12 and std::string members initialised in coroutine bodies).
AppointmentAsk appointment_ask(Decision const& d, Turn const& turn, wecom::InboundMessage const& m,
                               intents::Language lang, std::string request_key) {
  AppointmentAsk ask;
  ask.intent = d.action;
  ask.button = d.button;
  ask.service = d.session.service;
  ask.named = turn.parse.service.value_or("");
  ask.datetime = turn.parse.datetime;
  ask.date = turn.parse.date;
  ask.user = m.user;
  ask.lang = lang;
  ask.at = m.created_at;
  ask.request_key = std::move(request_key);
  return ask;
}

// A card sent by a flow is answered by number like the dialogue's own ("2" picks its second button).
void remember_options(Session& session, std::vector<Reply> const& replies) {
  for (auto const& r : replies)
    if (r.kind == Reply::Kind::buttons) {
      session.options.clear();
      for (auto const& b : r.buttons) session.options.push_back(b.key);
    }
}

void log_not_ready(Logger const& log) {
  log.error("dialogue.no_model", {{"action", "message kept for retry"}});
}

void log_decided(Logger const& log, wecom::InboundMessage const& m, Turn const& turn, Decision const& d) {
  log.debug("dialogue.decided", {{"user", mask_user(m.user)},
                                 {"intent", turn.parse.intent},
                                 {"confidence", std::to_string(turn.parse.confidence)},
                                 {"service", d.session.service},
                                 {"replies", d.replies.size()},
                                 {"action", d.action}});
}

}  // namespace

std::string card_task_id(std::string const& tag, unsigned partition, std::string const& entry_id, std::size_t index) {
  std::string id = tag + "_p" + std::to_string(partition) + "_" + entry_id + "_" + std::to_string(index);
  for (char& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '@') c = '_';
  return id.substr(0, 128);
}

Responder dialogue_responder(config::Config const& config, Understanding const& understanding,
                             WorkingCalendar const& calendar, AppointmentPlanner const& planner,
                             Roster const& roster, storage::RedisClient& redis, Logger& log) {
  return [&config, &understanding, &calendar, &planner, &roster, &redis, &log](
             std::string const& payload, std::string const& entry_id) -> asio::awaitable<Handled> {
    Handled handled;
    auto message = wecom::from_json(payload);
    if (!message) co_return handled;  // unreadable entries are dropped by the pipeline's log
    auto nlu = understanding.current();
    if (!nlu) {
      log_not_ready(log);
      handled.retry = true;
      co_return handled;
    }
    auto const partition = storage::keys::partition_of(message->user, config.queue.partitions);
    std::string key = storage::keys::session(partition, message->user);
    auto stored = co_await redis.command(storage::args("GET", key));
    if (!stored) {
      handled.retry = true;  // Redis is away: the message waits in the inbox
      co_return handled;
    }
    Session const session = stored->type == storage::Reply::Type::string ? Session::from_json(stored->str) : Session{};

    HandoffDesk const handoffs{NotifierContext{&config, &understanding, &calendar, &roster, &log}, &redis};
    std::string text;
    if (message->kind == "text") text = message->text;
    auto const cause = request_key(partition, entry_id);
    if (auto const* specialist = roster.find(message->user)) {
      Session working = session;
      auto relay = co_await specialist_message(handoffs, *specialist, text, message->event_key, &working, cause,
                                               message->created_at);
      if (relay.retry) {
        handled.retry = true;
        co_return handled;
      }
      if (relay.taken) {
        add_replies(handled, relay.replies, *message, config.wecom.agent_id, partition, entry_id);
        handled.state.push_back(storage::SavedState{std::move(key), working.to_json(), config.session.idle_ttl});
        co_return handled;
      }
      SpecialistDesk const desk{&redis, &nlu->knowledge(), &log};
      auto turn = co_await specialist_turn(desk, *specialist, std::move(text), message->event_key, working,
                                           message->created_at);
      if (!turn) {
        handled.retry = true;
        co_return handled;
      }
      add_replies(handled, turn->replies, *message, config.wecom.agent_id, partition, entry_id);
      handled.state.push_back(storage::SavedState{std::move(key), turn->session.to_json(), config.session.idle_ttl});
      co_return handled;
    }

    // While a specialist holds the conversation (or is being waited for) the bot stays silent.
    if (!text.empty()) {
      auto relay = co_await talent_message(handoffs, message->user, text, cause, message->created_at);
      if (relay.retry) {
        handled.retry = true;
        co_return handled;
      }
      if (relay.taken) {
        add_replies(handled, relay.replies, *message, config.wecom.agent_id, partition, entry_id);
        co_return handled;
      }
    }

    Turn const turn = make_turn(*message, *nlu);
    Decision decision = decide(session, turn, nlu->knowledge(), config.center);
    log_decided(log, *message, turn, decision);

    // The flows that read or write the archive answer after the dialogue's own replies.
    CaseDesk const desk{&redis, &nlu->knowledge(), &calendar, &log};
    auto const lang = decision.session.language == "en" ? intents::Language::en : intents::Language::zh;
    std::optional<std::vector<Reply>> more;
    if (decision.open_case) {
      more = co_await open_case(desk, *decision.open_case, message->user, lang, message->created_at,
                                request_key(partition, entry_id));
      if (!more) handled.retry = true;
    } else if (decision.action == "case_status") {
      more = co_await case_progress(desk, message->user, turn.parse.case_id, lang, message->created_at);
      if (!more) handled.retry = true;
    } else if (decision.action == "handoff") {
      auto asked = co_await request_person(handoffs, message->user, decision.session.service, lang, text,
                                           message->created_at);
      if (asked.retry) handled.retry = true;
      else more = std::move(asked.replies);
    } else if (is_appointment_action(decision.action)) {
      AppointmentDesk const window{&redis, &nlu->knowledge(), &planner, &config.center, &log};
      more = co_await handle_appointment(window, appointment_ask(decision, turn, *message, lang,
                                                                 request_key(partition, entry_id)));
      if (!more) handled.retry = true;
    }
    if (handled.retry) co_return handled;  // Redis is away: the message waits in the inbox
    if (more) {
      remember_options(decision.session, *more);
      decision.replies.insert(decision.replies.end(), more->begin(), more->end());
    }

    add_replies(handled, decision.replies, *message, config.wecom.agent_id, partition, entry_id);
    if (decision.action == "complaint")
      escalate_complaint(handled, *message, decision, turn.parse.case_id, entry_id, partition, nlu->knowledge(), config,
                         log);
    handled.state.push_back(storage::SavedState{std::move(key), decision.session.to_json(), config.session.idle_ttl});
    co_return handled;
  };
}

}  // namespace talentbot::bot
