// Case notices and the SLA watchdog against a real redis-server, with the clock under the test's
// control: the department hears of a new case once, the deadline warning and the overdue
// escalation fire at 09:00 on the right working days, and a case finished in time sends nothing.
#include <gtest/gtest.h>

#include "bot/case_notifier.hpp"
#include "bot/scheduler.hpp"
#include "bot/specialist_desk.hpp"
#include "bot/understanding.hpp"
#include "storage/cases.hpp"
#include "storage/keys.hpp"
#include "storage/streams.hpp"
#include "tests/bot/desk_support.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::bot {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

class CaseNotifierTest : public test::DeskSuite {
 protected:

  // A public-security case received 2026-11-25, due 2026-12-09.
  std::string open_case(std::string const& user) {
    Case c;
    c.talent_user = user;
    c.talent_name = "王芳";
    c.service = "household_registration";
    c.department = "public_security";
    c.created_at = sys_seconds(sys_days(2026y / November / 25) + 2h).time_since_epoch().count();
    c.deadline = "2026-12-09";
    storage::NewCase n;
    n.day = "20261125";
    n.talent_user = user;
    n.service = c.service;
    n.department = c.department;
    n.deadline = c.deadline;
    n.status = "submitted";
    n.created_at = c.created_at;
    n.body = case_body_json(c);
    n.first_entry = history_entry_json(HistoryEntry{c.created_at, user, "submitted", ""});
    return run(storage::create_case(db(), n, "")).value().id;
  }

  void move(std::string const& id, CaseStatus to) {
    storage::StatusChange s;
    s.case_id = id;
    s.to = std::string(to_string(to));
    s.allowed_from = allowed_from(to);
    s.closes = is_final(to);
    s.entry = history_entry_json(HistoryEntry{1, "svc1", s.to, "ok"});
    s.at = 1;
    ASSERT_TRUE(run(storage::transition(db(), s))) << s.to;
  }


};

TEST_F(CaseNotifierTest, NewCaseReachesTheDepartmentOnceAndSchedulesTheWatchdog) {
  auto const id = open_case("talent1");
  CaseNotifier notifier(ioc_.get_executor(), db(0), db(1), ctx(), "n1");
  EXPECT_EQ(run(notifier.run_once()), 1u);
  EXPECT_EQ(run(notifier.run_once()), 0u);
  EXPECT_NE(outbox_of("lead1").find(id), std::string::npos);
  EXPECT_NE(outbox_of("svc1").find("case:" + id + ":accepted"), std::string::npos);
  EXPECT_EQ(outbox_of("talent1"), "");  // the talent already has the receipt
  auto sla = run(storage::scheduled_with_prefix(db(), "sla_")).value();
  ASSERT_EQ(sla.size(), 2u);
  // Due Wed 2026-12-09: warned Tue 12-08 09:00, escalated Thu 12-10 09:00 (China time).
  auto at9 = [](year_month_day d) { return (sys_days(d) + 1h).time_since_epoch() / 1ms; };
  EXPECT_EQ(sla[0].id, "sla_warn:" + id);
  EXPECT_EQ(sla[0].due, at9(2026y / December / 8));
  EXPECT_EQ(sla[1].id, "sla_over:" + id);
  EXPECT_EQ(sla[1].due, at9(2026y / December / 10));

  move(id, CaseStatus::accepted);
  EXPECT_EQ(run(notifier.run_once()), 1u);
  EXPECT_NE(outbox_of("talent1").find("已受理"), std::string::npos);
  EXPECT_NE(outbox_of("svc1").find("已更新"), std::string::npos);  // the one who moved it
  EXPECT_EQ(outbox_of("lead1").find("已更新"), std::string::npos);

  // A change by the center (through its API, under a token's name) reaches the department too.
  storage::StatusChange by_center;
  by_center.case_id = id;
  by_center.to = "rejected";
  by_center.allowed_from = allowed_from(CaseStatus::rejected);
  by_center.closes = true;
  by_center.entry = history_entry_json(HistoryEntry{2, "center", "rejected", "不属于高层次人才范围"});
  by_center.at = 2;
  ASSERT_TRUE(run(storage::transition(db(), by_center)));
  EXPECT_EQ(run(notifier.run_once()), 1u);
  EXPECT_NE(outbox_of("lead1").find("中心更新"), std::string::npos);
  EXPECT_NE(outbox_of("talent1").find("不属于高层次人才范围"), std::string::npos);
}

TEST_F(CaseNotifierTest, WarningAndEscalationFireOnTimeOnlyForOpenCases) {
  auto const open = open_case("talent1");
  auto const done = open_case("talent2");
  CaseNotifier notifier(ioc_.get_executor(), db(0), db(1), ctx(), "n1");
  EXPECT_EQ(run(notifier.run_once()), 2u);
  ManualClock clock(Clock::time_point(sys_days(2026y / December / 8) + 1h - 1s));
  Scheduler scheduler(ioc_.get_executor(), db(), clock, log);
  register_sla_handlers(scheduler, db(), ctx());
  EXPECT_EQ(run(scheduler.run_due()), 0u);
  clock.advance(1s);
  EXPECT_EQ(run(scheduler.run_due()), 2u);
  EXPECT_NE(outbox_of("lead1").find("时限提醒"), std::string::npos);
  EXPECT_NE(outbox_of("lead1").find(open), std::string::npos);
  EXPECT_EQ(run(scheduler.run_due()), 0u);

  for (auto to : {CaseStatus::accepted, CaseStatus::in_progress, CaseStatus::result_ready, CaseStatus::closed}) move(done, to);
  clock.set(Clock::time_point(sys_days(2026y / December / 10) + 1h));
  EXPECT_EQ(run(scheduler.run_due()), 2u);
  auto const lead = outbox_of("lead1");
  EXPECT_NE(lead.find("超期督办"), std::string::npos);
  EXPECT_NE(lead.find(open), std::string::npos);
  EXPECT_EQ(lead.find("超期督办】案件 " + done), std::string::npos);  // closed in time: no escalation
  EXPECT_NE(outbox_of("coord1").find("超期督办"), std::string::npos);
  EXPECT_EQ(outbox_of("svc1").find("超期督办"), std::string::npos);  // escalation goes to the lead
}

TEST_F(CaseNotifierTest, AVanishedEventGroupIsMadeAgain) {
  CaseNotifier notifier(ioc_.get_executor(), db(0), db(1), ctx(), "n1");
  EXPECT_EQ(run(notifier.run_once()), 0u);  // makes the group
  ASSERT_TRUE(run(db().command(storage::args("DEL", storage::keys::case_events()))));  // a flushed Redis
  EXPECT_EQ(run(notifier.run_once()), 0u);  // the read fails (no group): noted, not spun on
  auto const id = open_case("talent9");
  EXPECT_EQ(run(notifier.run_once()), 1u);
  EXPECT_NE(outbox_of("lead1").find(id), std::string::npos);
}

TEST(SpecialistCommands, ParseStatus) {
  auto cmd = parse_status_command("/status gc20261124-0007 needs_materials 缺 学位证");
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->case_id, "GC20261124-0007");
  EXPECT_EQ(cmd->status, "needs_materials");
  EXPECT_EQ(cmd->note, "缺 学位证");
  EXPECT_FALSE(parse_status_command("/status"));
  EXPECT_FALSE(parse_status_command("/status nonsense accepted"));
  EXPECT_FALSE(parse_status_command("status GC20261124-0007 accepted"));
}

}  // namespace
}  // namespace talentbot::bot
