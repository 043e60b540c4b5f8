// The numeric forms both languages write: 2026-12-03, 11/28, 12.1号, 15:00, 3:30pm, 10.30am,
// 3 o'clock, "at 3", 28 Nov.
#include <array>
#include <string_view>

#include "intents/datetime_detail.hpp"

namespace talentbot::intents::datetime_detail {
namespace {

using std::u32string_view;

// Words after a number that make it a count or a duration ("3 days", "2 copies"), not an hour.
constexpr std::array<u32string_view, 22> kUnits{{
    U"day", U"days", U"week", U"weeks", U"hour", U"hours", U"hrs", U"minute", U"minutes", U"mins",
    U"month", U"months", U"year", U"years", U"working", U"business", U"people", U"persons", U"copies",
    U"pages", U"times", U"documents",
}};

bool unit_follows(const FoldedText& text, std::size_t p) {
  const char32_t c = text.at(static_cast<std::ptrdiff_t>(p));
  if (c == U'%' || (c != U'\0' && u32string_view(U"个天周年月小次人名件份万元岁倍").find(c) != u32string_view::npos)) {
    return true;
  }
  const u32string_view w = word_at(text, skip_spaces(text, p));
  for (const u32string_view unit : kUnits) {
    if (w == unit) return true;
  }
  return false;
}

bool decimal_follows(const FoldedText& text, std::size_t p) {
  return text.at(static_cast<std::ptrdiff_t>(p)) == U'.' && is_digit(text.at(static_cast<std::ptrdiff_t>(p) + 1));
}

// An hour said without am/pm or a colon counts only where English makes it an hour: "at 3",
// "around 10", "3 o'clock", "3 in the afternoon". "I have 3 documents" has no time in it.
bool bare_hour_context(const FoldedText& text, std::size_t begin, std::size_t end) {
  std::size_t b = begin;
  while (b > 0 && is_space(text.at(static_cast<std::ptrdiff_t>(b) - 1))) --b;
  std::size_t a = b;
  while (a > 0 && is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(a) - 1))) --a;
  const u32string_view before = text.view().substr(a, b - a);
  const bool after_at = before == U"at" || before == U"around" || before == U"about" || before == U"by" ||
                        before == U"till" || before == U"until" || text.at(static_cast<std::ptrdiff_t>(b) - 1) == U'@';
  if (after_at && !unit_follows(text, end)) return true;
  if (const auto in_the = words(text, skip_spaces(text, end), {U"in", U"the"})) {
    const std::size_t p = skip_spaces(text, *in_the);
    return p > *in_the && english_half_day(word_at(text, p)).has_value();
  }
  return false;
}

}  // namespace

std::optional<std::pair<HalfDay, std::size_t>> meridiem(const FoldedText& text, std::size_t p) {
  const std::size_t q = text.at(static_cast<std::ptrdiff_t>(p)) == U' ' ? p + 1 : p;
  for (const u32string_view m : {U"a.m.", U"p.m.", U"a.m", U"p.m", U"am", U"pm"}) {
    if (text.starts_with(q, m) && !is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(q + m.size())))) {
      return std::pair{m[0] == U'a' ? HalfDay::morning : HalfDay::afternoon, q + m.size()};
    }
  }
  return std::nullopt;
}

