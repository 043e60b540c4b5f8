// English day, time and half-day words: tomorrow, next Tuesday, Nov 28th, the 3rd of January,
// in the afternoon, half past 2.
#include <array>
#include <initializer_list>
#include <string_view>

#include "intents/datetime_detail.hpp"

namespace talentbot::intents::datetime_detail {
namespace {

using std::u32string_view;

struct Name {
  u32string_view text;
  int value;
};

constexpr std::array<Name, 17> kWeekdays{{
    {U"monday", 0}, {U"mon", 0}, {U"tuesday", 1}, {U"tues", 1}, {U"tue", 1}, {U"wednesday", 2},
    {U"wed", 2}, {U"thursday", 3}, {U"thurs", 3}, {U"thur", 3}, {U"thu", 3}, {U"friday", 4},
    {U"fri", 4}, {U"saturday", 5}, {U"sat", 5}, {U"sunday", 6}, {U"sun", 6},
}};

constexpr std::array<Name, 25> kMonths{{
    {U"january", 1}, {U"jan", 1}, {U"february", 2}, {U"feb", 2}, {U"march", 3}, {U"mar", 3},
    {U"april", 4}, {U"apr", 4}, {U"may", 5}, {U"june", 6}, {U"jun", 6}, {U"july", 7}, {U"jul", 7},
    {U"august", 8}, {U"aug", 8}, {U"september", 9}, {U"sept", 9}, {U"sep", 9}, {U"october", 10},
    {U"oct", 10}, {U"november", 11}, {U"nov", 11}, {U"december", 12}, {U"dec", 12},
    {U"febuary", 2},  // the one misspelling common enough to matter
}};

constexpr std::array<Name, 6> kHalfDays{{
    {U"morning", static_cast<int>(HalfDay::morning)}, {U"afternoon", static_cast<int>(HalfDay::afternoon)},
    {U"evening", static_cast<int>(HalfDay::evening)}, {U"night", static_cast<int>(HalfDay::evening)},
    {U"noon", static_cast<int>(HalfDay::noon)}, {U"lunchtime", static_cast<int>(HalfDay::noon)},
}};

// ", 2026" / " 2026" after a month and day.
std::size_t read_year(const FoldedText& text, std::size_t p, DaySpec& day) {
  std::size_t q = text.at(static_cast<std::ptrdiff_t>(p)) == U',' ? p + 1 : p;
  q = skip_spaces(text, q);
  if (const auto y = read_number(text, q); y && y->digits == 4 && y->value >= 1900 && y->value <= 2100 &&
                                           !is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(y->end)))) {
    day.year = y->value;
    return y->end;
  }
  return p;
}

int lookup(const auto& table, u32string_view w) {
  for (const Name& n : table) {
    if (n.text == w) return n.value;
  }
  return -1;
}

// today, tomorrow, tonight, this afternoon, (the) day after tomorrow, in 3 days.
std::optional<Component> relative_day(const FoldedText& text, std::size_t i, u32string_view w) {
  Component c = make_day(i, i + w.size());
  if (w == U"today") return c;
  if (w == U"tomorrow" || w == U"tmr" || w == U"tmrw" || w == U"tomorow" || w == U"tommorow" || w == U"tommorrow") {
    c.day.offset = 1;
    return c;
  }
  if (w == U"tonight") {
    c.day.half_day = HalfDay::evening;
    return c;
  }
  if (w == U"this") {
    const std::size_t p = skip_spaces(text, i + w.size());
    const int half = lookup(kHalfDays, word_at(text, p));
    if (half >= 0 && p > i + w.size()) {
      c.end = p + word_at(text, p).size();
      c.day.half_day = static_cast<HalfDay>(half);
      return c;
    }
  }
  if (const auto end = words(text, i, {U"the", U"day", U"after", U"tomorrow"})) {
    c.end = *end, c.day.offset = 2;
    return c;
  }
  if (const auto end = words(text, i, {U"day", U"after", U"tomorrow"})) {
    c.end = *end, c.day.offset = 2;
    return c;
  }
  if (w == U"in") {
    const std::size_t p = skip_spaces(text, i + 2);
    const auto n = read_number(text, p);
    if (p > i + 2 && n && n->value >= 1 && n->value <= 366) {
      const std::size_t q = skip_spaces(text, n->end);
      const u32string_view unit = word_at(text, q);
      if (q > n->end && (unit == U"day" || unit == U"days")) {
        c.end = q + unit.size(), c.day.offset = n->value;
        return c;
      }
    }
  }
  return std::nullopt;
}

