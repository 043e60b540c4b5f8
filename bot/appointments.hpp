// Appointments at a department's service window (预约, for the services a talent must attend in
// person): which slots exist, whether a requested time can be booked and if not exactly why, and
// the nearest alternatives. Pure: times in, decisions out. Holding a place in a slot (capacity,
// one appointment per talent and service, reschedule, cancel) is storage/appointments.hpp.
//
// All times are instants (sys_seconds); the windows keep China time (UTC+8, no daylight saving),
// so days, opening hours and slot ids are read in that offset whatever the server's time zone.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/calendar.hpp"
#include "bot/config.hpp"

namespace talentbot::bot {

inline constexpr std::chrono::minutes kChinaOffset{8 * 60};

// The local day of an instant, and the instant a local day begins.
std::chrono::year_month_day china_date(std::chrono::sys_seconds t);
std::chrono::sys_seconds china_midnight(std::chrono::year_month_day day);

// One department's window: when it is open (working days only) and how many talents a slot takes.
struct WindowRules {
  std::vector<config::WindowSpan> hours;
  int capacity = 1;
};

struct Slot {
  std::string department;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;

  // "public_security:20261127T1500" (department, local start): stable across restarts and
  // releases, so it can ride in a card button and name the slot's place-holder in Redis.
  std::string id() const;
  friend bool operator==(Slot const&, Slot const&) = default;
};

// What a slot id says, read without the rules (storage and buttons carry ids).
struct SlotRef {
  std::string department;
  std::chrono::sys_seconds start;
};
std::optional<SlotRef> parse_slot_id(std::string_view id);

// "11月27日（周五）15:00-15:30" or "Fri 27 Nov, 15:00-15:30", in China time.
std::string describe(Slot const& slot, bool chinese);

enum class Refusal {
  none,
  in_past,          // the time has passed
  too_soon,         // within the lead time: `earliest` is the first bookable instant
  beyond_horizon,   // after `last_day`
  not_working_day,  // a weekend or a public holiday (`holiday` names it when known)
  outside_hours,    // a working day, but the window is closed then (lunch, evening)
};
std::string_view to_string(Refusal r);

// Why a request cannot be booked, with what the talent needs to choose again.
struct Verdict {
  Refusal refusal = Refusal::none;
  std::string holiday;                     // not_working_day: "国庆节 National Day", or empty
  std::chrono::sys_seconds earliest{};     // too_soon
  std::chrono::year_month_day last_day{};  // beyond_horizon
  bool ok() const { return refusal == Refusal::none; }
};

struct SlotCheck : Verdict {
  std::optional<Slot> slot;  // set when ok(): the slot the requested time falls in
  bool snapped = false;      // the request was inside the slot, not at its start (15:10 → 15:00)
};

struct DayCheck : Verdict {
  std::vector<Slot> slots;  // when ok(): the day's slots that can still be booked, in order
};

class AppointmentPlanner {
 public:
  // `windows` overrides the configured hours and capacity per department id.
  AppointmentPlanner(config::AppointmentsConfig config, std::shared_ptr<WorkingCalendar const> calendar,
                     std::map<std::string, WindowRules, std::less<>> windows = {});

  WindowRules const& window(std::string_view department) const;
  int capacity(std::string_view department) const { return window(department).capacity; }
  config::AppointmentsConfig const& config() const { return config_; }

  // Every slot of the department's window on a day, in order; none on a day off.
  std::vector<Slot> slots_on(std::string_view department, std::chrono::year_month_day day) const;

  // A date and time the talent asked for ("明天下午三点"). The checks run in the order a person
  // would explain them: passed, too far ahead, a day off, window closed, too soon.
  SlotCheck check_requested(std::string_view department, std::chrono::sys_seconds requested,
                            std::chrono::sys_seconds now) const;

  // A day without a time ("周五", "明天下午" gives only the day): its bookable slots, or why none.
  DayCheck check_day(std::string_view department, std::chrono::year_month_day day, std::chrono::sys_seconds now) const;

  // The slot a button's id names, if that department's window has such a slot on that day
  // (ids come back from the user: never trusted). Whether it is still bookable: check_requested.
  std::optional<Slot> slot_from_id(std::string_view id) const;

  // Every slot bookable now (after the lead time, within the horizon), in time order.
  std::vector<Slot> bookable(std::string_view department, std::chrono::sys_seconds now) const;

  // Up to `n` bookable slots for which `is_free` holds, nearest to `requested` first (the earlier
  // of two equally near). Works for a refused request too: a holiday gets the days around it.
  std::vector<Slot> nearest_free(std::string_view department, std::chrono::sys_seconds requested,
                                 std::chrono::sys_seconds now, std::function<bool(Slot const&)> const& is_free,
                                 std::size_t n = 3) const;

  // When to remind the talent of an appointment made at `booked_at`: the configured offsets
  // before the start, earliest first, leaving out those already past at booking time.
  std::vector<std::chrono::sys_seconds> reminder_times(Slot const& slot, std::chrono::sys_seconds booked_at) const;

 private:
  // The checks that need only the day: passed, beyond the horizon, a day off.
  Verdict check_date(std::chrono::year_month_day day, bool passed, std::chrono::sys_seconds now) const;

  config::AppointmentsConfig config_;
  std::shared_ptr<WorkingCalendar const> calendar_;
  WindowRules defaults_;
  std::map<std::string, WindowRules, std::less<>> windows_;
};

}  // namespace talentbot::bot
