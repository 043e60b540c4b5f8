// Private to the date-time extractor: the pieces a mention is made of, before resolution.
//
// Recognisers (datetime_zh.cpp, datetime_en.cpp) turn the folded text into components — a day
// ("下周二", "Nov 28"), a time ("三点半", "2:30 pm") or a half-day word ("下午", "in the morning") —
// without knowing "now". datetime.cpp joins adjacent components into one mention and resolves it
// against the reference time, so every calendar rule lives in one place.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>

#include "intents/entity_text.hpp"

namespace talentbot::intents::datetime_detail {

using entity_detail::FoldedText;
using entity_detail::is_ascii_letter;
using entity_detail::is_digit;
using entity_detail::is_space;

enum class HalfDay { none, early_morning, morning, noon, afternoon, evening };

struct DaySpec {
  enum class Kind { offset, weekday, month_day, day_of_month };
  Kind kind = Kind::offset;
  int offset = 0;           // offset: days after today
  int weekday = 0;          // weekday: 0 = Monday … 6 = Sunday
  int week = -1;            // weekday: -1 nearest after today, 0 this week, 1 next week, 2 the week after
  std::optional<int> year;  // month_day: said explicitly (2026年, 明年)
  int year_shift = 0;       // month_day: 明年 = 1, applied when year is not set
  bool year_relative = false;
  int month = 0;                    // month_day
  int day = 0;                      // month_day, day_of_month
  std::optional<int> month_shift;   // day_of_month: 本月 0, 下个月 1; empty = this month unless past
  HalfDay half_day = HalfDay::none;  // 今晚, 明早, tonight
};

struct TimeSpec {
  int hour = 0;
  int minute = 0;
  HalfDay half_day = HalfDay::none;  // from an am/pm attached to the time itself
  bool meridiem = false;             // "12 am" is midnight, but 上午12点 is noon
  bool weak = false;                 // 一点 alone: a time only next to a day or half-day word
};

struct Component {
  enum class Kind { day, time, half_day };
  Kind kind = Kind::day;
  std::size_t begin = 0;  // folded character range
  std::size_t end = 0;
  DaySpec day;
  TimeSpec time;
  HalfDay half_day = HalfDay::none;
};

// A number as written: an ASCII digit run (any length; `digits` tells how long) or a Han numeral
// (三, 十二, 二十八, 廿五, 两, 零五, 二〇二六).
struct Number {
  int value = 0;
  std::size_t end = 0;
  std::size_t digits = 0;
  bool han = false;
};

inline Component make_day(std::size_t begin, std::size_t end) {
  return Component{Component::Kind::day, begin, end, {}, {}, HalfDay::none};
}

inline Component make_time(std::size_t begin, std::size_t end, int hour, int minute) {
  Component c{Component::Kind::time, begin, end, {}, {}, HalfDay::none};
  c.time.hour = hour;
  c.time.minute = minute;
  return c;
}

// Only at the start of a number: never from the middle of "20261124" or "二十八".
std::optional<Number> read_number(const FoldedText& text, std::size_t i);
bool is_han_numeral(char32_t c);
std::size_t skip_spaces(const FoldedText& text, std::size_t i);

// Han characters that can begin a Chinese component; others are skipped without matching.
bool may_start_zh(char32_t c);

// The longest component starting exactly at `i`, if any: Chinese words (datetime_zh.cpp), English
// words (datetime_en.cpp), numeric forms (datetime_numeric.cpp).
std::optional<Component> match_zh(const FoldedText& text, std::size_t i);
std::optional<Component> match_en(const FoldedText& text, std::size_t i);
std::optional<Component> match_number(const FoldedText& text, std::size_t i);

// ---- English word helpers shared by the word and number recognisers ----

// The ASCII word starting at `i` (empty unless `i` starts a word).
std::u32string_view word_at(const FoldedText& text, std::size_t i);
// Whole words separated by spaces starting at `i`; the end of the last one.
std::optional<std::size_t> words(const FoldedText& text, std::size_t i, std::initializer_list<std::u32string_view> seq);
// 1-12 for January…December spelled or abbreviated ("nov", "sept", "november"), else 0.
int english_month(const FoldedText& text, std::size_t i, std::size_t& end);
std::optional<HalfDay> english_half_day(std::u32string_view word);
// Past "st", "nd", "rd", "th" after a day number.
std::size_t skip_ordinal(const FoldedText& text, std::size_t p);
// 28 Nov, 28th of November, 3 December 2026: `n` is the day number read at `i`.
std::optional<Component> day_then_month(const FoldedText& text, std::size_t i, const Number& n);
// am, pm, a.m., p.m. at `p` (one space allowed before): the half-day and the end.
std::optional<std::pair<HalfDay, std::size_t>> meridiem(const FoldedText& text, std::size_t p);

}  // namespace talentbot::intents::datetime_detail
