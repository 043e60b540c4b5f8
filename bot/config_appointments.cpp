// The value forms of the `appointments` section: window hours and reminder offsets, and the one
// rule that spans two keys (a slot must fit into every opening span).
#include <algorithm>
#include <cstdio>

#include "bot/config.hpp"
#include "bot/config_values.hpp"

namespace talentbot::config {
namespace {

using std::chrono::minutes;

std::string trim(std::string const& s) {
  auto const b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split_commas(std::string const& text) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (;;) {
    auto const comma = text.find(',', from);
    parts.push_back(trim(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from)));
    if (comma == std::string::npos) return parts;
    from = comma + 1;
  }
}

bool read_number(std::string const& digits, int& out) {
  if (digits.empty() || digits.size() > 2) return false;
  out = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// HH:MM with 00:00 ≤ t ≤ 24:00 (a single digit hour, 9:00, is accepted: people write it so).
std::optional<minutes> parse_clock(std::string const& s) {
  auto const colon = s.find(':');
  int h = 0, m = 0;
  if (colon == std::string::npos || s.size() != colon + 3 || !read_number(s.substr(0, colon), h) ||
      !read_number(s.substr(colon + 1), m))
    return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return minutes(h * 60 + m);
}

std::string show_clock(minutes t) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(t.count() / 60), static_cast<int>(t.count() % 60));
  return buf;
}

}  // namespace

std::optional<std::string> parse_window_hours(std::string const& text, std::vector<WindowSpan>& out) {
  std::vector<WindowSpan> spans;
  for (auto const& part : split_commas(text)) {
    auto const dash = part.find('-');
    auto const open = dash == std::string::npos ? std::nullopt : parse_clock(trim(part.substr(0, dash)));
    auto const close = dash == std::string::npos ? std::nullopt : parse_clock(trim(part.substr(dash + 1)));
    if (!open || !close) return "expected opening hours like 09:00-12:00,13:30-17:30, got '" + text + "'";
    if (*close <= *open) return "'" + part + "' closes before it opens";
    if (!spans.empty() && *open < spans.back().close)
      return "'" + part + "' overlaps or precedes the span before it; list the spans in order";
    spans.push_back(WindowSpan{*open, *close});
  }
  out = std::move(spans);
  return {};
}

std::string format_window_hours(std::vector<WindowSpan> const& hours) {
  std::string out;
  for (auto const& s : hours) {
    if (!out.empty()) out += ',';
    out += show_clock(s.open);
    out += '-';
    out += show_clock(s.close);
  }
  return out;
}

std::string format_reminder_offsets(std::vector<minutes> const& offsets) {
  std::string out;
  for (auto const m : offsets) {
    if (!out.empty()) out += ',';
    out += detail::show_minutes(m);
  }
  return out;
}

std::optional<std::string> parse_reminder_offsets(std::string const& text, std::vector<minutes>& out) {
  std::vector<minutes> offsets;
  if (!trim(text).empty()) {
    for (auto const& part : split_commas(text)) {
      minutes m{};
      // Beyond the bookable horizon a reminder would fire before most bookings are made.
      if (auto e = detail::parse_minutes(part, m, minutes(1), std::chrono::days(30))) return e;
      offsets.push_back(m);
    }
  }
  std::sort(offsets.begin(), offsets.end(), std::greater<>());
  if (std::adjacent_find(offsets.begin(), offsets.end()) != offsets.end()) return "'" + text + "' names an offset twice";
  out = std::move(offsets);
  return {};
}

namespace detail {

Error check_appointments(AppointmentsConfig const& a) {
  for (auto const& s : a.hours) {
    if (s.close - s.open >= a.slot) continue;
    // Appended piece by piece: g++ 12 at -O3 warns falsely on "literal" + std::string&&.
    std::string why = "appointments.hours: ";
    why += format_window_hours({s});
    why += " is shorter than one slot (";
    why += show_minutes(a.slot);
    return why + ")";
  }
  return {};
}

}  // namespace detail
}  // namespace talentbot::config
