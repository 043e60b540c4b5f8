// Escalation of an unanswered request for a person, with the clock under the test's control: the
// lead after roster.accept_timeout of working time, then the center; nothing once accepted; and a
// request outside working hours counts from the next opening.
#include <gtest/gtest.h>

#include "bot/handoff.hpp"
#include "bot/scheduler.hpp"
#include "bot/understanding.hpp"
#include "storage/keys.hpp"
#include "storage/handoff.hpp"
#include "storage/scheduler.hpp"
#include "tests/bot/desk_support.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::bot {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using test::china;

class HandoffTest : public test::DeskSuite {
 protected:

  HandoffDesk desk() { return HandoffDesk{ctx(), &db()}; }


  static Clock::time_point at(std::int64_t unix_seconds) { return Clock::time_point(seconds(unix_seconds)); }

};

TEST_F(HandoffTest, UnansweredGoesToTheLeadThenTheCenterAndStopsOnceAccepted) {
  auto const asked = china(2026y / November / 25, 10);  // a Wednesday morning
  auto step = run(request_person(desk(), "talent1", "household_registration", intents::Language::zh, "帮我转人工", asked));
  ASSERT_TRUE(step.taken);
  EXPECT_NE(outbox_of("svc1").find("handoff:talent1:accept"), std::string::npos);
  EXPECT_NE(outbox_of("lead1").find("handoff:talent1:accept"), std::string::npos);
  EXPECT_EQ(outbox_of("coord1"), "");

  ManualClock clock(at(asked + 9 * 60));
  Scheduler scheduler(ioc_.get_executor(), db(), clock, log);
  register_handoff_escalation(scheduler, desk());
  EXPECT_EQ(run(scheduler.run_due()), 0u);
  clock.set(at(asked + 10 * 60));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_NE(outbox_of("lead1").find("超时未接"), std::string::npos);
  EXPECT_EQ(outbox_of("svc1").find("超时未接"), std::string::npos);  // the lead is accountable
  EXPECT_EQ(outbox_of("coord1"), "");
  clock.set(at(asked + 20 * 60));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_NE(outbox_of("coord1").find("请中心协调"), std::string::npos);
  // Still nobody an hour of working time later: the bot answers again, the center follows it up.
  run(talent_message(desk(), "talent1", "我的配偶也要落户", "p9:1-0", asked + 25 * 60));
  auto last = run(storage::scheduled_with_prefix(db(), "ho_esc:")).value();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].due, (asked + 80 * 60) * 1000);
  clock.set(at(asked + 80 * 60));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_NE(outbox_of("coord1").find("我的配偶也要落户"), std::string::npos);
  EXPECT_NE(outbox_of("talent1").find("暂时没有专员接入"), std::string::npos);
  EXPECT_FALSE(run(storage::get_handoff(db(), "talent1")).value());
  EXPECT_TRUE(run(storage::scheduled_with_prefix(db(), "ho_esc:"))->empty());
}

TEST_F(HandoffTest, AcceptedInTimeEscalatesNothing) {
  auto const asked = china(2026y / November / 25, 10);
  run(request_person(desk(), "talent2", "household_registration", intents::Language::zh, "", asked));
  Session session;
  Specialist svc{"svc1", "", "public_security", Specialist::Role::service};
  auto accepted = run(specialist_message(desk(), svc, "", "handoff:talent2:accept", &session, "p1:1-0", asked + 60));
  EXPECT_TRUE(accepted.taken);
  EXPECT_EQ(session.slots["active"], "talent2");
  // While holding it, case cards and commands are still case work, not words for the talent.
  EXPECT_FALSE(run(specialist_message(desk(), svc, "", "case:GC20261125-0001:accepted", &session, "p1:2-0", asked + 90)).taken);
  EXPECT_FALSE(run(specialist_message(desk(), svc, "/cases", "", &session, "p1:3-0", asked + 95)).taken);
  EXPECT_TRUE(run(specialist_message(desk(), svc, "您好", "", &session, "p1:4-0", asked + 99)).taken);
  EXPECT_NE(outbox_of("talent2").find("您好"), std::string::npos);
  ManualClock clock(at(asked + 3600));
  Scheduler scheduler(ioc_.get_executor(), db(), clock, log);
  register_handoff_escalation(scheduler, desk());
  run(scheduler.run_due());
  EXPECT_EQ(outbox_of("lead1").find("超时未接"), std::string::npos);
  EXPECT_EQ(outbox_of("coord1"), "");
  // Two hours without a word either way: the chat goes back to the bot and both are told.
  clock.set(at(asked + 99 + 2 * 3600 - 1));
  run(scheduler.run_due());
  EXPECT_TRUE(run(storage::get_handoff(db(), "talent2")).value());
  clock.set(at(asked + 99 + 2 * 3600));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_FALSE(run(storage::get_handoff(db(), "talent2")).value());
  EXPECT_NE(outbox_of("talent2").find("长时间没有新消息"), std::string::npos);
  EXPECT_NE(outbox_of("svc1").find("已自动结束"), std::string::npos);
}

