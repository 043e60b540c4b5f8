// The scheduler runs each item when the (controlled) clock reaches it, once, and again after the
// lease when its handler could not finish.
#include <gtest/gtest.h>

#include "bot/scheduler.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::bot {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

class SchedulerTest : public test::RedisSuite {
 protected:
  static Clock::time_point at(int hours_from_start) {
    return Clock::time_point(sys_days(2026y / November / 25) + hours(hours_from_start));
  }
  static storage::UnixMillis ms(Clock::time_point t) { return t.time_since_epoch().count(); }

  ManualClock clock{at(0)};
  Logger log{LogLevel::off};
};

TEST_F(SchedulerTest, FiresWhenDueOnceAndRetriesAfterTheLease) {
  Scheduler scheduler(ioc_.get_executor(), db(), clock, log, SchedulerOptions{1s, 10min, 64});
  std::vector<std::string> fired;
  int flaky_failures = 1;
  scheduler.on("remind", [&](storage::DueItem item) -> boost::asio::awaitable<bool> {
    fired.push_back(item.payload);
    co_return true;
  });
  scheduler.on("flaky", [&](storage::DueItem) -> boost::asio::awaitable<bool> {
    fired.push_back("flaky");
    co_return flaky_failures-- <= 0;
  });
  ASSERT_TRUE(run(storage::schedule(db(), "remind:a", ms(at(24)), "24h before")));
  ASSERT_TRUE(run(storage::schedule(db(), "remind:b", ms(at(47)), "1h before")));
  ASSERT_TRUE(run(storage::schedule(db(), "flaky:x", ms(at(1)), "")));
  ASSERT_TRUE(run(storage::schedule(db(), "nobody:y", ms(at(1)), "")));

  EXPECT_EQ(run(scheduler.run_due()), 0u);
  EXPECT_TRUE(fired.empty());
  clock.set(at(1));
  EXPECT_EQ(run(scheduler.run_due()), 0u);  // flaky fails once; the unknown kind is dropped
  EXPECT_EQ(fired, std::vector<std::string>{"flaky"});
  clock.set(at(1) + 5min);
  EXPECT_EQ(run(scheduler.run_due()), 0u);  // held by its lease
  clock.set(at(1) + 10min);
  EXPECT_EQ(run(scheduler.run_due()), 1u);  // back after the lease, done now
  clock.set(at(24) - 1s);
  EXPECT_EQ(run(scheduler.run_due()), 0u);
  clock.set(at(24));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_EQ(fired.back(), "24h before");
  clock.set(at(100));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_EQ(fired.back(), "1h before");
  EXPECT_EQ(run(scheduler.run_due()), 0u);  // nothing fires twice
  EXPECT_EQ(scheduler.fired(), 3u);
  EXPECT_TRUE(run(storage::scheduled_with_prefix(db(), ""))->empty());
}

}  // namespace
}  // namespace talentbot::bot
