// Appointments in chat; see appointment_flow.hpp.
#include "bot/appointment_flow.hpp"

#include <set>

#include "bot/appointment_reminders.hpp"
#include "bot/appointment_replies.hpp"
#include "bot/replies.hpp"
#include "intents/datetime.hpp"
#include "storage/appointments.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using namespace std::chrono;
using intents::Language;
using appointment_replies::Button;
using appointment_replies::Visit;
using Replies = std::optional<std::vector<Reply>>;

namespace {

constexpr std::size_t kAlternatives = 3;  // nearest free times offered for a refused one
constexpr std::size_t kDaySlots = 6;      // free times of a day offered (one card)

void add_text(std::vector<Reply>& out, std::string text) {
  out.push_back(Reply{Reply::Kind::text, {}, std::move(text), {}, {}});
}

std::vector<Reply> say(std::string text) {
  std::vector<Reply> out;
  add_text(out, std::move(text));
  return out;
}

void append(std::vector<Reply>& out, std::vector<Reply> more) {
  for (auto& r : more) out.push_back(std::move(r));
}

sys_seconds now_of(AppointmentAsk const& a) { return sys_seconds(seconds(a.at)); }

std::string department_name(intents::Knowledge const& kb, std::string const& id, Language lang) {
  auto const* d = kb.department(id);
  if (d == nullptr) return id;
  return lang == Language::en && !d->name.en.empty() ? d->name.en : d->name.zh;
}

Visit visit_of(AppointmentDesk const& desk, std::string const& id, std::string const& service_id, Slot const& slot,
               Language lang) {
  Visit v;
  v.id = id;
  auto const* s = desk.kb->service(service_id);
  v.service_name = s ? replies::name_of(*s, lang) : service_id;
  v.department_name = department_name(*desk.kb, slot.department, lang);
  v.address = desk.center->address;
  v.slot = slot;
  return v;
}

Visit visit_of(AppointmentDesk const& desk, storage::StoredAppointment const& a, Language lang) {
  Slot slot{a.department, sys_seconds(seconds(a.start)), sys_seconds(seconds(a.end))};
  return visit_of(desk, a.id, a.service, slot, lang);
}

std::string hours_text(AppointmentDesk const& desk, std::string const& department) {
  return config::format_window_hours(desk.planner->window(department).hours);
}

storage::Booking booking_of(AppointmentAsk const& a, std::string const& service, Slot const& slot, int capacity) {
  storage::Booking b;
  b.user = a.user;
  b.service = service;
  b.slot_id = slot.id();
  b.start = slot.start.time_since_epoch().count();
  b.end = slot.end.time_since_epoch().count();
  b.capacity = capacity;
  b.at = a.at;
  return b;
}

std::vector<std::string> slot_ids(std::vector<Slot> const& slots) {
  std::vector<std::string> ids;
  for (auto const& s : slots) ids.push_back(s.id());
  return ids;
}

std::vector<intents::Service const*> in_person_services(intents::Knowledge const& kb) {
  std::vector<intents::Service const*> out;
  for (auto const& s : kb.services())
    if (s.in_person) out.push_back(&s);
  return out;
}

std::string lead_for_day(Slot const& first, Language lang) {
  auto text = describe(first, lang != Language::en);
  text = text.substr(0, text.rfind(lang == Language::en ? "," : "）") + (lang == Language::en ? 0 : 3));
  return lang == Language::en ? "Free times on " + text + ":" : text + "可约时段：";
}

std::string const& nearest_free_label(Language lang) {
  static std::string const zh = "附近可约的时间：", en = " Nearest free times:";
  return lang == Language::en ? en : zh;
}

std::string full_lead(std::string const& asked, Language lang) {
  Verdict const none;
  return appointment_replies::refusal(none, true, asked, std::string(), lang) + nearest_free_label(lang);
}

// Why the time asked cannot be booked, then the alternatives' heading. An ok check here is the
// talent's current slot asked for again when moving.
std::string refused_lead(AppointmentDesk const& desk, Verdict const& check, std::string const& asked,
                         std::string const& department, Language lang) {
  if (check.ok()) return std::string(replies::pick(lang, "这就是您现在的预约时间。", "That is your current time.")) +
                         nearest_free_label(lang);
  return appointment_replies::refusal(check, false, asked, hours_text(desk, department), lang) +
         nearest_free_label(lang);
}

void log_failure(Logger const& log, char const* event, boost::system::error_code ec) {
  log.warn(event, {{"error", ec.message()}, {"action", "message kept for retry"}});
}

// The slots of `department` that still have a place (one round trip for all of them).
asio::awaitable<std::optional<std::set<std::string>>> full_slots(AppointmentDesk desk, std::string department,
                                                                 sys_seconds now) {
  auto const candidates = desk.planner->bookable(department, now);
  auto usage = co_await storage::slot_usage(*desk.redis, slot_ids(candidates));
  if (!usage) {
    log_failure(*desk.log, "appointment.usage_failed", usage.error());
    co_return std::nullopt;
  }
  std::set<std::string> full;
  int const capacity = desk.planner->capacity(department);
  for (std::size_t i = 0; i < candidates.size() && i < usage->size(); ++i)
    if ((*usage)[i] >= capacity) full.insert(candidates[i].id());
  co_return full;
}

// The nearest free times to `around`, as a lead sentence and buttons. `skip`: the talent's own
// slot when moving (it is not an alternative to itself).
asio::awaitable<Replies> alternatives(AppointmentDesk desk, AppointmentAsk ask, std::string service,
                                      std::string department, sys_seconds around, std::string lead, std::string skip,
                                      std::size_t n) {
  auto full = co_await full_slots(desk, department, now_of(ask));
  if (!full) co_return std::nullopt;
  auto const is_free = [&full, &skip](Slot const& s) {
    auto const id = s.id();
    return id != skip && !full->contains(id);
  };
  auto slots = desk.planner->nearest_free(department, around, now_of(ask), is_free, n);
  std::sort(slots.begin(), slots.end(), [](Slot const& a, Slot const& b) { return a.start < b.start; });
  co_return appointment_replies::offer_slots(lead, slots, service, ask.lang);
}

// Holds the place and answers with the confirmation, or with the nearest free times when the
// slot filled up meanwhile.
asio::awaitable<Replies> reserve_slot(AppointmentDesk desk, AppointmentAsk ask, std::string service, Slot slot,
                                      std::string asked) {
  auto const* svc = desk.kb->service(service);
  auto const booking = booking_of(ask, service, slot, desk.planner->capacity(slot.department));
  auto reserved = co_await storage::reserve(*desk.redis, booking, ask.request_key);
  if (!reserved && reserved.error() == storage::appointment_errc::full) {
    auto const lead = full_lead(asked, ask.lang);
    std::string const no_skip;
    co_return co_await alternatives(desk, ask, service, slot.department, slot.start, lead, no_skip, kAlternatives);
  }
  if (!reserved) {
    log_failure(*desk.log, "appointment.reserve_failed", reserved.error());
    co_return std::nullopt;
  }
  // The same message handled again: answer with what it booked then.
  auto visit = visit_of(desk, reserved->id, service, slot, ask.lang);
  if (reserved->outcome == storage::Reservation::Outcome::repeated) {
    auto stored = co_await storage::get_appointment(*desk.redis, reserved->id);
    if (!stored) {
      log_failure(*desk.log, "appointment.read_failed", stored.error());
      co_return std::nullopt;
    }
    if (*stored) visit = visit_of(desk, **stored, ask.lang);
  }
  auto const offsets = desk.planner->config().reminders;
  auto scheduled = co_await schedule_reminders(*desk.redis, visit, ask.user, ask.lang, offsets, now_of(ask));
  if (!scheduled) {
    log_failure(*desk.log, "appointment.remind_failed", scheduled.error());
    co_return std::nullopt;
  }
  bool const moved = reserved->outcome == storage::Reservation::Outcome::rescheduled ||
                     ask.intent == "reschedule_appointment";
  desk.log->info("appointment.booked", {{"appointment", visit.id}, {"slot", visit.slot.id()}, {"moved", moved ? "true" : "false"}});
  std::vector<minutes> ahead;
  for (auto const t : desk.planner->reminder_times(visit.slot, now_of(ask))) ahead.push_back(duration_cast<minutes>(visit.slot.start - t));
  std::size_t const materials = svc ? svc->materials.items.size() : 0;
  bool const consultation = svc && !svc->in_person;
  auto out = say(appointment_replies::confirmation(visit, moved, materials, consultation, ahead, ask.lang));
  out.push_back(appointment_replies::manage_card(visit.id, ask.lang));
  co_return out;
}

// A request for `service` at the time or day asked (or none): book it, or say why not and offer.
asio::awaitable<Replies> book(AppointmentDesk desk, AppointmentAsk ask, std::string skip) {
  auto const* svc = desk.kb->service(ask.service);
  if (svc == nullptr) {
    std::string const when = ask.datetime ? *ask.datetime : ask.date.value_or("");
    std::vector<Reply> out;
    out.push_back(appointment_replies::which_service(in_person_services(*desk.kb), when, ask.lang));
    co_return out;
  }
  std::vector<Reply> out;
  if (!svc->in_person && skip.empty())
    add_text(out, appointment_replies::consultation_note(replies::name_of(*svc, ask.lang), ask.lang));
  auto const department = svc->department;
  auto const now = now_of(ask);
  if (ask.datetime) {
    auto const requested = intents::parse_iso8601(*ask.datetime);
    if (requested) {
      auto const asked = replies::format_when(*ask.datetime, ask.lang);
      auto const check = desk.planner->check_requested(department, requested->instant, now);
      if (check.ok() && check.slot->id() != skip) {
        auto booked = co_await reserve_slot(desk, ask, svc->id, *check.slot, asked);
        if (!booked) co_return std::nullopt;
        append(out, std::move(*booked));
        co_return out;
      }
      auto const lead = refused_lead(desk, check, asked, department, ask.lang);
      auto more = co_await alternatives(desk, ask, svc->id, department, requested->instant, lead, skip, kAlternatives);
      if (!more) co_return std::nullopt;
      append(out, std::move(*more));
      co_return out;
    }
  }
  if (ask.date) {
    if (auto const day = parse_date(*ask.date)) {
      auto const check = desk.planner->check_day(department, *day, now);
      auto const noon = china_midnight(*day) + hours(12);
      if (!check.ok()) {
        auto const asked = replies::format_when(*ask.date, ask.lang);
        auto const lead = refused_lead(desk, check, asked, department, ask.lang);
        auto more = co_await alternatives(desk, ask, svc->id, department, noon, lead, skip, kAlternatives);
        if (!more) co_return std::nullopt;
        append(out, std::move(*more));
        co_return out;
      }
      // The day's free times, earliest first: nearest to its opening.
      auto more = co_await alternatives(desk, ask, svc->id, department, check.slots.front().start,
                                        lead_for_day(check.slots.front(), ask.lang), skip, kDaySlots);
      if (!more) co_return std::nullopt;
      append(out, std::move(*more));
      co_return out;
    }
  }
  auto const lead = std::string(replies::pick(ask.lang, "请问您想约什么时间？最近可约的时间：",
                                              "When would you like to come? The next free times:"));
  auto more = co_await alternatives(desk, ask, svc->id, department, now, lead, skip, kAlternatives);
  if (!more) co_return std::nullopt;
  append(out, std::move(*more));
  co_return out;
}

// The talent's upcoming appointments; nullopt when Redis is away.
asio::awaitable<std::optional<std::vector<storage::StoredAppointment>>> upcoming(AppointmentDesk desk,
                                                                                  AppointmentAsk ask) {
  auto mine = co_await storage::appointments_of_user(*desk.redis, ask.user, ask.at);
  if (!mine) {
    log_failure(*desk.log, "appointment.read_failed", mine.error());
    co_return std::nullopt;
  }
  co_return std::move(*mine);
}

// The one appointment a chat message means: the only one, or the only one for the service named
// or talked about. nullopt when it is ambiguous.
std::optional<storage::StoredAppointment> the_one(std::vector<storage::StoredAppointment> const& mine,
                                                  std::string const& service, std::string const& named) {
  // "取消落户预约" with only a passport appointment: not that one — ask rather than cancel it.
  if (mine.size() == 1) {
    if (!named.empty() && mine.front().service != named) return std::nullopt;
    return mine.front();
  }
  std::optional<storage::StoredAppointment> found;
  for (auto const& a : mine) {
    if (a.service != service) continue;
    if (found) return std::nullopt;
    found = a;
  }
  return found;
}

std::vector<Visit> visits_of(AppointmentDesk const& desk, std::vector<storage::StoredAppointment> const& mine,
                             Language lang) {
  std::vector<Visit> out;
  for (auto const& a : mine) out.push_back(visit_of(desk, a, lang));
  return out;
}

asio::awaitable<Replies> cancel(AppointmentDesk desk, AppointmentAsk ask, std::string id) {
  auto stored = co_await storage::get_appointment(*desk.redis, id);
  if (!stored) {
    log_failure(*desk.log, "appointment.read_failed", stored.error());
    co_return std::nullopt;
  }
  // Someone else's appointment gets the answer of one that does not exist.
  if (!*stored || (*stored)->user != ask.user) co_return say(appointment_replies::none_booked(ask.lang));
  auto done = co_await storage::cancel_appointment(*desk.redis, id, ask.user, ask.user, ask.at);
  if (!done) {
    log_failure(*desk.log, "appointment.cancel_failed", done.error());
    co_return std::nullopt;
  }
  auto voided = co_await unschedule_reminders(*desk.redis, id, desk.planner->config().reminders);
  if (!voided) {
    log_failure(*desk.log, "appointment.remind_failed", voided.error());
    co_return std::nullopt;
  }
  // A retried message finds it cancelled by its own first handling: the same answer again.
  if (*done == storage::Cancellation::already_cancelled && (*stored)->updated_at != ask.at)
    co_return say(appointment_replies::already_cancelled(ask.lang));
  desk.log->info("appointment.cancelled", {{"appointment", id}});
  co_return say(appointment_replies::cancelled(visit_of(desk, **stored, ask.lang), ask.lang));
}

// Other times for the appointment `a`: those around its time, or the time or day asked.
asio::awaitable<Replies> move(AppointmentDesk desk, AppointmentAsk ask, storage::StoredAppointment a) {
  ask.service = a.service;
  if (ask.datetime || ask.date) co_return co_await book(desk, ask, a.slot_id);
  auto const lead = std::string(replies::pick(ask.lang, "请问改到什么时间？可以直接说，例如“改到周五上午十点”，或选择：",
                                              "When would suit you instead? Say e.g. \"move it to Friday 10am\", or "
                                              "pick one:"));
  co_return co_await alternatives(desk, ask, a.service, a.department, sys_seconds(seconds(a.start)), lead, a.slot_id,
                                  kAlternatives);
}

asio::awaitable<Replies> by_chat(AppointmentDesk desk, AppointmentAsk ask) {
  std::string const no_skip;
  if (ask.intent == "book_appointment") co_return co_await book(desk, ask, no_skip);
  auto mine = co_await upcoming(desk, ask);
  if (!mine) co_return std::nullopt;
  if (mine->empty()) {
    // Nothing to move: a new time for a known service is a booking.
    if (ask.intent == "reschedule_appointment" && desk.kb->service(ask.service) != nullptr)
      co_return co_await book(desk, ask, no_skip);
    co_return say(appointment_replies::none_booked(ask.lang));
  }
  auto const visits = visits_of(desk, *mine, ask.lang);
  if (ask.intent == "query_appointment") {
    auto out = say(appointment_replies::listing(visits, ask.lang));
    if (visits.size() == 1) out.push_back(appointment_replies::manage_card(visits.front().id, ask.lang));
    co_return out;
  }
  auto const one = the_one(*mine, ask.service, ask.named);
  bool const cancelling = ask.intent == "cancel_appointment";
  if (!one) {
    std::vector<Reply> out;
    out.push_back(appointment_replies::which_appointment(visits, cancelling, ask.lang));
    co_return out;
  }
  if (cancelling) co_return co_await cancel(desk, ask, one->id);
  co_return co_await move(desk, ask, *one);
}

void set_when(AppointmentAsk& ask, std::string const& when) {
  ask.datetime.reset();
  ask.date.reset();
  if (when.size() > 10) ask.datetime = when;
  else if (!when.empty()) ask.date = when;
}

asio::awaitable<Replies> by_button(AppointmentDesk desk, AppointmentAsk ask, Button b) {
  if (b.action == Button::Action::cancel) co_return co_await cancel(desk, ask, b.appointment);
  if (b.action == Button::Action::move) {
    auto stored = co_await storage::get_appointment(*desk.redis, b.appointment);
    if (!stored) {
      log_failure(*desk.log, "appointment.read_failed", stored.error());
      co_return std::nullopt;
    }
    if (!*stored || (*stored)->user != ask.user || (*stored)->status != "booked" || (*stored)->start < ask.at)
      co_return say(appointment_replies::none_booked(ask.lang));
    ask.datetime.reset();
    ask.date.reset();
    co_return co_await move(desk, ask, **stored);
  }
  ask.service = b.service;
  std::string const no_skip;
  if (b.action == Button::Action::service) {
    set_when(ask, b.when);
    co_return co_await book(desk, ask, no_skip);
  }
  // A slot picked from a card: checked again, since time has passed since the card was sent.
  auto const slot = desk.planner->slot_from_id(b.slot_id);
  // A slot of another department's window (an old card after a knowledge-base change, a forged
  // key) is not booked: the service's own window is offered instead.
  auto const* picked = desk.kb->service(b.service);
  if (!slot || picked == nullptr || slot->department != picked->department) co_return co_await book(desk, ask, no_skip);
  auto const check = desk.planner->check_requested(slot->department, slot->start, now_of(ask));
  auto const asked = describe(*slot, ask.lang != Language::en);
  if (!check.ok()) {
    auto const lead = refused_lead(desk, check, asked, slot->department, ask.lang);
    co_return co_await alternatives(desk, ask, b.service, slot->department, slot->start, lead, no_skip,
                                    kAlternatives);
  }
  co_return co_await reserve_slot(desk, ask, b.service, *slot, asked);
}

}  // namespace

asio::awaitable<Replies> handle_appointment(AppointmentDesk desk, AppointmentAsk ask) {
  if (!ask.button.empty()) {
    auto const b = appointment_replies::parse_button(ask.button);
    if (!b) co_return say(appointment_replies::none_booked(ask.lang));
    co_return co_await by_button(desk, ask, *b);
  }
  co_return co_await by_chat(desk, ask);
}

}  // namespace talentbot::bot
