// Scheduled work in a real redis-server: due order, atomic claims across instances, the lease
// that returns an item whose claimer died, and completion that keeps a newer schedule.
#include <gtest/gtest.h>

#include <set>

#include "storage/scheduler.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::storage {
namespace {

using namespace std::chrono_literals;
using test::all;
using ClaimResult = boost::system::result<std::vector<DueItem>>;

class SchedulerStore : public test::RedisSuite {};

std::vector<std::string> ids(std::vector<DueItem> const& items) {
  std::vector<std::string> out;
  for (auto const& i : items) out.push_back(i.id);
  return out;
}

TEST_F(SchedulerStore, ClaimsWhatIsDueEarliestFirstWithItsPayload) {
  ASSERT_TRUE(run(schedule(db(), "b", 2000, "second")));
  ASSERT_TRUE(run(schedule(db(), "a", 1000, "first")));
  ASSERT_TRUE(run(schedule(db(), "c", 9000, "later")));
  auto due = run(claim_due(db(), 5000, 60s, 10)).value();
  EXPECT_EQ(ids(due), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(due[0].payload, "first");
  EXPECT_EQ(due[0].due, 1000);
  // Held for the lease: not claimed again until it ends (the claimer may have died).
  EXPECT_TRUE(run(claim_due(db(), 5000, 60s, 10))->empty());
  // c was due at 9 s; a and b come back when their lease ends at 65 s.
  EXPECT_EQ(ids(run(claim_due(db(), 5000 + 60'000, 60s, 10)).value()), (std::vector<std::string>{"c", "a", "b"}));
}

TEST_F(SchedulerStore, ConcurrentInstancesNeverClaimOneItemTwice) {
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(run(schedule(db(), "item" + std::to_string(i), 1000 + i, "")));
  std::vector<std::function<boost::asio::awaitable<ClaimResult>()>> tasks;
  for (int i = 0; i < 20; ++i) tasks.push_back([this, i] { return claim_due(db(i), 5000, 60s, 7); });
  std::multiset<std::string> claimed;
  for (auto const& r : run(all(std::move(tasks)))) {
    ASSERT_TRUE(r);
    for (auto const& item : *r) claimed.insert(item.id);
  }
  EXPECT_EQ(claimed.size(), 100u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 100u);
}

TEST_F(SchedulerStore, CompleteRemovesButKeepsANewerSchedule) {
  ASSERT_TRUE(run(schedule(db(), "appt_remind:AP1:60", 1000, "v1")));
  ASSERT_TRUE(run(schedule(db(), "sla_warn:GC1", 1000, "")));
  auto due = run(claim_due(db(), 2000, 60s, 10)).value();
  ASSERT_EQ(due.size(), 2u);
  // The appointment is moved while its reminder is being sent: the new reminder must survive.
  ASSERT_TRUE(run(schedule(db(), "appt_remind:AP1:60", 90'000, "v2")));
  for (auto const& item : due) ASSERT_TRUE(run(complete(db(), item)));
  auto left = run(scheduled_with_prefix(db(), "")).value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "appt_remind:AP1:60");
  EXPECT_EQ(left[0].payload, "v2");
  EXPECT_EQ(left[0].due, 90'000);
  ASSERT_TRUE(run(unschedule(db(), "appt_remind:AP1:60")));
  EXPECT_TRUE(run(scheduled_with_prefix(db(), ""))->empty());
}

}  // namespace
}  // namespace talentbot::storage
