// Chinese day, time and half-day words, and the number reader both languages share.
#include <array>
#include <string_view>

#include "intents/datetime_detail.hpp"

namespace talentbot::intents::datetime_detail {
namespace {

int han_digit(char32_t c) {
  switch (c) {
    case U'零': case U'〇': return 0;
    case U'一': return 1;
    case U'二': case U'两': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
  }
}

bool one_of(char32_t c, std::u32string_view set) { return c != U'\0' && set.find(c) != std::u32string_view::npos; }

std::optional<Number> read_han(const FoldedText& text, std::size_t i) {
  const auto c = [&](std::size_t k) { return text.at(static_cast<std::ptrdiff_t>(k)); };
  Number n{0, i, 0, true};
  bool tens_form = false;
  const auto tens = [&](int base, std::size_t at) {
    tens_form = true;
    n.value = base;
    n.end = at + 1;
    if (const int d = han_digit(c(n.end)); d >= 1 && c(n.end) != U'两') n.value += d, ++n.end;
  };
  if (c(i) == U'十') {
    tens(10, i);
  } else if (c(i) == U'廿') {
    tens(20, i);
  } else if (c(i) == U'卅') {
    tens(30, i);
  } else if (const int d = han_digit(c(i)); d >= 0) {
    if (c(i + 1) == U'十' && d >= 1 && c(i) != U'两') {
      tens(d * 10, i + 1);
    } else {
      std::size_t k = i;
      while (han_digit(c(k)) >= 0 && c(k) != U'两') n.value = n.value * 10 + han_digit(c(k)), ++k;
      if (k == i) k = i + 1, n.value = d;  // a lone 两
      n.end = k;
      // 二〇二六 (a year) and 零五 (minutes) are the only digit-by-digit forms people write; "一二"
      // in "一二三条" is a list.
      const std::size_t len = k - i;
      if (len == 2 && c(i) != U'零') return std::nullopt;
      if (len == 3 || len > 4) return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  // As many digits as the Arabic spelling would have, so "二十八" passes the same two-digit checks
  // as "28" and "二〇二六" the four-digit year check.
  n.digits = tens_form ? 2 : n.end - i;
  return n;
}

struct Word {
  std::u32string_view text;
  int value;
  HalfDay half_day;
};

// Longest first where one is a prefix of another.
constexpr std::array<Word, 16> kRelativeDays{{
    {U"大后天", 3, HalfDay::none}, {U"明后天", 1, HalfDay::none}, {U"后天", 2, HalfDay::none},
    {U"明天", 1, HalfDay::none}, {U"明日", 1, HalfDay::none}, {U"明儿", 1, HalfDay::none},
    {U"明早", 1, HalfDay::morning}, {U"明晨", 1, HalfDay::morning}, {U"明晚", 1, HalfDay::evening},
    {U"今天", 0, HalfDay::none}, {U"今日", 0, HalfDay::none}, {U"今儿", 0, HalfDay::none},
    {U"今早", 0, HalfDay::morning}, {U"今晨", 0, HalfDay::morning}, {U"今晚", 0, HalfDay::evening},
    {U"今夜", 0, HalfDay::evening},
}};

constexpr std::array<Word, 18> kHalfDays{{
    {U"凌晨", 0, HalfDay::early_morning}, {U"清晨", 0, HalfDay::morning}, {U"早晨", 0, HalfDay::morning},
    {U"早上", 0, HalfDay::morning}, {U"一早", 0, HalfDay::morning}, {U"上午", 0, HalfDay::morning},
    {U"中午", 0, HalfDay::noon}, {U"午间", 0, HalfDay::noon}, {U"下午", 0, HalfDay::afternoon},
    {U"午后", 0, HalfDay::afternoon}, {U"傍晚", 0, HalfDay::evening}, {U"晚上", 0, HalfDay::evening},
    {U"晚间", 0, HalfDay::evening}, {U"夜里", 0, HalfDay::evening}, {U"夜间", 0, HalfDay::evening},
    {U"夜晚", 0, HalfDay::evening}, {U"半夜", 0, HalfDay::evening}, {U"深夜", 0, HalfDay::evening},
}};

// 下下个星期二 … 星期二: the week the prefix selects (-1 = no prefix).
constexpr std::array<Word, 7> kWeekPrefixes{{
    {U"下下个", 2, HalfDay::none}, {U"下下", 2, HalfDay::none}, {U"下个", 1, HalfDay::none},
    {U"下", 1, HalfDay::none}, {U"这个", 0, HalfDay::none}, {U"这", 0, HalfDay::none},
    {U"本", 0, HalfDay::none},
}};

std::optional<Component> relative_day(const FoldedText& text, std::size_t i) {
  for (const Word& w : kRelativeDays) {
    if (text.starts_with(i, w.text)) {
      Component c{Component::Kind::day, i, i + w.text.size(), {}, {}, HalfDay::none};
      c.day.offset = w.value;
      c.day.half_day = w.half_day;
      return c;
    }
  }
  // 3天后 / 三天以后 / 两天之后
  const auto n = read_number(text, i);
  if (!n || n->value < 1 || n->value > 366) return std::nullopt;
  const std::size_t unit = skip_spaces(text, n->end);
  if (text.at(static_cast<std::ptrdiff_t>(unit)) != U'天') return std::nullopt;
  for (const std::u32string_view after : {U"后", U"以后", U"之后"}) {
    if (text.starts_with(unit + 1, after)) {
      Component c{Component::Kind::day, i, unit + 1 + after.size(), {}, {}, HalfDay::none};
      c.day.offset = n->value;
      return c;
    }
  }
  return std::nullopt;
}

std::optional<Component> weekday(const FoldedText& text, std::size_t i) {
  int week = -1;
  std::size_t p = i;
  for (const Word& w : kWeekPrefixes) {
    // 问一下周五 is "ask: Friday?", not "next week's Friday".
    const bool after_yi = text.at(static_cast<std::ptrdiff_t>(i) - 1) == U'一';
    if (text.starts_with(i, w.text) && !(w.text.starts_with(U"下") && after_yi)) {
      week = w.value;
      p = i + w.text.size();
      break;
    }
  }
  std::size_t q = p;
  for (const std::u32string_view unit : {U"星期", U"礼拜", U"周"}) {
    if (text.starts_with(p, unit)) {
      q = p + unit.size();
      break;
    }
  }
  if (q == p) return std::nullopt;
  // 上周五 is past, 每周一 recurring, 一周一次 a frequency: none of them is a day to book.
  if (week < 0 && (one_of(text.at(static_cast<std::ptrdiff_t>(i) - 1), U"上每隔几") ||
                   is_han_numeral(text.at(static_cast<std::ptrdiff_t>(i) - 1)) ||
                   is_digit(text.at(static_cast<std::ptrdiff_t>(i) - 1)))) {
    return std::nullopt;
  }
  const char32_t d = text.at(static_cast<std::ptrdiff_t>(q));
  int wd = -1;
  if (const int h = han_digit(d); h >= 1 && h <= 6 && d != U'两') {
    wd = h - 1;
  } else if (d == U'日' || d == U'天') {
    wd = 6;
  } else if (d >= U'1' && d <= U'7' && !is_digit(text.at(static_cast<std::ptrdiff_t>(q) + 1))) {
    wd = static_cast<int>(d - U'1');
  }
  if (wd < 0) return std::nullopt;
  Component c{Component::Kind::day, i, q + 1, {}, {}, HalfDay::none};
  c.day.kind = DaySpec::Kind::weekday;
  c.day.weekday = wd;
  c.day.week = week;
  return c;
}

// After 3号 / 5日: the things a number with 号 names that are not days of the month.
bool names_a_thing(const FoldedText& text, std::size_t after) {
  return one_of(text.at(static_cast<std::ptrdiff_t>(after)), U"线楼窗门口文令院馆厅室台柜机车位座桌房床码字");
}

// After a number: a unit that makes it a count or a duration ("5个工作日", "3天", "2小时").
bool counts_something(const FoldedText& text, std::size_t after) {
  return one_of(text.at(static_cast<std::ptrdiff_t>(after)), U"个天周年月小次人名件份万元岁倍%") ||
         text.starts_with(after, U"工作");
}

// 11月28号, 2026年12月3日, 明年1月5日, 十一月二十八, 下个月5号, 28号.
std::optional<Component> month_day(const FoldedText& text, std::size_t i) {
  const auto c = [&](std::size_t k) { return text.at(static_cast<std::ptrdiff_t>(k)); };
  Component out{Component::Kind::day, i, i, {}, {}, HalfDay::none};
  out.day.kind = DaySpec::Kind::month_day;
  std::size_t p = i;
  if (text.starts_with(p, U"今年") || text.starts_with(p, U"明年")) {
    out.day.year_relative = true;
    out.day.year_shift = c(p) == U'明' ? 1 : 0;
    p += 2;
  } else if (const auto y = read_number(text, p); y && y->digits == 4 && c(y->end) == U'年') {
    out.day.year = y->value;
    p = y->end + 1;
  }
  std::optional<int> month_shift;
  for (const auto& [word, shift] : {std::pair{std::u32string_view(U"下个月"), 1}, std::pair{std::u32string_view(U"下月"), 1},
                                    std::pair{std::u32string_view(U"这个月"), 0}, std::pair{std::u32string_view(U"本月"), 0},
                                    std::pair{std::u32string_view(U"这月"), 0}}) {
    if (p == i && text.starts_with(p, word)) {
      month_shift = shift;
      p += word.size();
      break;
    }
  }
  const auto first = read_number(text, p);
  if (!first || first->digits > 2 || (p == i && one_of(c(i - 1), U"第之〕])月"))) return std::nullopt;
  if (!month_shift && c(first->end) == U'月') {
    const auto day = read_number(text, first->end + 1);
    if (first->value < 1 || first->value > 12 || !day || day->digits > 2 || day->value < 1 || day->value > 31) {
      return std::nullopt;
    }
    std::size_t end = day->end;
    if (c(end) == U'日' || c(end) == U'号') {
      ++end;
    } else if (counts_something(text, end) || c(end) == U'点' || c(end) == U'时') {
      return std::nullopt;  // 3月5个工作日, 12月3点
    }
    out.day.month = first->value;
    out.day.day = day->value;
    out.end = end;
    return out;
  }
  if (out.day.year || out.day.year_relative) return std::nullopt;  // 2026年 alone is not a day
  // A day of the month needs its 号/日: a bare 28 is a count or an hour.
  if (c(first->end) != U'号' && c(first->end) != U'日') return std::nullopt;
  if (first->value < 1 || first->value > 31 || names_a_thing(text, first->end + 1)) return std::nullopt;
  if (c(first->end) == U'日' && (c(first->end + 1) == U'内' || text.starts_with(first->end + 1, U"以内"))) {
    return std::nullopt;  // 15日内 is a time limit
  }
  out.day.kind = DaySpec::Kind::day_of_month;
  out.day.day = first->value;
  out.day.month_shift = month_shift;
  out.end = first->end + 1;
  return out;
}

// 三点, 3点钟, 9点半, 两点一刻, 10点20分, 十五时三十分.
std::optional<Component> clock_time(const FoldedText& text, std::size_t i) {
  const auto c = [&](std::size_t k) { return text.at(static_cast<std::ptrdiff_t>(k)); };
  const auto hour = read_number(text, i);
  // 第三点 is an ordinal, 百分之三点五 and 0.3点 decimals; a full stop before an hour (the
  // normaliser turns 。 into .) is not.
  if (!hour || hour->digits > 2 || hour->value > 24 || one_of(c(i - 1), U"第之") ||
      (c(i - 1) == U'.' && is_digit(c(i - 2)))) {
    return std::nullopt;
  }
  std::size_t p = c(hour->end) == U' ' ? hour->end + 1 : hour->end;
  if (text.starts_with(p, U"点钟")) {
    p += 2;
  } else if (c(p) == U'点' || (c(p) == U'时' && c(p + 1) != U'间' && c(p + 1) != U'候')) {
    ++p;
  } else {
    return std::nullopt;
  }
  int minute = 0;
  bool has_minute = false;
  if (c(p) == U'半') {
    minute = 30, has_minute = true, ++p;
  } else if ((c(p) == U'一' || c(p) == U'1') && c(p + 1) == U'刻') {
    minute = 15, has_minute = true, p += 2;
  } else if ((c(p) == U'三' || c(p) == U'3') && c(p + 1) == U'刻') {
    minute = 45, has_minute = true, p += 2;
  } else {
    std::size_t q = c(p) == U'过' ? p + 1 : p;
    const bool zero = c(q) == U'零' && is_digit(c(q + 1));
    if (zero) ++q;
    if (const auto m = read_number(text, q); m && m->value <= 59 && m->digits <= 2) {
      const bool unit = c(m->end) == U'分';
      // 三点五 is 3.5 when spoken; 三点五十 / 三点零五 / 3点05 / 3点5分 are clock times.
      const bool clock_like = unit || zero || (m->han ? m->value >= 10 || m->digits == 2 : m->digits == 2);
      if (clock_like) {
        minute = m->value, has_minute = true;
        p = unit ? m->end + 1 : m->end;
        if (unit && c(p) == U'钟') ++p;
      }
    }
  }
  // A decimal read aloud ("三点五万", "2点5倍") is not a time.
  if (is_han_numeral(c(p)) || is_digit(c(p)) || one_of(c(p), U"万亿元倍%个米")) return std::nullopt;
  bool weak = false;
  if (!has_minute) {
    // 一点 is also "a little" (快一点, 有一点问题, 一点消息都没有), and 两点意见 "two points".
    if (hour->han && hour->value == 1 && hour->digits == 1 && c(p - 1) == U'点') {
      if (one_of(c(i - 1), U"快慢早晚多少大小高低好近远前后提有差再") || one_of(c(p), U"儿点也都没")) {
        return std::nullopt;
      }
      weak = true;
      for (const std::u32string_view anchor : {U"左右", U"前", U"以前", U"之前", U"后", U"以后", U"之后", U"整"}) {
        if (text.starts_with(p, anchor)) weak = false;
      }
    }
    for (const std::u32string_view noun : {U"意见", U"建议", U"要求", U"需要", U"问题", U"疑问", U"注意",
                                           U"内容", U"原因", U"想法", U"事项", U"材料", U"说明"}) {
      if (text.starts_with(p, noun)) return std::nullopt;
    }
  }
  Component out{Component::Kind::time, i, p, {}, {}, HalfDay::none};
  out.time.hour = hour->value;
  out.time.minute = minute;
  out.time.weak = weak;
  return out;
}

std::optional<Component> half_day(const FoldedText& text, std::size_t i) {
  for (const Word& w : kHalfDays) {
    if (text.starts_with(i, w.text)) {
      return Component{Component::Kind::half_day, i, i + w.text.size(), {}, {}, w.half_day};
    }
  }
  // Lone 早/晚 only directly before an hour (早8点, 晚七点): elsewhere they mean early/late.
  const char32_t ch = text.at(static_cast<std::ptrdiff_t>(i));
  if ((ch == U'早' || ch == U'晚') && clock_time(text, i + 1)) {
    return Component{Component::Kind::half_day, i, i + 1, {}, {},
                     ch == U'早' ? HalfDay::morning : HalfDay::evening};
  }
  return std::nullopt;
}

}  // namespace

// The first characters of every Chinese word above and of Han numerals: the scan skips any other
// Han character without trying the recognisers, which keeps a long message cheap.
bool may_start_zh(char32_t c) {
  switch (c) {
    case U'〇': case U'一': case U'七': case U'三': case U'上': case U'下': case U'两': case U'中': case U'九':
    case U'二': case U'五': case U'今': case U'傍': case U'八': case U'六': case U'凌': case U'十': case U'卅':
    case U'午': case U'半': case U'后': case U'周': case U'四': case U'夜': case U'大': case U'廿': case U'早':
    case U'明': case U'星': case U'晚': case U'本': case U'深': case U'清': case U'礼': case U'这': case U'零':
      return true;
    default:
      return false;
  }
}

bool is_han_numeral(char32_t c) { return han_digit(c) >= 0 || c == U'十' || c == U'廿' || c == U'卅'; }

std::size_t skip_spaces(const FoldedText& text, std::size_t i) {
  while (entity_detail::is_space(text.at(static_cast<std::ptrdiff_t>(i)))) ++i;
  return i;
}

std::optional<Number> read_number(const FoldedText& text, std::size_t i) {
  const char32_t prev = text.at(static_cast<std::ptrdiff_t>(i) - 1);
  if (is_digit(text.at(static_cast<std::ptrdiff_t>(i)))) {
    // A letter glued to a number makes it a code (GC2026…, A3), except ISO's 2026-12-03T15:00.
    const bool iso_t = prev == U't' && is_digit(text.at(static_cast<std::ptrdiff_t>(i) - 2));
    if (is_digit(prev) || (entity_detail::is_ascii_letter(prev) && !iso_t)) return std::nullopt;
    Number n{0, i, 0, false};
    while (is_digit(text.at(static_cast<std::ptrdiff_t>(n.end)))) {
      if (n.digits < 9) n.value = n.value * 10 + static_cast<int>(text.at(static_cast<std::ptrdiff_t>(n.end)) - U'0');
      ++n.end, ++n.digits;
    }
    return n;
  }
  if (is_han_numeral(prev)) return std::nullopt;
  return read_han(text, i);
}

std::optional<Component> match_zh(const FoldedText& text, std::size_t i) {
  std::optional<Component> best;
  const auto consider = [&](std::optional<Component> c) {
    if (c && (!best || c->end > best->end)) best = c;
  };
  // Each recogniser only where its words can begin.
  const char32_t ch = text.at(static_cast<std::ptrdiff_t>(i));
  const bool number = is_digit(ch) || is_han_numeral(ch);
  if (number || one_of(ch, U"大明后今")) consider(relative_day(text, i));
  if (one_of(ch, U"下这本星礼周")) consider(weekday(text, i));
  if (number || one_of(ch, U"今明下这本")) consider(month_day(text, i));
  if (number) consider(clock_time(text, i));
  if (one_of(ch, U"凌清早一上中午下傍晚夜半深")) consider(half_day(text, i));
  return best;
}

}  // namespace talentbot::intents::datetime_detail
