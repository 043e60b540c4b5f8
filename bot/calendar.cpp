#include "bot/calendar.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace talentbot::bot {
namespace fs = std::filesystem;
using namespace std::chrono;

namespace {

bool is_weekend(sys_days d) {
  const weekday w{d};
  return w == Saturday || w == Sunday;
}

// One year's file, read strictly: the center edits it by hand once a year, and a typo silently
// shifts deadlines (the 2026 notice has 7 holidays and 6 make-up workdays, each one matters).
class YearReader {
 public:
  explicit YearReader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(YAML::Mark const& mark, std::string const& message) const {
    std::string where = name_;
    if (!mark.is_null()) where += ':' + std::to_string(mark.line + 1) + ':' + std::to_string(mark.column + 1);
    throw CalendarError(where + ": " + message);
  }
  [[noreturn]] void fail(YAML::Node const& node, std::string const& message) const { fail(node.Mark(), message); }

  void only_keys(YAML::Node const& map, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(map, "expected a mapping");
    for (auto const& kv : map) {
      auto const key = kv.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) fail(kv.first, "unknown key '" + key + "'");
    }
  }

  YAML::Node required(YAML::Node const& map, char const* key) const {
    auto node = map[key];
    if (!node) fail(map, std::string("missing '") + key + "'");
    return node;
  }

  std::string scalar(YAML::Node const& node) const {
    if (!node.IsScalar()) fail(node, "expected a single value");
    return node.as<std::string>();
  }

  sys_days date(YAML::Node const& node, int year) const {
    auto const text = scalar(node);
    auto const d = parse_date(text);
    if (!d) fail(node, "'" + text + "' is not a date (yyyy-mm-dd)");
    // Make-up workdays can fall in the neighbouring year (New Year's Day bridges), never further.
    if (std::abs(static_cast<int>(d->year()) - year) > 1) fail(node, text + " is not in or next to " + std::to_string(year));
    return sys_days{*d};
  }

  std::string const& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace

std::string format_date(year_month_day day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return buf;
}

std::string format_compact_date(year_month_day day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return buf;
}

std::optional<year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  std::size_t const starts[3] = {0, 5, 8};
  std::size_t const lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t k = starts[i]; k < starts[i] + lengths[i]; ++k) {
      if (text[k] < '0' || text[k] > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (text[k] - '0');
    }
  }
  year_month_day const d{year{parts[0]}, month{static_cast<unsigned>(parts[1])}, day{static_cast<unsigned>(parts[2])}};
  if (!d.ok()) return std::nullopt;
  return d;
}

year_month_day local_date(std::int64_t unix_seconds, minutes utc_offset) {
  auto const t = sys_seconds{seconds{unix_seconds}} + utc_offset;
  return year_month_day{floor<days>(t)};
}

std::int64_t local_day_start(std::int64_t unix_seconds, minutes utc_offset) {
  auto const midnight = sys_seconds{sys_days{local_date(unix_seconds, utc_offset)}} - utc_offset;
  return midnight.time_since_epoch().count();
}

