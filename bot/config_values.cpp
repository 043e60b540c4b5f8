#include "bot/config_values.hpp"

#include <cctype>
#include <charconv>
#include <map>

namespace talentbot::config::detail {

Error parse_long(std::string const& s, long long& out, long long lo, long long hi) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return "expected an integer, got '" + s + "'";
  if (v < lo || v > hi) return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  out = v;
  return {};
}

Error parse_duration(std::string const& s, milliseconds& out) {
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  long long n = 0;
  auto const unit = s.substr(i);
  if (i == 0 || std::from_chars(s.data(), s.data() + i, n).ec != std::errc{})
    return "expected a duration like 500ms, 10s or 2m, got '" + s + "'";
  static std::map<std::string, long long> const kUnits{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return "expected a duration like 500ms, 10s or 2m, got '" + s + "'";
  out = milliseconds(n * it->second);
  return {};
}

Error parse_minutes(std::string const& s, std::chrono::minutes& out, std::chrono::minutes lo, std::chrono::minutes hi) {
  milliseconds ms{};
  if (auto e = parse_duration(s, ms)) return e;
  if (ms % std::chrono::minutes(1) != milliseconds(0)) return "must be whole minutes, got '" + s + "'";
  auto const m = std::chrono::duration_cast<std::chrono::minutes>(ms);
  if (m < lo || m > hi) {
    // Appended piece by piece: g++ 12 at -O3 warns falsely on "literal" + std::string&&.
    std::string why = "must be between ";
    why += show_minutes(lo);
    why += " and ";
    why += show_minutes(hi);
    return why + ", got '" + s + "'";
  }
  out = m;
  return {};
}

Error parse_size(std::string const& s, std::size_t& out) {
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  unsigned long long n = 0;
  if (i == 0 || std::from_chars(s.data(), s.data() + i, n).ec != std::errc{})
    return "expected a size like 65536, 64KiB or 1MiB, got '" + s + "'";
  auto const unit = s.substr(i);
  if (unit == "KiB") n *= 1024;
  else if (unit == "MiB") n *= 1024 * 1024;
  else if (!unit.empty()) return "expected a size like 65536, 64KiB or 1MiB, got '" + s + "'";
  if (n == 0 || n > 64ull * 1024 * 1024) return "must be between 1 byte and 64MiB";
  out = static_cast<std::size_t>(n);
  return {};
}

Error parse_bool(std::string const& s, bool& out) {
  if (s == "true" || s == "yes" || s == "on" || s == "1") out = true;
  else if (s == "false" || s == "no" || s == "off" || s == "0") out = false;
  else return "expected true or false, got '" + s + "'";
  return {};
}

std::string show_ms(milliseconds v) { return std::to_string(v.count()) + "ms"; }

std::string show_minutes(std::chrono::minutes v) {
  auto const n = v.count();
  return n != 0 && n % 60 == 0 ? std::to_string(n / 60) + "h" : std::to_string(n) + "m";
}

}  // namespace talentbot::config::detail
