// ISO 8601 in and out: the reference time of `talentbot nlu --now` and the entity values it prints.
#include <algorithm>

#include "intents/datetime.hpp"

namespace talentbot::intents {
namespace {

using namespace std::chrono;

class IsoReader {
 public:
  explicit IsoReader(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool eat_any(std::string_view set) {
    if (pos_ < s_.size() && set.find(s_[pos_]) != std::string_view::npos) return ++pos_, true;
    return false;
  }
  std::optional<int> digits(std::size_t n) {
    if (pos_ + n > s_.size()) return std::nullopt;
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char c = s_[pos_ + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    return v;
  }
  void skip_digits() {
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<minutes> read_offset(IsoReader& in) {
  if (in.done() || in.eat_any("Zz")) return minutes{0};
  int sign = 1;
  if (in.eat('-')) {
    sign = -1;
  } else if (!in.eat('+')) {
    return std::nullopt;
  }
  const auto h = in.digits(2);
  if (!h) return std::nullopt;
  int m = 0;
  if (!in.done()) {
    in.eat(':');
    const auto mm = in.digits(2);
    if (!mm) return std::nullopt;
    m = *mm;
  }
  if (*h > 18 || m > 59 || *h * 60 + m > 18 * 60) return std::nullopt;
  return minutes{sign * (*h * 60 + m)};
}

void two(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

std::optional<ReferenceTime> parse_iso8601(std::string_view text) {
  IsoReader in(trim(text));
  const auto y = in.digits(4);
  if (!y || !in.eat('-')) return std::nullopt;
  const auto mo = in.digits(2);
  if (!mo || !in.eat('-')) return std::nullopt;
  const auto d = in.digits(2);
  if (!d) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (!in.done()) {
    if (!in.eat_any("Tt ")) return std::nullopt;
    const auto hh = in.digits(2);
    if (!hh || !in.eat(':')) return std::nullopt;
    const auto mm = in.digits(2);
    if (!mm) return std::nullopt;
    h = *hh, mi = *mm;
    if (in.eat(':')) {
      const auto ss = in.digits(2);
      if (!ss) return std::nullopt;
      s = *ss;
      if (in.eat_any(".,")) in.skip_digits();
    }
  }
  const auto offset = read_offset(in);
  if (!offset || !in.done() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  s = std::min(s, 59);  // a leap second is not worth a separate code path
  return ReferenceTime{sys_days{date} + hours{h} + minutes{mi} + seconds{s} - *offset, *offset};
}

std::string format_date(const DateTimeMention& m) {
  std::string out;
  out.reserve(10);
  two(out, m.year / 100);
  two(out, m.year % 100);
  out.push_back('-');
  two(out, m.month);
  out.push_back('-');
  two(out, m.day);
  return out;
}

std::string format_datetime(const DateTimeMention& m, minutes offset) {
  std::string out = format_date(m);
  out.push_back('T');
  two(out, m.hour.value_or(0));
  out.push_back(':');
  two(out, m.minute.value_or(0));
  out += ":00";
  const auto total = offset.count();
  out.push_back(total < 0 ? '-' : '+');
  two(out, static_cast<int>((total < 0 ? -total : total) / 60));
  out.push_back(':');
  two(out, static_cast<int>((total < 0 ? -total : total) % 60));
  return out;
}

}  // namespace talentbot::intents
