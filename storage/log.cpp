#include "storage/log.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>

namespace talentbot {
namespace {

void append_timestamp(std::string& out) {
  using namespace std::chrono;
  auto const now = system_clock::now();
  auto const secs = floor<seconds>(now);
  auto const ms = duration_cast<milliseconds>(now - secs).count();
  std::time_t const t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  out += buf;
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

// JSON string escaping; also used for quoted kv values so a value can never forge a field or line.
void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
}

void write_stderr(std::string_view line) {
  // One write per line: lines from concurrent threads stay whole (O_APPEND / pipes below PIPE_BUF).
  auto rc = ::write(STDERR_FILENO, line.data(), line.size());
  (void)rc;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view s) {
  if (s == "debug") return LogLevel::debug;
  if (s == "info") return LogLevel::info;
  if (s == "warn" || s == "warning") return LogLevel::warn;
  if (s == "error") return LogLevel::error;
  if (s == "off") return LogLevel::off;
  return std::nullopt;
}

std::string_view to_string(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    case LogLevel::off: return "off";
  }
  return "info";
}

Logger::Logger(LogLevel level, LogFormat format, Sink sink)
    : level_(level), format_(format), sink_(sink ? std::move(sink) : Sink(write_stderr)) {}

void Logger::log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) const {
  if (!enabled(level) || level == LogLevel::off) return;
  std::string line;
  line.reserve(160);
  if (format_ == LogFormat::json) {
    line += "{\"ts\":\"";
    append_timestamp(line);
    line += "\",\"level\":\"";
    line += to_string(level);
    line += "\",\"event\":\"";
    append_escaped(line, event);
    line += '"';
    for (auto const& f : fields) {
      line += ",\"";
      append_escaped(line, f.key);
      line += "\":\"";
      append_escaped(line, f.value);
      line += '"';
    }
    line += "}\n";
  } else {
    line += "ts=";
    append_timestamp(line);
    line += " level=";
    line += to_string(level);
    line += " event=";
    line += event;
    for (auto const& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      if (needs_quotes(f.value)) {
        line += '"';
        append_escaped(line, f.value);
        line += '"';
      } else {
        line += f.value;
      }
    }
    line += '\n';
  }
  sink_(line);
}

std::string mask_user(std::string_view user) {
  if (user.size() <= 4) return std::string(user.size(), '*');
  std::string out(user.substr(0, 2));
  out += "***";
  out += user.substr(user.size() - 2);
  return out;
}

}  // namespace talentbot
