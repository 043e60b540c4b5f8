#pragma once
// A person in the same chat (article 9: a named specialist on every case, the center coordinating).
//
// A talent asks for a person (转人工, after repeated misunderstanding, a complaint): the request goes
// to the responsible department's specialists as a card with the talent's last message and case —
// or to the center's coordinators when no service is known. The first to accept takes the
// conversation (storage/handoff.hpp decides atomically); the talent is told the department and role
// (and the name if roster.show_names). Until then the talent's messages are kept and handed to the
// specialist on accept; a request not accepted within roster.accept_timeout of working time goes to
// the department's lead, then to the center. While held, the bot stops answering and relays both
// ways: the talent reads "【市公安局 服务专员】…", the specialist reads "【#GC20261124-0007 王芳】…".
// The specialist addresses one of several conversations by case id ("#GC20261124-0007 …") or
// writes into the last one; /handback gives the talent back to the bot. All state is in Redis, so
// nothing is lost across a restart.
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "bot/calendar.hpp"
#include "bot/case_notifier.hpp"
#include "bot/clock.hpp"
#include "bot/dialogue.hpp"
#include "bot/roster.hpp"

namespace talentbot::bot {

class Scheduler;

struct HandoffDesk {
  NotifierContext ctx;  // config, understanding, calendar, roster, log
  storage::RedisClient* redis = nullptr;
};

// What a message did to a handoff.
struct HandoffStep {
  bool retry = false;  // Redis is away: handle the message again later
  bool taken = false;  // the handoff took the message; the dialogue must not answer it
  std::vector<Reply> replies;
};

// A talent's message while a handoff is open (kept or relayed). `cause` identifies the message
// (stable on re-handling), so a relay is pushed once.
boost::asio::awaitable<HandoffStep> talent_message(HandoffDesk desk, std::string talent, std::string text,
                                                   std::string cause, std::int64_t at);

// The dialogue decided on a handoff (转人工): opens the request and tells the people concerned.
boost::asio::awaitable<HandoffStep> request_person(HandoffDesk desk, std::string talent, std::string service,
                                                   intents::Language lang, std::string last_text, std::int64_t at);

// A specialist's handoff work: accepting (the card's button or "/take <talent>"), writing to a
// talent (plain text into the last conversation, "#<case id or user> …", "/reply …"), and
// "/handback". taken=false: not handoff work (case commands, see specialist_desk.hpp).
boost::asio::awaitable<HandoffStep> specialist_message(HandoffDesk desk, Specialist who, std::string text,
                                                       std::string event_key, Session* session, std::string cause,
                                                       std::int64_t at);

// "ho_esc:<talent>": a request still waiting goes up — the department's lead, then the center,
// and at last back to the bot with the talent's messages for the center. "ho_idle:<talent>": a
// held chat silent for roster.hold_idle goes back to the bot.
void register_handoff_escalation(Scheduler& scheduler, HandoffDesk desk);

// True within the windows' opening hours (appointments.hours) of a working day, China time; else
// the next opening.
bool in_working_hours(std::int64_t unix_seconds, WorkingCalendar const& calendar, config::AppointmentsConfig const& hours);
std::int64_t next_opening(std::int64_t unix_seconds, WorkingCalendar const& calendar,
                          config::AppointmentsConfig const& hours);

}  // namespace talentbot::bot
