#pragma once
// The chat's appointment work that needs Redis (预约, for what the talent must attend in person):
// "明天下午三点去办落户" books the slot or says why not and offers the nearest free ones; "改到周五
// 上午十点", "取消预约", "我约的是几点" and the card buttons (appointment_replies.hpp) move, cancel and
// answer. Booking and moving schedule the reminders (appointment_reminders.hpp); cancelling and
// moving void the old ones. The rules are bot/appointments.hpp; the storage storage/appointments.hpp.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/appointments.hpp"
#include "bot/dialogue.hpp"
#include "storage/log.hpp"

namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::bot {

// What the appointment flows work with; every referenced object outlives the calls.
struct AppointmentDesk {
  storage::RedisClient* redis = nullptr;
  intents::Knowledge const* kb = nullptr;
  AppointmentPlanner const* planner = nullptr;
  config::CenterConfig const* center = nullptr;
  Logger const* log = nullptr;
};

// One talent message or click about appointments.
struct AppointmentAsk {
  std::string intent;   // book_appointment, reschedule_appointment, cancel_appointment, query_appointment
  std::string button;   // or an "appt:" card button (then `intent` is ignored)
  std::string service;  // the conversation's service: named in the message or its topic; may be empty
  std::string named;    // the service named in this very message, if any ("取消落户预约")
  std::optional<std::string> datetime;  // the NLU's ISO time, when a time of day was said
  std::optional<std::string> date;      // yyyy-mm-dd, when only the day was said
  std::string user;
  intents::Language lang = intents::Language::zh;
  std::int64_t at = 0;      // when the message was written (unix seconds): "now" for every rule
  std::string request_key;  // the message's identity: handling it again books nothing twice
};

// The replies, or nullopt when Redis is away (the message is handled again later).
boost::asio::awaitable<std::optional<std::vector<Reply>>> handle_appointment(AppointmentDesk desk,
                                                                             AppointmentAsk ask);

}  // namespace talentbot::bot
