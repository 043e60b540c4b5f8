// From recognised components to one resolved mention: joining adjacent components, choosing the
// mention the talent means, and applying the calendar rules of datetime.hpp against "now".
#include "intents/datetime.hpp"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "intents/datetime_detail.hpp"

namespace talentbot::intents {
namespace {

using namespace std::chrono;
using datetime_detail::Component;
using datetime_detail::DaySpec;
using datetime_detail::FoldedText;
using datetime_detail::HalfDay;

// ---- joining components ----------------------------------------------------------------------

// Words and marks that may stand between a day and a time of one mention: "Nov 28 at 2:30 pm",
// "on Friday, 3pm", "明天的下午三点", "周五，大约10点", "明天。10点可以吗" (voice input puts full
// stops anywhere; the normaliser turns them into ".").
bool joinable(const FoldedText& text, std::size_t from, std::size_t to) {
  if (to - from > 12) return false;
  std::size_t p = from;
  while (p < to) {
    const char32_t c = text.at(static_cast<std::ptrdiff_t>(p));
    if (datetime_detail::is_space(c) || c == U',' || c == U'、' || c == U'.' || c == U'。' || c == U'的' ||
        c == U'在' || c == U'约' || c == U'于' || c == U'(' || c == U')' || c == U'（' || c == U'）') {
      ++p;
      continue;
    }
    if (text.starts_with(p, U"大约") || text.starts_with(p, U"大概")) {
      p += 2;
      continue;
    }
    std::size_t e = p;
    while (datetime_detail::is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(e)))) ++e;
    const std::u32string_view word = text.view().substr(p, e - p);
    if (e > p && (word == U"at" || word == U"on" || word == U"around" || word == U"about" || word == U"by" ||
                  word == U"t")) {
      p = e;
      continue;
    }
    return false;
  }
  return true;
}

struct Group {
  const Component* day = nullptr;
  const Component* time = nullptr;
  const Component* half = nullptr;
  std::size_t begin = 0;
  std::size_t end = 0;

  bool empty() const { return !day && !time && !half; }
  bool is_mention() const { return day || time; }
  const Component*& slot(Component::Kind kind) {
    return kind == Component::Kind::day ? day : kind == Component::Kind::time ? time : half;
  }
};

// ---- resolution ------------------------------------------------------------------------------

int iso_weekday(sys_days d) { return static_cast<int>(weekday{d}.iso_encoding()) - 1; }  // Monday = 0

std::optional<sys_days> first_valid_from(year_month first, int day, int months_to_try, sys_days not_before) {
  for (int k = 0; k < months_to_try; ++k) {
    const year_month_day candidate = (first + months{k}) / std::chrono::day{static_cast<unsigned>(day)};
    if (candidate.ok() && sys_days{candidate} >= not_before) return sys_days{candidate};
  }
  return std::nullopt;
}

std::optional<sys_days> resolve_day(const DaySpec& d, sys_days today) {
  const year_month_day now{today};
  switch (d.kind) {
    case DaySpec::Kind::offset:
      return today + days{d.offset};
    case DaySpec::Kind::weekday: {
      const int wd_today = iso_weekday(today);
      if (d.week < 0) {
        const int delta = (d.weekday - wd_today + 7) % 7;
        return today + days{delta == 0 ? 7 : delta};
      }
      sys_days target = today - days{wd_today} + days{7 * d.week + d.weekday};
      if (d.week == 0 && target < today) target += days{7};  // 这周一 said on a Wednesday
      return target;
    }
    case DaySpec::Kind::month_day: {
      const auto md = month{static_cast<unsigned>(d.month)} / std::chrono::day{static_cast<unsigned>(d.day)};
      if (d.year || d.year_relative) {
        const year y = d.year ? year{*d.year} : now.year() + years{d.year_shift};
        const year_month_day ymd = y / md;
        return ymd.ok() ? std::optional(sys_days{ymd}) : std::nullopt;
      }
      // Earlier than today means next year; 2月29日 waits for the next leap year.
      for (year y = now.year(); y <= now.year() + years{8}; ++y) {
        const year_month_day ymd = y / md;
        if (ymd.ok() && sys_days{ymd} >= today) return sys_days{ymd};
      }
      return std::nullopt;
    }
    case DaySpec::Kind::day_of_month: {
      const year_month this_month = now.year() / now.month();
      if (d.month_shift) {
        return first_valid_from(this_month + months{*d.month_shift}, d.day, 1, sys_days::min());
      }
      return first_valid_from(this_month, d.day, 12, today);  // 31号 in November is December's
    }
  }
  return std::nullopt;
}