std::optional<Component> match_number(const FoldedText& text, std::size_t i) {
  const auto c = [&](std::size_t k) { return text.at(static_cast<std::ptrdiff_t>(k)); };
  const auto n = read_number(text, i);
  if (!n || n->han) return std::nullopt;
  const char32_t sep = c(n->end);
  // 2026-12-03, 2026/12/3, 2026.12.03
  if (n->digits == 4 && (sep == U'-' || sep == U'/' || sep == U'.')) {
    const auto m = read_number(text, n->end + 1);
    if (!m || m->digits > 2 || c(m->end) != sep) return std::nullopt;
    const auto d = read_number(text, m->end + 1);
    if (!d || d->digits > 2 || is_digit(c(d->end))) return std::nullopt;
    Component out = make_day(i, d->end);
    if (c(out.end) == U'日' || c(out.end) == U'号') ++out.end;
    out.day.kind = DaySpec::Kind::month_day;
    out.day.year = n->value, out.day.month = m->value, out.day.day = d->value;
    return out;
  }
  const char32_t before = c(i - 1);
  if (n->digits > 2 || before == U'第') return std::nullopt;
  // 11/28, 11-28, 11/28/2026: not inside a longer run such as 1-2-3 or 3/4/5.
  const bool after_number =
      (before == U'/' || before == U'-' || before == U'.' || before == U':') && is_digit(c(i - 2));
  if ((sep == U'/' || sep == U'-') && !after_number) {
    const auto d = read_number(text, n->end + 1);
    if (d && !d->han && d->digits <= 2 && n->value >= 1 && n->value <= 12 && d->value >= 1 && d->value <= 31 &&
        !unit_follows(text, d->end) && !decimal_follows(text, d->end)) {
      Component out = make_day(i, d->end);
      out.day.kind = DaySpec::Kind::month_day;
      out.day.month = n->value, out.day.day = d->value;
      if (c(d->end) == sep) {
        const auto y = read_number(text, d->end + 1);
        if (sep == U'-' || !y || y->digits != 4) return std::nullopt;
        out.day.year = y->value, out.end = y->end;
      }
      if (c(out.end) == U'日' || c(out.end) == U'号') ++out.end;
      return out;
    }
  }
  // 15:00, 3:30pm, 10:20:00
  if (sep == U':' && !after_number && n->value <= 24) {
    const auto m = read_number(text, n->end + 1);
    if (!m || m->digits != 2 || m->value > 59) return std::nullopt;
    Component out = make_time(i, m->end, n->value, m->value);
    if (c(out.end) == U':' && is_digit(c(out.end + 1)) && is_digit(c(out.end + 2))) out.end += 3;
    if (const auto mer = meridiem(text, out.end); mer && n->value <= 12) {
      out.time.half_day = mer->first, out.time.meridiem = true, out.end = mer->second;
    }
    return out;
  }
  // 12.1号, 12.1上午: Chinese users write month.day, but "3.5" alone is a decimal, so a day marker
  // or a half-day word must follow.
  if (sep == U'.' && n->value >= 1 && n->value <= 12) {
    const auto d = read_number(text, n->end + 1);
    if (d && !d->han && d->digits <= 2 && d->value >= 1 && d->value <= 31) {
      const bool day_mark = c(d->end) == U'号' || c(d->end) == U'日';
      bool half_day = false;
      for (const u32string_view w : {U"上午", U"下午", U"中午", U"早上", U"晚上", U"凌晨", U"傍晚"}) {
        half_day = half_day || text.starts_with(skip_spaces(text, d->end), w);
      }
      if (day_mark || half_day) {
        Component out = make_day(i, day_mark ? d->end + 1 : d->end);
        out.day.kind = DaySpec::Kind::month_day;
        out.day.month = n->value, out.day.day = d->value;
        return out;
      }
    }
  }
  // 10.30am (British); without am/pm "10.30" is more often a decimal.
  if (sep == U'.' && n->value >= 1 && n->value <= 12) {
    const auto m = read_number(text, n->end + 1);
    if (m && m->digits == 2 && m->value <= 59) {
      if (const auto mer = meridiem(text, m->end)) {
        Component out = make_time(i, mer->second, n->value, m->value);
        out.time.half_day = mer->first, out.time.meridiem = true;
        return out;
      }
    }
  }
  if (const auto mer = meridiem(text, n->end); mer && n->value >= 1 && n->value <= 12) {
    Component out = make_time(i, mer->second, n->value, 0);
    out.time.half_day = mer->first, out.time.meridiem = true;
    return out;
  }
  const std::size_t after = skip_spaces(text, n->end);
  if (const auto end = words(text, after, {U"o"}); end && c(*end) == U'\'' && word_at(text, *end + 1) == U"clock") {
    if (n->value <= 12) return make_time(i, *end + 6, n->value, 0);
  }
  if (word_at(text, after) == U"oclock" && n->value <= 12) return make_time(i, after + 6, n->value, 0);
  if (auto out = day_then_month(text, i, *n)) return out;
  if (n->value <= 23 && !is_ascii_letter(c(n->end)) && !decimal_follows(text, n->end) &&
      bare_hour_context(text, i, n->end)) {
    return make_time(i, n->end, n->value, 0);
  }
  return std::nullopt;
}

}  // namespace talentbot::intents::datetime_detail
