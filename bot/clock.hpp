#pragma once
// The time source of business rules (reminders, deadlines, agendas). Production reads the system
// clock; tests set the time, so they prove a reminder fires at the right moment without sleeping.
#include <atomic>
#include <chrono>

namespace talentbot::bot {

class Clock {
 public:
  using time_point = std::chrono::sys_time<std::chrono::milliseconds>;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

// Stands still until told otherwise; safe to read from the I/O threads while a test moves it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start) : ms_(start.time_since_epoch().count()) {}
  time_point now() const override { return time_point(std::chrono::milliseconds(ms_.load())); }
  void set(time_point t) { ms_ = t.time_since_epoch().count(); }
  void advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  std::atomic<long long> ms_;
};

}  // namespace talentbot::bot