struct Clock {
  int hour;
  int day_carry;
};

Clock to_24h(int hour, HalfDay half, bool meridiem) {
  switch (half) {
    case HalfDay::none:
      if (hour >= 1 && hour <= 6) return {hour + 12, 0};  // nobody books a window at 3 a.m.
      break;
    case HalfDay::early_morning:
      if (hour == 12) return {0, 0};
      break;
    case HalfDay::morning:
      if (hour == 12 && meridiem) return {0, 0};  // 12 am; 上午12点 is noon
      break;
    case HalfDay::noon:
      if (hour >= 1 && hour <= 5) return {hour + 12, 0};
      break;
    case HalfDay::afternoon:
      if (hour < 12) return {hour + 12, 0};
      break;
    case HalfDay::evening:
      if (hour == 12) return {0, 1};                     // 晚上12点 is midnight
      if (hour >= 1 && hour <= 4) return {hour, 1};      // 晚上1点 is after midnight
      if (hour < 12) return {hour + 12, 0};
      break;
  }
  if (hour == 24) return {0, 1};
  return {hour, 0};
}

std::optional<DateTimeMention> resolve(const Group& g, const FoldedText& text, const ReferenceTime& now) {
  const sys_seconds local_now = now.instant + now.utc_offset;
  const sys_days today = floor<days>(local_now);
  std::optional<sys_days> day;
  if (g.day) {
    day = resolve_day(g.day->day, today);
    if (!day) return std::nullopt;
  }
  DateTimeMention m;
  if (g.time) {
    const auto& t = g.time->time;
    HalfDay half = t.half_day;
    if (half == HalfDay::none && g.half) half = g.half->half_day;
    if (half == HalfDay::none && g.day) half = g.day->day.half_day;
    const Clock clock = to_24h(t.hour, half, t.meridiem);
    if (!day) {
      // A time alone is the next such time: today if still ahead, else tomorrow.
      day = today;
      if (today + days{clock.day_carry} + hours{clock.hour} + minutes{t.minute} <= local_now) day = today + days{1};
    }
    *day += days{clock.day_carry};
    m.hour = clock.hour;
    m.minute = t.minute;
  }
  const year_month_day ymd{*day};
  m.year = static_cast<int>(ymd.year());
  m.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  m.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  m.begin = text.byte_offset(g.begin);
  m.end = text.byte_offset(g.end);
  return m;
}

// ---- choosing among mentions -------------------------------------------------------------------

bool is_weekday(const Component& c) { return c.day.kind == DaySpec::Kind::weekday; }

std::vector<Group> group_mentions(const FoldedText& text, const std::vector<Component>& components) {
  std::vector<Group> out;
  Group group;
  const auto flush = [&] {
    if (group.time && group.time->time.weak && !group.day && !group.half) group.time = nullptr;
    if (group.is_mention()) out.push_back(group);
    group = Group{};
  };
  for (const Component& c : components) {
    if (!group.empty() && joinable(text, group.end, c.begin) && group.day && c.kind == Component::Kind::day &&
        !group.time && is_weekday(*group.day) != is_weekday(c)) {
      // "Friday 27 November", "11月27日（周五）": one day said twice; the date is the precise half.
      if (is_weekday(*group.day)) group.day = &c;
      group.end = c.end;
      continue;
    }
    if (!group.empty() && (!joinable(text, group.end, c.begin) || group.slot(c.kind))) flush();
    if (group.empty()) group.begin = c.begin;
    group.slot(c.kind) = &c;
    group.end = c.end;
  }
  flush();
  return out;
}

bool contains_any(const FoldedText& text, std::initializer_list<std::u32string_view> needles) {
  for (const auto needle : needles) {
    if (text.view().find(needle) != std::u32string_view::npos) return true;
  }
  return false;
}

// Rescheduling and refusals name an old day and a new one; the new one is what the talent wants.
bool mentions_a_change(const FoldedText& text) {
  return contains_any(text, {U"改", U"换", U"调", U"挪", U"推迟", U"推后", U"延期", U"延后", U"提前", U"不行",
                             U"不可以", U"去不了", U"来不了", U"到不了", U"走不开", U"没空", U"没时间", U"不方便",
                             U"有事", U"赶不上", U"不能"}) ||
         contains_any(text, {U"reschedul", U"move", U"chang", U"postpone", U"push", U"switch", U"shift",
                             U"instead", U"rather", U"can't", U"cannot", U"can not", U"won't", U"unable",
                             U"not available", U"busy", U"doesn't work", U"does not work"});
}

