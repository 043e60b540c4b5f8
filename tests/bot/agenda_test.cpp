// The specialists' morning agenda: sent at 08:30 on working days with appointments, to the
// department's people only, then scheduled for the next working day.
#include <gtest/gtest.h>

#include "bot/agenda.hpp"
#include "bot/scheduler.hpp"
#include "bot/understanding.hpp"
#include "storage/keys.hpp"
#include "storage/scheduler.hpp"
#include "tests/bot/desk_support.hpp"
#include "tests/support/redis_fixture.hpp"
#include "tests/support/run.hpp"

namespace talentbot::bot {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using test::china;

class AgendaTest : public test::DeskSuite {
 protected:
  void book(std::string const& user, year_month_day day, int hour) {
    storage::Booking b;
    b.user = user;
    b.service = "household_registration";
    char hh[3];
    std::snprintf(hh, sizeof hh, "%02d", hour);
    b.slot_id = "public_security:" + format_compact_date(day) + "T" + hh + "00";
    b.start = china(day, hour);
    b.end = b.start + 1800;
    b.capacity = 2;
    b.at = china(2026y / November / 25, 10);
    ASSERT_TRUE(run(storage::reserve(db(), b, user + "-req"))) << b.slot_id;
  }


};

TEST_F(AgendaTest, SentAt0830OnWorkingDaysToTheDepartmentThenRescheduled) {
  book("talent1", 2026y / November / 27, 15);
  book("talent2", 2026y / November / 27, 9);
  book("talent3", 2026y / November / 30, 10);
  HandoffDesk desk{ctx(), &db()};
  ManualClock clock(Clock::time_point(seconds(china(2026y / November / 26, 9))));
  Scheduler scheduler(ioc_.get_executor(), db(), clock, log);
  register_morning_agenda(scheduler, desk, clock, ioc_.get_executor());
  run(test::sleep_for(200ms));  // the first agenda is scheduled in the background
  auto pending = run(storage::scheduled_with_prefix(db(), "agenda:")).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].due, china(2026y / November / 27, 8, 30) * 1000);  // Friday 08:30

  clock.set(Clock::time_point(seconds(china(2026y / November / 27, 8, 30))));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  auto const lead = outbox_of("lead1");
  EXPECT_NE(lead.find("今日预约"), std::string::npos);
  EXPECT_NE(lead.find("共 2 位"), std::string::npos) << lead;
  EXPECT_LT(lead.find("09:00"), lead.find("15:00"));  // earliest first
  EXPECT_EQ(lead.find("talent3"), std::string::npos);  // Monday's is Monday's
  EXPECT_EQ(outbox_of("h1"), "");  // no appointments at hrss, no message
  pending = run(storage::scheduled_with_prefix(db(), "agenda:")).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].due, china(2026y / November / 30, 8, 30) * 1000);  // the weekend skipped
}

TEST(AgendaTime, SkipsHolidaysAndWeekends) {
  auto const calendar = WorkingCalendar::load(TALENTBOT_SOURCE_DIR "/deploy/holidays");
  // National Day 10-01..10-07: the next agenda is on Thursday 10-08.
  EXPECT_EQ(next_agenda_time(china(2026y / September / 30, 9), calendar), china(2026y / October / 8, 8, 30));
  EXPECT_EQ(next_agenda_time(china(2026y / November / 30, 7), calendar), china(2026y / November / 30, 8, 30));
}

}  // namespace
}  // namespace talentbot::bot