// Friday, on Fri, this Friday, next Tuesday, this coming Monday, Friday next week.
std::optional<Component> weekday(const FoldedText& text, std::size_t i, u32string_view w) {
  int week = -1;
  std::size_t p = i;
  if (w == U"next" || w == U"this" || w == U"coming") {
    week = w == U"next" ? 1 : w == U"this" ? 0 : -1;
    p = skip_spaces(text, i + w.size());
    if (w == U"this" && word_at(text, p) == U"coming") week = -1, p = skip_spaces(text, p + 6);
    // next week Tuesday, next week on Tuesday, this week, Friday
    if (w != U"coming" && word_at(text, p) == U"week") {
      p = skip_spaces(text, p + 4);
      if (text.at(static_cast<std::ptrdiff_t>(p)) == U',') p = skip_spaces(text, p + 1);
      if (word_at(text, p) == U"on") p = skip_spaces(text, p + 2);
    }
    if (p == i + w.size()) return std::nullopt;
  }
  const u32string_view name = word_at(text, p);
  const int wd = lookup(kWeekdays, name);
  if (wd < 0) return std::nullopt;
  Component c = make_day(i, p + name.size());
  if (name.size() <= 5 && text.at(static_cast<std::ptrdiff_t>(c.end)) == U'.') ++c.end;
  if (week == -1 && w != U"coming") {
    if (const auto end = words(text, skip_spaces(text, c.end), {U"next", U"week"})) {
      week = 1, c.end = *end;
    } else if (const auto end2 = words(text, skip_spaces(text, c.end), {U"this", U"week"})) {
      week = 0, c.end = *end2;
    }
  }
  c.day.kind = DaySpec::Kind::weekday;
  c.day.weekday = wd;
  c.day.week = week;
  return c;
}

// Nov 28, November 28th, Nov. 28, 2026.
std::optional<Component> month_then_day(const FoldedText& text, std::size_t i) {
  std::size_t p = 0;
  const int month = english_month(text, i, p);
  if (month == 0) return std::nullopt;
  const std::size_t q = skip_spaces(text, p);
  const auto d = read_number(text, q);
  if ((q == p && text.at(static_cast<std::ptrdiff_t>(p) - 1) != U'.') || !d || d->digits > 2 || d->value < 1 ||
      d->value > 31 || text.at(static_cast<std::ptrdiff_t>(d->end)) == U':') {
    return std::nullopt;
  }
  Component c = make_day(i, skip_ordinal(text, d->end));
  if (is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(c.end)))) return std::nullopt;
  c.day.kind = DaySpec::Kind::month_day;
  c.day.month = month;
  c.day.day = d->value;
  c.end = read_year(text, c.end, c.day);
  return c;
}

// half past 3, quarter past 10, quarter to 4 (hours in digits only).
std::optional<Component> past_to(const FoldedText& text, std::size_t i, u32string_view w) {
  if (w != U"half" && w != U"quarter") return std::nullopt;
  const std::size_t p = skip_spaces(text, i + w.size());
  const u32string_view rel = word_at(text, p);
  if (p == i + w.size() || (rel != U"past" && !(rel == U"to" && w == U"quarter"))) return std::nullopt;
  const std::size_t q = skip_spaces(text, p + rel.size());
  const auto h = read_number(text, q);
  if (q == p + rel.size() || !h || h->digits > 2 || h->value < 1 || h->value > 12) return std::nullopt;
  const int minute = w == U"half" ? 30 : rel == U"past" ? 15 : 45;
  Component c = make_time(i, h->end, rel == U"to" ? (h->value + 11) % 12 : h->value, minute);
  if (rel == U"to" && c.time.hour == 0) c.time.hour = 12;
  if (const auto m = meridiem(text, c.end)) c.time.half_day = m->first, c.time.meridiem = true, c.end = m->second;
  return c;
}

