#pragma once
// Parsers of the scalar value forms config keys take (numbers, durations, sizes, flags, the
// service windows' daily hours). Private to bot/config.cpp and its sections; each returns the
// one-line reason a value is refused, which the loader prefixes with the file, line and key.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bot/config.hpp"

namespace talentbot::config::detail {

using Error = std::optional<std::string>;

Error parse_long(std::string const& s, long long& out, long long lo, long long hi);

template <class Int>
Error parse_int(std::string const& s, Int& out, long long lo, long long hi) {
  long long v = 0;
  if (auto e = parse_long(s, v, lo, hi)) return e;
  out = static_cast<Int>(v);
  return {};
}

Error parse_duration(std::string const& s, milliseconds& out);
// A duration that is a whole number of minutes, between `lo` and `hi`.
Error parse_minutes(std::string const& s, std::chrono::minutes& out, std::chrono::minutes lo, std::chrono::minutes hi);
Error parse_size(std::string const& s, std::size_t& out);
Error parse_bool(std::string const& s, bool& out);

std::string show_ms(milliseconds v);
// 90 → "90m", 120 → "2h", 1440 → "24h": the form the example file uses.
std::string show_minutes(std::chrono::minutes v);

// The rule across keys of the `appointments` section, checked after the environment overrides.
Error check_appointments(AppointmentsConfig const& a);

}  // namespace talentbot::config::detail
