#pragma once
// What a department's specialist does from WeCom on the phone (专员办理, article 9(二)): move a
// case on with the buttons of its card or with commands, and give the note a talent must read
// (what materials are missing, why it was not accepted). Every change goes through the case rules
// (bot/cases.hpp) and storage's atomic transition; the case notifier then tells the talent.
//
// Commands (Chinese or English):
//   /cases, 我的案件                        the department's open cases by deadline
//   /status <id> <status> [note]           e.g. /status GC20261124-0007 needs_materials 缺学位证复印件
//   /note <id> <text>                       an internal note in the case's history (not for the talent)
//   /agenda, 今日预约                        the department's window appointments today
//   /help, 帮助                              this list
// Talking with a talent (/take, /reply, #<case id>, /handback) is handoff.hpp.
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "bot/dialogue.hpp"
#include "bot/roster.hpp"
#include "storage/log.hpp"

namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::bot {

class WorkingCalendar;

struct SpecialistDesk {
  storage::RedisClient* redis = nullptr;
  intents::Knowledge const* kb = nullptr;
  Logger const* log = nullptr;
};

struct SpecialistTurn {
  std::vector<Reply> replies;
  Session session;  // a pending note lives in Session::flow == "note"
};

// One message or card click of a specialist. nullopt: Redis is away, handle it again later.
boost::asio::awaitable<std::optional<SpecialistTurn>> specialist_turn(SpecialistDesk desk, Specialist who,
                                                                      std::string text, std::string event_key,
                                                                      Session session, std::int64_t at);

// "/status GC20261124-0007 needs_materials 缺学位证" → (id, status, note); nullopt if not that.
struct StatusCommand {
  std::string case_id;
  std::string status;
  std::string note;
};
std::optional<StatusCommand> parse_status_command(std::string_view text);

}  // namespace talentbot::bot
