#pragma once
// Reminders before a window appointment (default 24 h and 1 h, appointments.reminders): one
// scheduled item per offset, "appt_remind:<appointment id>:<offset minutes>", due at the slot's
// start minus the offset. Booking and moving (re)schedule them; cancelling removes them. When one
// is due the handler sends it only if the appointment is still booked in the slot it was made
// for, so a cancelled or moved appointment is never reminded of its old time; the push is once
// per item and slot even if the item is handled twice (another instance, a crash mid-send).
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "bot/appointment_replies.hpp"
#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "bot/scheduler.hpp"

namespace talentbot::bot {

inline constexpr std::string_view kReminderKind = "appt_remind";

std::string reminder_item_id(std::string_view appointment_id, std::chrono::minutes offset);

// What a reminder item carries: enough to write the text without the knowledge base.
std::string reminder_payload(appointment_replies::Visit const& visit, std::string const& user, intents::Language lang);

// Schedules the reminders of `visit` still ahead of `now`, and removes those of its offsets that
// are not (a moved appointment's earlier reminders).
boost::asio::awaitable<boost::system::result<void>> schedule_reminders(storage::RedisClient& redis,
                                                                       appointment_replies::Visit visit,
                                                                       std::string user, intents::Language lang,
                                                                       std::vector<std::chrono::minutes> offsets,
                                                                       std::chrono::sys_seconds now);
boost::asio::awaitable<boost::system::result<void>> unschedule_reminders(storage::RedisClient& redis,
                                                                         std::string appointment_id,
                                                                         std::vector<std::chrono::minutes> offsets);

// Registers the handler of kReminderKind; `config`, `redis`, `clock` and `log` outlive `scheduler`.
void register_appointment_reminders(Scheduler& scheduler, storage::RedisClient& redis, config::Config const& config,
                                    Clock const& clock, Logger& log);

}  // namespace talentbot::bot
