#pragma once
// Structured logging shared by every I/O module: one line per event, `key=value` or JSON.
// Components take a `Logger&` so tests can capture what they say.
#include <atomic>
#include <functional>
#include <initializer_list>
#include <optional>
#include <type_traits>
#include <string>
#include <string_view>

namespace talentbot {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3, off = 4 };
enum class LogFormat { kv, json };

std::optional<LogLevel> parse_log_level(std::string_view);
std::string_view to_string(LogLevel);

struct LogField {
  std::string_view key;
  std::string value;
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <class Str>
    requires(std::is_convertible_v<Str const&, std::string_view> && !std::is_arithmetic_v<Str> &&
             !std::is_same_v<Str, std::string> && !std::is_same_v<Str, std::string_view>)
  LogField(std::string_view k, Str const& v) : key(k), value(std::string_view(v)) {}
  template <class Int>
    requires std::is_arithmetic_v<Int>
  LogField(std::string_view k, Int v) : key(k), value(std::to_string(v)) {}
};

class Logger {
 public:
  // The sink receives whole lines (with the trailing newline); the default writes each line to
  // stderr with one write(2), so lines from several threads never interleave.
  using Sink = std::function<void(std::string_view line)>;

  explicit Logger(LogLevel level = LogLevel::info, LogFormat format = LogFormat::kv, Sink sink = {});

  bool enabled(LogLevel level) const { return level >= level_.load(std::memory_order_relaxed); }
  void set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {}) const;

  void debug(std::string_view event, std::initializer_list<LogField> f = {}) const { log(LogLevel::debug, event, f); }
  void info(std::string_view event, std::initializer_list<LogField> f = {}) const { log(LogLevel::info, event, f); }
  void warn(std::string_view event, std::initializer_list<LogField> f = {}) const { log(LogLevel::warn, event, f); }
  void error(std::string_view event, std::initializer_list<LogField> f = {}) const { log(LogLevel::error, event, f); }

 private:
  std::atomic<LogLevel> level_;
  LogFormat format_;
  Sink sink_;
};

// Masks a user id for logs: keeps the first two and last two characters ("zh***an").
std::string mask_user(std::string_view user);

}  // namespace talentbot
