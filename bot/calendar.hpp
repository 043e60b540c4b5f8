// The working-day calendar that case deadlines, appointment slots and SLA warnings count on:
// public holidays and make-up workdays (调休上班) as published each year by the General Office of
// the State Council, kept as data in deploy/holidays/<year>.yaml (people edit it, not code).
//
// Policy for dates outside the loaded years: Monday to Friday are working days, weekends are not.
// That is right for most of a year and wrong around the holidays, so callers computing a deadline
// check `covers(year)` and log a warning (the center then adds the next year's file when the
// notice comes out, usually in November).
//
// Pure and immutable after load: share one `std::shared_ptr<const WorkingCalendar>`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace talentbot::bot {

// Thrown by WorkingCalendar::load / parse; what() reads "path:line:column: message".
class CalendarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class WorkingCalendar {
 public:
  enum class DayKind { weekday, weekend, holiday, make_up_workday };

  WorkingCalendar() = default;  // no years loaded: weekends only

  // Every <year>.yaml in `dir` (other files are ignored). Throws CalendarError naming the file
  // and line of the first problem: unknown keys, bad dates, a date outside the file's year,
  // a make-up workday that is not a weekend day, a date both off and worked, a year twice.
  static WorkingCalendar load(const std::filesystem::path& dir);

  // One year's YAML text; `name` is used in error messages. Adds to this calendar.
  void add_year(std::string_view yaml_text, std::string const& name);

  bool covers(std::chrono::year y) const { return years_.contains(static_cast<int>(y)); }
  std::vector<int> years() const { return {years_.begin(), years_.end()}; }
  // True when a loaded file says `review: true` (data not yet checked against the notice).
  bool needs_review() const { return needs_review_; }

  DayKind kind(std::chrono::year_month_day day) const;
  bool is_working_day(std::chrono::year_month_day day) const;
  // The holiday a day off belongs to ("春节 Spring Festival"), or empty.
  std::string holiday_name(std::chrono::year_month_day day) const;

  // The n-th working day after `start`, the start day itself not counted (the deadline of
  // something received on `start` with a limit of n working days). n = 0 returns `start`;
  // a negative n counts backwards (the n-th working day before `start`).
  std::chrono::year_month_day add_working_days(std::chrono::year_month_day start, int n) const;

  // Working days in (from, to]: the inverse of add_working_days, so
  // working_days_between(d, add_working_days(d, n)) == n. Negative when `to` is before `from`.
  int working_days_between(std::chrono::year_month_day from, std::chrono::year_month_day to) const;

 private:
  struct Entry {
    DayKind kind;
    std::string name;
  };
  std::map<std::chrono::sys_days, Entry> days_;
  std::set<int> years_;
  bool needs_review_ = false;
};

// yyyy-mm-dd, the only date format in files, JSON and Redis.
std::string format_date(std::chrono::year_month_day day);
// yyyymmdd: the day inside case ids and Redis keys.
std::string format_compact_date(std::chrono::year_month_day day);
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

// The civil date at `unix_seconds` in a fixed UTC offset (China Standard Time has no DST).
std::chrono::year_month_day local_date(std::int64_t unix_seconds,
                                       std::chrono::minutes utc_offset = std::chrono::hours(8));
// 00:00 of that civil date, as unix seconds.
std::int64_t local_day_start(std::int64_t unix_seconds, std::chrono::minutes utc_offset = std::chrono::hours(8));

}  // namespace talentbot::bot