TEST_F(HandoffTest, OutsideWorkingHoursTheTalentIsToldAndTheClockStartsAtTheOpening) {
  auto const saturday = china(2026y / November / 28, 10);
  auto step = run(request_person(desk(), "talent3", "household_registration", intents::Language::zh, "", saturday));
  std::string said;
  for (auto const& r : step.replies) said += r.content;
  EXPECT_NE(said.find("非工作时间"), std::string::npos) << said;
  auto items = run(storage::scheduled_with_prefix(db(), "ho_esc:talent3")).value();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].due, (china(2026y / November / 30, 9) + 10 * 60) * 1000);  // Monday 09:10
  EXPECT_TRUE(in_working_hours(china(2026y / November / 30, 9), calendar, config.appointments));
  EXPECT_FALSE(in_working_hours(china(2026y / November / 30, 12, 30), calendar, config.appointments));  // lunch
  EXPECT_FALSE(in_working_hours(china(2026y / October / 2, 10), calendar, config.appointments));       // National Day
  EXPECT_EQ(next_opening(china(2026y / November / 30, 12, 30), calendar, config.appointments),
            china(2026y / November / 30, 13, 30));
}

TEST_F(HandoffTest, OnlyTheDepartmentAskedMayTakeItAndANoteInProgressIsNotRelayed) {
  auto const asked = china(2026y / November / 25, 10);
  run(request_person(desk(), "talent4", "household_registration", intents::Language::zh, "", asked));
  Session session;
  Specialist other{"h1", "", "hrss", Specialist::Role::lead};
  auto refused = run(specialist_message(desk(), other, "/take talent4", "", &session, "p1:1-0", asked + 10));
  ASSERT_TRUE(refused.taken);
  EXPECT_NE(refused.replies.at(0).content.find("不属于本部门"), std::string::npos);
  Specialist svc{"svc1", "", "public_security", Specialist::Role::service};
  EXPECT_TRUE(run(specialist_message(desk(), svc, "/take talent4", "", &session, "p1:2-0", asked + 20)).taken);
  // The desk asked this specialist for a needs_materials note on another case: that text is the note.
  session.flow = "note";
  EXPECT_FALSE(run(specialist_message(desk(), svc, "B的材料不全", "", &session, "p1:3-0", asked + 30)).taken);
  EXPECT_EQ(outbox_of("talent4").find("B的材料不全"), std::string::npos);
}

TEST_F(HandoffTest, HandledAgainTheRequestStillSchedulesItsEscalationAndTheTalentMayWithdraw) {
  auto const asked = china(2026y / November / 25, 17, 25);  // 5 minutes before closing
  run(request_person(desk(), "talent5", "household_registration", intents::Language::zh, "", asked));
  auto items = run(storage::scheduled_with_prefix(db(), "ho_esc:talent5")).value();
  ASSERT_EQ(items.size(), 1u);
  // 10 minutes of working time: 5 today, 5 tomorrow after the window opens.
  EXPECT_EQ(items[0].due, (china(2026y / November / 26, 9, 5)) * 1000);
  // A crash after the request was stored but before the escalation was scheduled: handled again.
  ASSERT_TRUE(run(storage::unschedule(db(), "ho_esc:talent5")));
  run(request_person(desk(), "talent5", "household_registration", intents::Language::zh, "", asked));
  EXPECT_EQ(run(storage::scheduled_with_prefix(db(), "ho_esc:talent5"))->size(), 1u);
  auto withdrawn = run(talent_message(desk(), "talent5", "不用了，取消人工", "p2:1-0", asked + 60));
  EXPECT_TRUE(withdrawn.taken);
  EXPECT_FALSE(run(storage::get_handoff(db(), "talent5")).value());
  EXPECT_TRUE(run(storage::scheduled_with_prefix(db(), "ho_esc:talent5"))->empty());
  EXPECT_FALSE(run(talent_message(desk(), "talent5", "落户要什么材料", "p2:2-0", asked + 70)).taken);  // the bot again
}

}  // namespace
}  // namespace talentbot::bot
