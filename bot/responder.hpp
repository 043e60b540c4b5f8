#pragma once
// What the pipeline does with each stored WeCom message: load the conversation's session, read
// the message with the NLU, let the dialogue decide, and commit the replies with the new session.
#include <string>

#include "bot/config.hpp"
#include "bot/pipeline.hpp"

namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::bot {

class AppointmentPlanner;
class Understanding;
class WorkingCalendar;
class Roster;

// A card's task_id must be unique per app and the same when a message is handled again after a
// crash (the resend must be byte-identical), so it derives from the inbox entry. Entry ids are
// unique within one partition's stream only (two partitions can write in the same
// millisecond), so the partition is part of it. At most 128 characters of [A-Za-z0-9_-@].
std::string card_task_id(std::string const& tag, unsigned partition, std::string const& entry_id, std::size_t index);

// Talents talk to the dialogue; people on the roster are specialists (specialist_desk.hpp).
// `config`, `understanding`, `calendar`, `planner` and `roster` must outlive the responder.
Responder dialogue_responder(config::Config const& config, Understanding const& understanding,
                             WorkingCalendar const& calendar, AppointmentPlanner const& planner,
                             Roster const& roster, storage::RedisClient& redis, Logger& log);

}  // namespace talentbot::bot