WorkingCalendar WorkingCalendar::load(fs::path const& dir) {
  if (!fs::is_directory(dir)) throw CalendarError(dir.string() + ": holiday directory not found");
  std::vector<fs::path> files;
  for (auto const& entry : fs::directory_iterator(dir)) {
    auto const& p = entry.path();
    auto const stem = p.stem().string();
    if (p.extension() == ".yaml" && stem.size() == 4 && std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
      files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  WorkingCalendar calendar;
  for (auto const& p : files) {
    std::ifstream in(p);
    if (!in) throw CalendarError(p.string() + ": cannot read");
    std::stringstream text;
    text << in.rdbuf();
    calendar.add_year(text.str(), p.string());
    // The file name is what people look for: 2027.yaml must hold 2027.
    if (!calendar.covers(year{std::stoi(p.stem().string())}))
      throw CalendarError(p.string() + ": 'year' does not match the file name");
  }
  return calendar;
}

void WorkingCalendar::add_year(std::string_view yaml_text, std::string const& name) {
  YearReader const r(name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (YAML::Exception const& e) {
    r.fail(e.mark, e.msg);
  }
  r.only_keys(root, {"year", "source", "review", "holidays"});
  auto const year_node = r.required(root, "year");
  int y = 0;
  try {
    y = year_node.as<int>();
  } catch (YAML::Exception const&) {
    r.fail(year_node, "'year' must be a number");
  }
  if (y < 2000 || y > 2100) r.fail(year_node, "'year' out of range");
  if (years_.contains(y)) r.fail(year_node, "year " + std::to_string(y) + " is loaded twice");
  r.required(root, "source");  // where the dates come from, so the next reviewer can check them
  if (auto review = root["review"]) {
    try {
      needs_review_ = needs_review_ || review.as<bool>();
    } catch (YAML::Exception const&) {
      r.fail(review, "'review' must be true or false");
    }
  }

  std::map<sys_days, Entry> added;
  auto put = [&](YAML::Node const& where, sys_days d, DayKind kind, std::string const& holiday) {
    auto [it, fresh] = added.emplace(d, Entry{kind, holiday});
    if (!fresh) r.fail(where, format_date(year_month_day{d}) + " is listed twice (" + it->second.name + ")");
    if (days_.contains(d)) r.fail(where, format_date(year_month_day{d}) + " is already set by another year's file");
  };
  auto const holidays = r.required(root, "holidays");
  if (!holidays.IsSequence()) r.fail(holidays, "'holidays' must be a list");
  for (auto const& h : holidays) {
    r.only_keys(h, {"name", "off", "workdays"});
    auto const holiday = r.scalar(r.required(h, "name"));
    auto const off = r.required(h, "off");
    if (!off.IsSequence() || off.size() < 1 || off.size() > 2) r.fail(off, "'off' must be [first, last] or [day]");
    auto const first = r.date(off[0], y);
    auto const last = off.size() == 2 ? r.date(off[1], y) : first;
    if (last < first) r.fail(off, "'off' ends before it starts");
    if (last - first > days{31}) r.fail(off, "'off' spans more than a month; check the dates");
    for (auto d = first; d <= last; d += days{1}) put(off, d, DayKind::holiday, holiday);
    if (auto const work = h["workdays"]) {
      if (!work.IsSequence()) r.fail(work, "'workdays' must be a list of dates");
      for (auto const& w : work) {
        auto const d = r.date(w, y);
        // A make-up workday replaces a weekend day; a weekday listed here is a typo.
        if (!is_weekend(d)) r.fail(w, format_date(year_month_day{d}) + " is not a Saturday or Sunday");
        put(w, d, DayKind::make_up_workday, holiday);
      }
    }
  }
  days_.merge(added);
  years_.insert(y);
}

WorkingCalendar::DayKind WorkingCalendar::kind(year_month_day day) const {
  sys_days const d{day};
  if (auto it = days_.find(d); it != days_.end()) return it->second.kind;
  return is_weekend(d) ? DayKind::weekend : DayKind::weekday;
}

bool WorkingCalendar::is_working_day(year_month_day day) const {
  auto const k = kind(day);
  return k == DayKind::weekday || k == DayKind::make_up_workday;
}

std::string WorkingCalendar::holiday_name(year_month_day day) const {
  auto it = days_.find(sys_days{day});
  return it != days_.end() && it->second.kind == DayKind::holiday ? it->second.name : std::string{};
}

year_month_day WorkingCalendar::add_working_days(year_month_day start, int n) const {
  sys_days d{start};
  days const step{n >= 0 ? 1 : -1};
  for (int left = n >= 0 ? n : -n; left > 0;) {
    d += step;
    if (is_working_day(year_month_day{d})) --left;
  }
  return year_month_day{d};
}

int WorkingCalendar::working_days_between(year_month_day from, year_month_day to) const {
  sys_days const a{from}, b{to};
  if (b < a) return -working_days_between(to, from);
  int count = 0;
  for (auto d = a + days{1}; d <= b; d += days{1})
    if (is_working_day(year_month_day{d})) ++count;
  return count;
}

}  // namespace talentbot::bot
