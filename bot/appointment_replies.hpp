#pragma once
// What a talent reads about a window appointment (预约): the confirmation with its card, why a time
// cannot be booked and which free times are nearest, the talent's appointments, and the reminders
// before the visit. Pure functions; the booking itself is bot/appointment_flow.hpp.
//
// Card buttons carry everything they act on, so a click needs no session state and a click on an
// old card still does what its button said:
//   appt:book:<service>:<slot id>   book (or move the service's appointment to) that slot
//   appt:svc:<service>[:<iso time>] the service of a request that named none, with its time
//   appt:move:<appointment id>      offer other times for that appointment
//   appt:cancel:<appointment id>    cancel it
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/appointments.hpp"
#include "bot/dialogue.hpp"
#include "intents/knowledge.hpp"

namespace talentbot::bot::appointment_replies {

using intents::Language;

// A button key read back; nullopt for anything else (keys come from the user: never trusted).
struct Button {
  enum class Action { book, service, move, cancel };
  Action action = Action::book;
  std::string service;  // book, service
  std::string slot_id;  // book
  std::string when;     // service: the ISO date or time asked for, or empty
  std::string appointment;  // move, cancel
};
std::optional<Button> parse_button(std::string_view key);
std::string book_key(std::string_view service, std::string_view slot_id);
std::string service_key(std::string_view service, std::string_view when);

// Where and for what the appointment is, as the confirmation and the reminders show it.
struct Visit {
  std::string id;  // AP000123
  std::string service_name;
  std::string department_name;
  std::string address;  // center.address, or empty when not configured
  Slot slot;
};

// The confirmation of a booked or moved appointment: what, when, where, what to bring (the
// number of materials and how to see them: 一次性告知) and when the reminders come.
// `consultation`: the service needs no visit in person; the talent comes to ask.
std::string confirmation(Visit const& v, bool moved, std::size_t materials, bool consultation,
                         std::vector<std::chrono::minutes> const& reminders, Language lang);
// The card under a confirmation or an answer about one appointment: 改约 / 取消预约.
Reply manage_card(std::string const& appointment_id, Language lang);

// Why the time asked for cannot be booked; `full` when the slot exists but has no place left.
// `asked`: the time as the talent will recognise it; `hours`: the window's opening hours.
std::string refusal(Verdict const& v, bool full, std::string const& asked, std::string const& hours, Language lang);
// Free times to pick from (as buttons and as a numbered list for typing "1"-"6"); `lead` is the
// sentence before them. No slots: says how to ask for another day.
std::vector<Reply> offer_slots(std::string const& lead, std::vector<Slot> const& slots, std::string_view service,
                               Language lang);
// The talent named no service: the in-person ones as buttons, carrying the time asked for.
Reply which_service(std::vector<intents::Service const*> const& services, std::string_view when, Language lang);
// A service done without a visit: said before booking a consultation at the window.
std::string consultation_note(std::string const& service_name, Language lang);

// "我约的是几点": the talent's upcoming appointments, or none.
std::string listing(std::vector<Visit> const& visits, Language lang);
std::string none_booked(Language lang);
std::string cancelled(Visit const& v, Language lang);
std::string already_cancelled(Language lang);
// Several appointments and the talent did not say which: one button each.
Reply which_appointment(std::vector<Visit> const& visits, bool cancel, Language lang);

// The reminder `before` the start (24 h, 1 h ...).
std::string reminder(Visit const& v, std::chrono::minutes before, Language lang);

}  // namespace talentbot::bot::appointment_replies