std::optional<Component> match_word(const FoldedText& text, std::size_t i) {
  const u32string_view w = word_at(text, i);
  if (w.empty()) return std::nullopt;
  if (auto c = relative_day(text, i, w)) return c;
  if (auto c = weekday(text, i, w)) return c;
  if (auto c = month_then_day(text, i)) return c;
  if (auto c = past_to(text, i, w)) return c;
  if (w == U"noon" || w == U"midday") return make_time(i, i + w.size(), 12, 0);
  if (w == U"midnight") {
    Component c = make_time(i, i + w.size(), 0, 0);
    c.time.half_day = HalfDay::early_morning;
    return c;
  }
  if (w == U"the") {  // the 28th, the 3rd of January
    const std::size_t p = skip_spaces(text, i + 3);
    const auto d = read_number(text, p);
    if (p > i + 3 && d && d->digits <= 2 && d->value >= 1 && d->value <= 31 && skip_ordinal(text, d->end) > d->end) {
      if (auto c = day_then_month(text, p, *d)) {
        c->begin = i;
        return c;
      }
      Component c = make_day(i, skip_ordinal(text, d->end));
      c.day.kind = DaySpec::Kind::day_of_month;
      c.day.day = d->value;
      return c;
    }
  }
  std::size_t p = i;
  if (const auto end = words(text, i, {U"in", U"the"})) p = skip_spaces(text, *end);
  if (const int half = lookup(kHalfDays, word_at(text, p)); half >= 0 && (p == i || p > i + 6)) {
    return Component{Component::Kind::half_day, i, p + word_at(text, p).size(), {}, {}, static_cast<HalfDay>(half)};
  }
  return std::nullopt;
}

}  // namespace

u32string_view word_at(const FoldedText& text, std::size_t i) {
  if (is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(i) - 1))) return {};
  std::size_t e = i;
  while (is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(e)))) ++e;
  return text.view().substr(i, e - i);
}

std::optional<std::size_t> words(const FoldedText& text, std::size_t i, std::initializer_list<u32string_view> seq) {
  std::size_t p = i;
  for (const u32string_view w : seq) {
    if (p != i) {
      const std::size_t q = skip_spaces(text, p);
      if (q == p) return std::nullopt;
      p = q;
    }
    if (word_at(text, p) != w) return std::nullopt;
    p += w.size();
  }
  return p;
}

std::size_t skip_ordinal(const FoldedText& text, std::size_t p) {
  for (const u32string_view s : {U"st", U"nd", U"rd", U"th"}) {
    if (text.starts_with(p, s) && !is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(p + 2)))) return p + 2;
  }
  return p;
}

std::optional<Component> day_then_month(const FoldedText& text, std::size_t i, const Number& n) {
  std::size_t p = skip_spaces(text, skip_ordinal(text, n.end));
  if (const auto of = words(text, p, {U"of"})) p = skip_spaces(text, *of);
  std::size_t month_end = 0;
  const int month = english_month(text, p, month_end);
  if (month == 0 || p == n.end || n.value < 1 || n.value > 31 || n.digits > 2) return std::nullopt;
  Component out = make_day(i, month_end);
  out.day.kind = DaySpec::Kind::month_day;
  out.day.month = month, out.day.day = n.value;
  out.end = read_year(text, out.end, out.day);
  return out;
}

std::optional<HalfDay> english_half_day(u32string_view word) {
  const int half = lookup(kHalfDays, word);
  return half < 0 ? std::nullopt : std::optional(static_cast<HalfDay>(half));
}

int english_month(const FoldedText& text, std::size_t i, std::size_t& end) {
  const u32string_view w = word_at(text, i);
  const int month = lookup(kMonths, w);
  if (month < 0) return 0;
  end = i + w.size();
  if (w.size() <= 4 && text.at(static_cast<std::ptrdiff_t>(end)) == U'.') ++end;
  return month;
}

std::optional<Component> match_en(const FoldedText& text, std::size_t i) {
  const char32_t ch = text.at(static_cast<std::ptrdiff_t>(i));
  if (is_ascii_letter(ch)) return match_word(text, i);
  if (is_digit(ch)) return match_number(text, i);
  return std::nullopt;
}

}  // namespace talentbot::intents::datetime_detail
