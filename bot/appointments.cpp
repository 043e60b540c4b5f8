#include "bot/appointments.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace talentbot::bot {
using namespace std::chrono;

namespace {

bool is_id_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// hh:mm of a local time, for ids and descriptions.
hh_mm_ss<minutes> local_clock(sys_seconds t) {
  auto const local = t + kChinaOffset;
  return hh_mm_ss<minutes>{floor<minutes>(local - floor<days>(local))};
}

}  // namespace

year_month_day china_date(sys_seconds t) { return year_month_day{floor<days>(t + kChinaOffset)}; }

sys_seconds china_midnight(year_month_day day) { return sys_seconds{sys_days{day}} - kChinaOffset; }

std::string Slot::id() const {
  auto const d = china_date(start);
  auto const c = local_clock(start);
  char buf[32];
  std::snprintf(buf, sizeof buf, ":%04d%02u%02uT%02d%02d", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()), static_cast<int>(c.hours().count()),
                static_cast<int>(c.minutes().count()));
  return department + buf;
}

std::optional<SlotRef> parse_slot_id(std::string_view id) {
  auto const colon = id.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  auto const department = id.substr(0, colon);
  auto const when = id.substr(colon + 1);  // yyyymmddThhmm
  if (!std::all_of(department.begin(), department.end(), is_id_char)) return std::nullopt;
  if (when.size() != 13 || when[8] != 'T' || !all_digits(when.substr(0, 8)) || !all_digits(when.substr(9)))
    return std::nullopt;
  year_month_day const day{year{number(when.substr(0, 4))}, month{static_cast<unsigned>(number(when.substr(4, 2)))},
                           std::chrono::day{static_cast<unsigned>(number(when.substr(6, 2)))}};
  int const h = number(when.substr(9, 2)), m = number(when.substr(11, 2));
  if (!day.ok() || h > 23 || m > 59) return std::nullopt;
  return SlotRef{std::string(department), china_midnight(day) + hours(h) + minutes(m)};
}

std::string describe(Slot const& slot, bool chinese) {
  static constexpr char const* kZhWeekdays[] = {"周日", "周一", "周二", "周三", "周四", "周五", "周六"};
  static constexpr char const* kEnWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr char const* kEnMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto const d = china_date(slot.start);
  auto const wd = weekday{sys_days{d}}.c_encoding();
  auto const from = local_clock(slot.start);
  // Minutes from the start's local midnight, so a slot ending at midnight reads 24:00, not 00:00.
  auto const local_start = slot.start + kChinaOffset;
  auto const to = floor<minutes>(slot.end + kChinaOffset - floor<days>(local_start)).count();
  auto const m = static_cast<unsigned>(d.month());
  auto const dd = static_cast<unsigned>(d.day());
  auto const h1 = static_cast<int>(from.hours().count()), m1 = static_cast<int>(from.minutes().count());
  auto const h2 = static_cast<int>(to / 60), m2 = static_cast<int>(to % 60);
  char buf[96];
  if (chinese)
    std::snprintf(buf, sizeof buf, "%u月%u日（%s）%02d:%02d-%02d:%02d", m, dd, kZhWeekdays[wd], h1, m1, h2, m2);
  else
    std::snprintf(buf, sizeof buf, "%s %u %s, %02d:%02d-%02d:%02d", kEnWeekdays[wd], dd, kEnMonths[m - 1], h1, m1, h2, m2);
  return buf;
}

std::string_view to_string(Refusal r) {
  switch (r) {
    case Refusal::none: return "none";
    case Refusal::in_past: return "in_past";
    case Refusal::too_soon: return "too_soon";
    case Refusal::beyond_horizon: return "beyond_horizon";
    case Refusal::not_working_day: return "not_working_day";
    case Refusal::outside_hours: return "outside_hours";
  }
  return "unknown";
}

AppointmentPlanner::AppointmentPlanner(config::AppointmentsConfig config, std::shared_ptr<WorkingCalendar const> calendar,
                                       std::map<std::string, WindowRules, std::less<>> windows)
    : config_(std::move(config)),
      calendar_(calendar ? std::move(calendar) : std::make_shared<WorkingCalendar const>()),
      defaults_{config_.hours, config_.capacity},
      windows_(std::move(windows)) {}

WindowRules const& AppointmentPlanner::window(std::string_view department) const {
  auto it = windows_.find(department);
  return it != windows_.end() ? it->second : defaults_;
}

