// Appointment reminders; see appointment_reminders.hpp.
#include "bot/appointment_reminders.hpp"

#include <nlohmann/json.hpp>

#include "adapters/wecom/outbound.hpp"
#include "storage/appointments.hpp"
#include "storage/keys.hpp"
#include "storage/scheduler.hpp"
#include "storage/streams.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using namespace std::chrono;
using appointment_replies::Visit;

namespace {

// A reminder pushed is remembered past the appointment itself, so a late re-run sends nothing.
constexpr seconds kRememberPush = hours(24 * 30);

// A reminder handled later than this after its time (the bot was down) says the time left instead
// of its offset: "in 24 hours" sent 3 hours before the visit would mislead.
constexpr minutes kLateness{10};

struct DueReminder {
  Visit visit;
  std::string user;
  intents::Language lang = intents::Language::zh;
  minutes offset{0};
};

std::optional<DueReminder> read_payload(std::string const& item_id, std::string const& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  DueReminder r;
  try {
    r.visit.id = j.at("id").get<std::string>();
    r.visit.service_name = j.at("name").get<std::string>();
    r.visit.department_name = j.at("dept_name").get<std::string>();
    r.visit.address = j.value("address", "");
    r.visit.slot.department = j.at("dept").get<std::string>();
    r.visit.slot.start = sys_seconds(seconds(j.at("start").get<std::int64_t>()));
    r.visit.slot.end = sys_seconds(seconds(j.at("end").get<std::int64_t>()));
    r.user = j.at("user").get<std::string>();
    r.lang = j.value("lang", "zh") == "en" ? intents::Language::en : intents::Language::zh;
  } catch (nlohmann::json::exception const&) {
    return std::nullopt;
  }
  auto const colon = item_id.rfind(':');
  r.offset = minutes(std::atoi(item_id.c_str() + colon + 1));
  return r;
}

// The time to say: the offset when on time, the time actually left when late.
minutes time_left(DueReminder const& r, sys_seconds now) {
  auto const left = floor<minutes>(r.visit.slot.start - now);
  if (r.visit.slot.start - r.offset + kLateness >= now) return r.offset;
  if (left >= hours(2)) return floor<hours>(left);
  return left;
}

std::string outbox_payload(DueReminder const& r, minutes before, std::int64_t agent_id, std::string const& cause) {
  wecom::OutboundRequest request;
  request.user = r.user;
  request.body = wecom::text_message(r.user, agent_id, appointment_replies::reminder(r.visit, before, r.lang));
  std::string identity = "rm_" + cause;
  for (char& c : identity)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  request.body = wecom::with_reply_identity(request.body, identity);
  return wecom::to_outbox(request);
}

std::vector<std::string> one(std::string payload) {
  std::vector<std::string> out;
  out.push_back(std::move(payload));
  return out;
}

asio::awaitable<bool> remind(storage::DueItem item, storage::RedisClient& redis, config::Config const& config,
                             Clock const& clock, Logger& log) {
  auto const due = read_payload(item.id, item.payload);
  if (!due) {
    log.error("reminder.unreadable", {{"item", item.id}, {"action", "dropped"}});
    co_return true;
  }
  auto stored = co_await storage::get_appointment(redis, due->visit.id);
  if (!stored) co_return false;  // Redis away: back after the lease
  auto const slot_id = due->visit.slot.id();
  // Cancelled or moved since: nothing to remind of (a moved one has its own reminders).
  if (!*stored || (*stored)->status != "booked" || (*stored)->slot_id != slot_id) {
    log.debug("reminder.void", {{"item", item.id}});
    co_return true;
  }
  auto const now = floor<seconds>(clock.now());
  if (now >= due->visit.slot.start) co_return true;  // too late to be of use
  auto const cause = item.id + "@" + slot_id;
  auto const partition = storage::keys::partition_of(due->user, config.queue.partitions);
  auto pushed = co_await storage::outbox_push_once(
      redis, partition, cause, one(outbox_payload(*due, time_left(*due, now), config.wecom.agent_id, cause)),
      kRememberPush);
  if (!pushed) co_return false;
  log.info("reminder.sent", {{"item", item.id}, {"user", mask_user(due->user)}, {"first", *pushed ? "true" : "false"}});
  co_return true;
}

}  // namespace

std::string reminder_item_id(std::string_view appointment_id, minutes offset) {
  std::string id(kReminderKind);
  id += ':';
  id += appointment_id;
  id += ':';
  id += std::to_string(offset.count());
  return id;
}

std::string reminder_payload(Visit const& v, std::string const& user, intents::Language lang) {
  nlohmann::json j;
  j["id"] = v.id;
  j["user"] = user;
  j["name"] = v.service_name;
  j["dept"] = v.slot.department;
  j["dept_name"] = v.department_name;
  j["address"] = v.address;
  j["start"] = v.slot.start.time_since_epoch().count();
  j["end"] = v.slot.end.time_since_epoch().count();
  j["lang"] = lang == intents::Language::en ? "en" : "zh";
  return j.dump();
}

asio::awaitable<boost::system::result<void>> schedule_reminders(storage::RedisClient& redis, Visit visit,
                                                                std::string user, intents::Language lang,
                                                                std::vector<minutes> offsets, sys_seconds now) {
  auto const payload = reminder_payload(visit, user, lang);
  for (auto const offset : offsets) {
    auto const at = visit.slot.start - offset;
    auto const id = reminder_item_id(visit.id, offset);
    if (at > now) {
      auto const due_ms = duration_cast<milliseconds>(at.time_since_epoch()).count();
      auto done = co_await storage::schedule(redis, id, due_ms, payload);
      if (!done) co_return done.error();
    } else {
      auto done = co_await storage::unschedule(redis, id);
      if (!done) co_return done.error();
    }
  }
  co_return boost::system::result<void>{};
}

asio::awaitable<boost::system::result<void>> unschedule_reminders(storage::RedisClient& redis,
                                                                  std::string appointment_id,
                                                                  std::vector<minutes> offsets) {
  for (auto const offset : offsets) {
    auto done = co_await storage::unschedule(redis, reminder_item_id(appointment_id, offset));
    if (!done) co_return done.error();
  }
  co_return boost::system::result<void>{};
}

void register_appointment_reminders(Scheduler& scheduler, storage::RedisClient& redis, config::Config const& config,
                                    Clock const& clock, Logger& log) {
  scheduler.on(std::string(kReminderKind), [&redis, &config, &clock, &log](storage::DueItem item) {
    return remind(std::move(item), redis, config, clock, log);
  });
}

}  // namespace talentbot::bot