// The text just before `begin` (spaces skipped) ends with one of `words`.
bool preceded_by(const FoldedText& text, std::size_t begin, std::initializer_list<std::u32string_view> words) {
  std::size_t b = begin;
  while (b > 0 && datetime_detail::is_space(text.at(static_cast<std::ptrdiff_t>(b) - 1))) --b;
  const std::u32string_view before = text.view().substr(0, b);
  for (const auto w : words) {
    if (before.ends_with(w) &&
        !(datetime_detail::is_ascii_letter(w.front()) &&
          datetime_detail::is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(b - w.size()) - 1)))) {
      return true;
    }
  }
  return false;
}

std::size_t pick_target(const FoldedText& text, const std::vector<Group>& found) {
  if (found.size() < 2 || !mentions_a_change(text)) return 0;
  for (std::size_t k = 0; k < found.size(); ++k) {
    if (preceded_by(text, found[k].begin, {U"到", U"改成", U"换成", U"调成", U"改为", U"换为", U"调为", U"改至",
                                           U"调至", U"延至", U"推至", U"改在", U"换在", U"to"})) {
      return k;
    }
  }
  for (std::size_t k = 0; k < found.size(); ++k) {
    if (preceded_by(text, found[k].begin, {U"instead of", U"rather than", U"而不是"})) return k == 0 ? 1 : 0;
  }
  return 1;
}

// ---- scanning --------------------------------------------------------------------------------

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

// Case ids, phone and ID numbers are digit runs with dashes and spaces that the date patterns
// would otherwise read as 11-24 or 20:26; they are found first and kept out of the scan.
Ranges protected_ranges(const FoldedText& text) {
  Ranges out;
  for (const auto find :
       {&entity_detail::find_case_id, &entity_detail::find_mobile, &entity_detail::find_resident_id}) {
    for (auto f = find(text, 0); f; f = find(text, f->end)) out.emplace_back(f->begin, f->end);
  }
  return out;
}

std::vector<Component> scan(const FoldedText& text) {
  std::size_t digits = 0;
  for (const char32_t c : text.view()) digits += datetime_detail::is_digit(c) ? 1 : 0;
  // The shortest of them, a mobile number, has 11 digits.
  const Ranges shielded = digits >= 11 ? protected_ranges(text) : Ranges{};
  const auto overlaps = [&](std::size_t b, std::size_t e) {
    for (const auto& [sb, se] : shielded) {
      if (b < se && sb < e) return true;
    }
    return false;
  };
  std::vector<Component> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!shielded.empty()) {
      if (const auto inside = std::find_if(shielded.begin(), shielded.end(),
                                           [&](const auto& r) { return r.first <= i && i < r.second; });
          inside != shielded.end()) {
        i = inside->second;
        continue;
      }
    }
    const char32_t c = text.at(static_cast<std::ptrdiff_t>(i));
    const char32_t prev = text.at(static_cast<std::ptrdiff_t>(i) - 1);
    const bool digit = datetime_detail::is_digit(c) && !datetime_detail::is_digit(prev);
    const bool word_start = datetime_detail::is_ascii_letter(c) && !datetime_detail::is_ascii_letter(prev);
    if (!digit && !word_start && !datetime_detail::may_start_zh(c)) {
      ++i;
      continue;
    }
    std::optional<Component> best;
    if (!word_start) best = datetime_detail::match_zh(text, i);
    if (digit || word_start) {
      if (auto en = datetime_detail::match_en(text, i); en && (!best || en->end > best->end)) best = en;
    }
    if (best && !overlaps(best->begin, best->end)) {
      i = best->end;
      out.push_back(*best);
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace

std::optional<DateTimeMention> extract_datetime(std::string_view input, const ReferenceTime& now) {
  const FoldedText text(input);
  const std::vector<Component> components = scan(text);
  const std::vector<Group> found = group_mentions(text, components);
  if (found.empty()) return std::nullopt;
  const std::size_t target = pick_target(text, found);
  Group chosen = found[target];
  // "把明天上午的号改到下午4点": a new time alone keeps the day (and half-day) it replaces.
  if (!chosen.day && target > 0) {
    for (std::size_t k = target; k-- > 0;) {
      if (!found[k].day) continue;
      chosen.day = found[k].day;
      if (!chosen.half && chosen.time->time.half_day == HalfDay::none) chosen.half = found[k].half;
      break;
    }
  }
  if (auto m = resolve(chosen, text, now)) return m;
  // An impossible date (2月30日) is no mention; the next one may still be.
  for (std::size_t k = 0; k < found.size(); ++k) {
    if (k == target) continue;
    if (auto m = resolve(found[k], text, now)) return m;
  }
  return std::nullopt;
}

}  // namespace talentbot::intents