std::vector<Slot> AppointmentPlanner::slots_on(std::string_view department, year_month_day day) const {
  std::vector<Slot> out;
  if (!day.ok() || !calendar_->is_working_day(day)) return out;
  auto const midnight = china_midnight(day);
  auto const length = duration_cast<seconds>(config_.slot);
  for (auto const& span : window(department).hours) {
    // Slots start at the opening time; a remainder shorter than a slot at the end is not offered.
    for (auto t = midnight + span.open; t + length <= midnight + span.close; t += length)
      out.push_back(Slot{std::string(department), t, t + length});
  }
  return out;
}

Verdict AppointmentPlanner::check_date(year_month_day day, bool passed, sys_seconds now) const {
  Verdict v;
  auto const last_day = year_month_day{sys_days{china_date(now)} + days{config_.days_ahead}};
  if (passed) {
    v.refusal = Refusal::in_past;
  } else if (sys_days{day} > sys_days{last_day}) {
    v.refusal = Refusal::beyond_horizon;
    v.last_day = last_day;
  } else if (!calendar_->is_working_day(day)) {
    v.refusal = Refusal::not_working_day;
    v.holiday = calendar_->holiday_name(day);
  }
  return v;
}

SlotCheck AppointmentPlanner::check_requested(std::string_view department, sys_seconds requested,
                                              sys_seconds now) const {
  auto const day = china_date(requested);
  SlotCheck check{check_date(day, requested < now, now), std::nullopt, false};
  if (!check.ok()) return check;
  auto const slots = slots_on(department, day);
  auto it = std::find_if(slots.begin(), slots.end(), [&](Slot const& s) { return s.start <= requested && requested < s.end; });
  if (it == slots.end()) {
    check.refusal = Refusal::outside_hours;
  } else if (it->start < now + config_.lead_time) {
    check.refusal = Refusal::too_soon;
    check.earliest = now + config_.lead_time;
  } else {
    check.slot = *it;
    check.snapped = it->start != requested;
  }
  return check;
}

DayCheck AppointmentPlanner::check_day(std::string_view department, year_month_day day, sys_seconds now) const {
  DayCheck check{check_date(day, sys_days{day} < sys_days{china_date(now)}, now), {}};
  if (!check.ok()) return check;
  for (auto& s : slots_on(department, day))
    if (s.start >= now + config_.lead_time) check.slots.push_back(std::move(s));
  if (check.slots.empty()) {
    // Today after the last bookable slot: the same answer as a time asked for too late.
    check.refusal = Refusal::too_soon;
    check.earliest = now + config_.lead_time;
  }
  return check;
}

std::optional<Slot> AppointmentPlanner::slot_from_id(std::string_view id) const {
  auto const ref = parse_slot_id(id);
  if (!ref) return std::nullopt;
  for (auto& s : slots_on(ref->department, china_date(ref->start)))
    if (s.start == ref->start) return std::move(s);
  return std::nullopt;
}

std::vector<Slot> AppointmentPlanner::bookable(std::string_view department, sys_seconds now) const {
  std::vector<Slot> out;
  auto const today = sys_days{china_date(now)};
  for (auto d = today; d <= today + days{config_.days_ahead}; d += days{1})
    for (auto& s : slots_on(department, year_month_day{d}))
      if (s.start >= now + config_.lead_time) out.push_back(std::move(s));
  return out;
}

std::vector<Slot> AppointmentPlanner::nearest_free(std::string_view department, sys_seconds requested, sys_seconds now,
                                                   std::function<bool(Slot const&)> const& is_free,
                                                   std::size_t n) const {
  auto candidates = bookable(department, now);
  auto const distance = [requested](Slot const& s) { return abs(s.start - requested); };
  // Stable: of two slots equally near, the earlier one (they are in time order) comes first.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](Slot const& a, Slot const& b) { return distance(a) < distance(b); });
  std::vector<Slot> out;
  for (auto& s : candidates) {
    if (out.size() >= n) break;
    if (is_free(s)) out.push_back(std::move(s));
  }
  return out;
}

std::vector<sys_seconds> AppointmentPlanner::reminder_times(Slot const& slot, sys_seconds booked_at) const {
  std::vector<sys_seconds> out;
  for (auto const offset : config_.reminders)  // longest first, so the times come out earliest first
    if (slot.start - offset > booked_at) out.push_back(slot.start - offset);
  return out;
}

}  // namespace talentbot::bot
