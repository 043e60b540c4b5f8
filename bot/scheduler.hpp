#pragma once
// Runs scheduled work (storage/scheduler.hpp) when it is due by the injected Clock: claims due
// items, hands each to the handler registered for its kind (the id up to the first ':'), and
// completes it when the handler is done. A handler that fails (Redis away) leaves the item to come
// back after the claim's lease; one that throws is logged and retried the same way.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "bot/clock.hpp"
#include "storage/log.hpp"
#include "storage/scheduler.hpp"

namespace talentbot::bot {

struct SchedulerOptions {
  std::chrono::milliseconds poll{1'000};   // how often due work is looked for
  std::chrono::milliseconds lease{60'000};  // a claimed item returns after this if not completed
  std::size_t batch = 64;
};

class Scheduler {
 public:
  // true: done (the item is removed); false: try again after the lease.
  using Handler = std::function<boost::asio::awaitable<bool>(storage::DueItem item)>;

  Scheduler(boost::asio::any_io_executor executor, storage::RedisClient& redis, Clock const& clock, Logger& log,
            SchedulerOptions options = {});
  ~Scheduler();

  void on(std::string kind, Handler handler);  // before start()
  void start();
  void stop();

  // One pass over what is due now: the number of items handled (tests drive time with it).
  boost::asio::awaitable<std::size_t> run_due();

  std::uint64_t fired() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace talentbot::bot
