// Window slots and the booking rules, on the 2026 calendar as published: slots on working days
// only (National Day off, its make-up Saturday worked), checks in the order a person explains
// them, snapping to the slot a time falls in, nearest alternatives, ids and reminders.
#include <gtest/gtest.h>

#include <set>

#include "bot/appointments.hpp"

namespace talentbot::bot {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

std::shared_ptr<WorkingCalendar const> calendar_2026() {
  static auto const calendar =
      std::make_shared<WorkingCalendar const>(WorkingCalendar::load(TALENTBOT_SOURCE_DIR "/deploy/holidays"));
  return calendar;
}

// "2026-11-26 15:00" in China time.
sys_seconds at(std::string const& text) {
  auto const day = parse_date(text.substr(0, 10)).value();
  return china_midnight(day) + hours(std::stoi(text.substr(11, 2))) + minutes(std::stoi(text.substr(14, 2)));
}

year_month_day d(std::string_view text) { return parse_date(text).value(); }

AppointmentPlanner planner(config::AppointmentsConfig c = {}, std::map<std::string, WindowRules, std::less<>> w = {}) {
  return AppointmentPlanner(std::move(c), calendar_2026(), std::move(w));
}

std::vector<std::string> ids(std::vector<Slot> const& slots) {
  std::vector<std::string> out;
  for (auto const& s : slots) out.push_back(s.id());
  return out;
}

auto const kAllFree = [](Slot const&) { return true; };

// Wednesday 2026-11-25, 10:00: the reference "now" of most tests.
sys_seconds const kNow = at("2026-11-25 10:00");

TEST(AppointmentSlots, WorkingDayHasTheWindowHoursInSlotsOfThirtyMinutes) {
  auto const slots = planner().slots_on("public_security", d("2026-11-26"));
  ASSERT_EQ(slots.size(), 14u);  // 09:00-12:00 (6) and 13:30-17:30 (8)
  EXPECT_EQ(slots.front().start, at("2026-11-26 09:00"));
  EXPECT_EQ(slots.front().end, at("2026-11-26 09:30"));
  EXPECT_EQ(slots[5].start, at("2026-11-26 11:30"));
  EXPECT_EQ(slots[6].start, at("2026-11-26 13:30"));  // nothing over lunch
  EXPECT_EQ(slots.back().end, at("2026-11-26 17:30"));
}

TEST(AppointmentSlots, NationalDayHasNoSlotsAndTheDayAfterIsOrdinary) {
  auto const p = planner();
  for (auto day : {"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-07"})
    EXPECT_TRUE(p.slots_on("public_security", d(day)).empty()) << day;
  EXPECT_EQ(p.slots_on("public_security", d("2026-10-08")).size(), 14u);  // Thursday, back at work
}

TEST(AppointmentSlots, MakeUpWorkdayHasSlotsAndAnOrdinarySaturdayNone) {
  auto const p = planner();
  EXPECT_EQ(p.slots_on("public_security", d("2026-10-10")).size(), 14u);  // Saturday worked for National Day
  EXPECT_EQ(p.slots_on("public_security", d("2026-09-20")).size(), 14u);  // Sunday worked
  EXPECT_TRUE(p.slots_on("public_security", d("2026-11-28")).empty());
  EXPECT_TRUE(p.slots_on("public_security", d("2026-11-29")).empty());
}

TEST(AppointmentSlots, ALongerSlotDropsTheRemainderOfASpan) {
  config::AppointmentsConfig c;
  c.slot = 45min;
  auto const slots = planner(c).slots_on("hrss", d("2026-11-26"));
  // 09:00-12:00 holds 4 slots exactly; 13:30-17:30 holds 5, the last 15 minutes are not offered.
  ASSERT_EQ(slots.size(), 9u);
  EXPECT_EQ(slots[3].end, at("2026-11-26 12:00"));
  EXPECT_EQ(slots.back().start, at("2026-11-26 16:30"));
  EXPECT_EQ(slots.back().end, at("2026-11-26 17:15"));
}

TEST(AppointmentSlots, DepartmentWindowOverridesHoursAndCapacity) {
  WindowRules police;
  police.hours = {config::WindowSpan{9h, 11h}};
  police.capacity = 3;
  std::map<std::string, WindowRules, std::less<>> windows;
  windows.emplace("public_security", police);
  auto const p = planner({}, windows);
  EXPECT_EQ(p.slots_on("public_security", d("2026-11-26")).size(), 4u);
  EXPECT_EQ(p.capacity("public_security"), 3);
  EXPECT_EQ(p.slots_on("hrss", d("2026-11-26")).size(), 14u);
  EXPECT_EQ(p.capacity("hrss"), 2);
}

TEST(AppointmentSlotIds, AreReadableInChinaTimeAndRoundTrip) {
  auto const p = planner();
  auto const slots = p.slots_on("public_security", d("2026-11-27"));
  auto const& s = slots[10];  // 15:30
  EXPECT_EQ(s.id(), "public_security:20261127T1530");
  auto const ref = parse_slot_id(s.id());
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->department, "public_security");
  EXPECT_EQ(ref->start, s.start);
  EXPECT_EQ(p.slot_from_id(s.id()), s);
  EXPECT_EQ(slots.front().id(), "public_security:20261127T0900");  // 01:00 UTC: the local day counts
}

TEST(AppointmentSlotIds, ThatNameNoRealSlotAreRefused) {
  auto const p = planner();
  for (auto id : {"public_security:20261127T1510",  // not a slot boundary
                  "public_security:20261127T1230",  // lunch
                  "public_security:20261001T0900",  // National Day
                  "public_security:20261128T0900",  // Saturday
                  "public_security:20261331T0900", "public_security:20261127T2500", "public_security:20261127",
                  "Public_Security:20261127T0900", ":20261127T0900", "public_security20261127T0900"})
    EXPECT_FALSE(p.slot_from_id(id)) << id;
}

TEST(AppointmentSlots, AreDescribedInChineseAndEnglish) {
  Slot const s{"public_security", at("2026-11-27 15:00"), at("2026-11-27 15:30")};
  EXPECT_EQ(describe(s, true), "11月27日（周五）15:00-15:30");
  EXPECT_EQ(describe(s, false), "Fri 27 Nov, 15:00-15:30");
  Slot const late{"x", at("2026-11-27 23:30"), at("2026-11-28 00:00")};
  EXPECT_EQ(describe(late, false), "Fri 27 Nov, 23:30-24:00");
}

TEST(AppointmentRequest, AtASlotStartIsBookedAsIs) {
  auto const c = planner().check_requested("public_security", at("2026-11-26 15:00"), kNow);
  ASSERT_TRUE(c.ok()) << to_string(c.refusal);
  EXPECT_EQ(c.slot->id(), "public_security:20261126T1500");
  EXPECT_FALSE(c.snapped);
}

TEST(AppointmentRequest, InsideASlotSnapsToThatSlot) {
  auto const c = planner().check_requested("public_security", at("2026-11-26 15:20"), kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.slot->start, at("2026-11-26 15:00"));
  EXPECT_TRUE(c.snapped);
}

TEST(AppointmentRequest, InThePastIsRefused) {
  auto const p = planner();
  EXPECT_EQ(p.check_requested("hrss", at("2026-11-25 09:30"), kNow).refusal, Refusal::in_past);
  EXPECT_EQ(p.check_requested("hrss", at("2026-11-24 15:00"), kNow).refusal, Refusal::in_past);
}

TEST(AppointmentRequest, WithinTheLeadTimeIsRefusedWithTheEarliestTime) {
  auto const p = planner();
  auto const c = p.check_requested("hrss", at("2026-11-25 11:30"), kNow);
  EXPECT_EQ(c.refusal, Refusal::too_soon);
  EXPECT_EQ(c.earliest, at("2026-11-25 12:00"));
  // At 11:40, 13:50 is past the lead time, but its slot starts at 13:30, within it: too soon too.
  EXPECT_EQ(p.check_requested("hrss", at("2026-11-25 13:50"), at("2026-11-25 11:40")).refusal, Refusal::too_soon);
  EXPECT_TRUE(p.check_requested("hrss", at("2026-11-25 13:30"), kNow).ok());
  config::AppointmentsConfig no_lead;
  no_lead.lead_time = 0min;
  EXPECT_TRUE(planner(no_lead).check_requested("hrss", at("2026-11-25 10:00"), kNow).ok());
}

TEST(AppointmentRequest, BeyondTheBookableDaysIsRefusedWithTheLastDay) {
  auto const p = planner();
  EXPECT_TRUE(p.check_requested("hrss", at("2026-12-09 15:00"), kNow).ok());  // today + 14
  auto const c = p.check_requested("hrss", at("2026-12-10 09:00"), kNow);
  EXPECT_EQ(c.refusal, Refusal::beyond_horizon);
  EXPECT_EQ(c.last_day, d("2026-12-09"));
}

TEST(AppointmentRequest, OnAHolidayIsRefusedWithTheHolidaysName) {
  auto const p = planner();
  auto const c = p.check_requested("public_security", at("2026-10-02 10:00"), at("2026-09-28 10:00"));
  EXPECT_EQ(c.refusal, Refusal::not_working_day);
  EXPECT_EQ(c.holiday, "国庆节 National Day");
  auto const weekend = p.check_requested("public_security", at("2026-11-28 10:00"), kNow);
  EXPECT_EQ(weekend.refusal, Refusal::not_working_day);
  EXPECT_EQ(weekend.holiday, "");
}

TEST(AppointmentRequest, OnAMakeUpWorkdayIsAccepted) {
  auto const c = planner().check_requested("public_security", at("2026-10-10 10:00"), at("2026-10-08 09:00"));
  EXPECT_TRUE(c.ok()) << to_string(c.refusal);
}

TEST(AppointmentRequest, OutsideTheWindowHoursIsRefused) {
  auto const p = planner();
  for (auto t : {"2026-11-26 08:30", "2026-11-26 12:00", "2026-11-26 12:45", "2026-11-26 13:29", "2026-11-26 17:30",
                 "2026-11-26 20:00"})
    EXPECT_EQ(p.check_requested("hrss", at(t), kNow).refusal, Refusal::outside_hours) << t;
}

TEST(AppointmentRequest, ReasonsComeInTheOrderAPersonWouldGiveThem) {
  auto const p = planner();
  // A past time on a holiday is "passed"; a far evening is "too far"; a holiday evening is "a day off".
  EXPECT_EQ(p.check_requested("hrss", at("2026-10-01 20:00"), kNow).refusal, Refusal::in_past);
  EXPECT_EQ(p.check_requested("hrss", at("2027-01-04 20:00"), kNow).refusal, Refusal::beyond_horizon);
  EXPECT_EQ(p.check_requested("hrss", at("2026-10-01 20:00"), at("2026-09-28 09:00")).refusal,
            Refusal::not_working_day);
  EXPECT_EQ(p.check_requested("hrss", at("2026-11-25 12:30"), kNow).refusal, Refusal::outside_hours);
}

TEST(AppointmentDay, ListsTheSlotsStillBookable) {
  auto const p = planner();
  auto const today = p.check_day("hrss", d("2026-11-25"), kNow);
  ASSERT_TRUE(today.ok());
  ASSERT_EQ(today.slots.size(), 8u);  // the morning is within the lead time
  EXPECT_EQ(today.slots.front().start, at("2026-11-25 13:30"));
  EXPECT_EQ(p.check_day("hrss", d("2026-11-26"), kNow).slots.size(), 14u);
}

TEST(AppointmentDay, RefusesPastDaysDaysOffAndALateToday) {
  auto const p = planner();
  EXPECT_EQ(p.check_day("hrss", d("2026-11-24"), kNow).refusal, Refusal::in_past);
  EXPECT_EQ(p.check_day("hrss", d("2026-12-10"), kNow).refusal, Refusal::beyond_horizon);
  auto const holiday = p.check_day("hrss", d("2026-10-06"), at("2026-09-30 09:00"));
  EXPECT_EQ(holiday.refusal, Refusal::not_working_day);
  EXPECT_EQ(holiday.holiday, "国庆节 National Day");
  EXPECT_EQ(p.check_day("hrss", d("2026-11-25"), at("2026-11-25 16:00")).refusal, Refusal::too_soon);
}

TEST(AppointmentAlternatives, AreTheNearestFreeSlotsEarlierFirstOnATie) {
  auto const full = at("2026-11-26 15:00");
  auto const free = [full](Slot const& s) { return s.start != full; };
  auto const got = planner().nearest_free("hrss", full, kNow, free);
  EXPECT_EQ(ids(got), (std::vector<std::string>{"hrss:20261126T1430", "hrss:20261126T1530", "hrss:20261126T1400"}));
}

TEST(AppointmentAlternatives, SkipHolidaysAndWhatIsTooSoon) {
  auto const now = at("2026-09-30 10:00");  // the last working day before National Day
  auto const p = planner();
  auto const around = p.nearest_free("hrss", at("2026-10-02 10:00"), now, kAllFree);
  EXPECT_EQ(ids(around), (std::vector<std::string>{"hrss:20260930T1700", "hrss:20260930T1630", "hrss:20260930T1600"}));
  auto const not_today = [](Slot const& s) { return china_date(s.start) != d("2026-09-30"); };
  auto const after = p.nearest_free("hrss", at("2026-10-02 10:00"), now, not_today);
  EXPECT_EQ(ids(after), (std::vector<std::string>{"hrss:20261008T0900", "hrss:20261008T0930", "hrss:20261008T1000"}));
  // The morning of the 30th is within the lead time: never offered, however near.
  auto const morning = p.nearest_free("hrss", at("2026-09-30 11:00"), now, kAllFree, 2);
  EXPECT_EQ(ids(morning), (std::vector<std::string>{"hrss:20260930T1330", "hrss:20260930T1400"}));
}

TEST(AppointmentAlternatives, StayWithinTheBookableDaysAndTheCount) {
  auto const p = planner();
  EXPECT_TRUE(p.nearest_free("hrss", at("2026-11-26 15:00"), kNow, [](Slot const&) { return false; }).empty());
  auto const five = p.nearest_free("hrss", at("2026-12-09 17:00"), kNow, kAllFree, 5);
  ASSERT_EQ(five.size(), 5u);
  for (auto const& s : five) EXPECT_LE(sys_days{china_date(s.start)}, sys_days{d("2026-12-09")});
  std::set<std::string> distinct;
  for (auto const& s : p.bookable("hrss", kNow)) distinct.insert(s.id());
  EXPECT_EQ(distinct.size(), p.bookable("hrss", kNow).size());
}

TEST(AppointmentReminders, FallAtTheOffsetsAndSkipThoseAlreadyPast) {
  auto const p = planner();
  Slot const s{"hrss", at("2026-11-27 15:00"), at("2026-11-27 15:30")};
  EXPECT_EQ(p.reminder_times(s, kNow), (std::vector<sys_seconds>{at("2026-11-26 15:00"), at("2026-11-27 14:00")}));
  EXPECT_EQ(p.reminder_times(s, at("2026-11-27 10:00")), (std::vector<sys_seconds>{at("2026-11-27 14:00")}));
  config::AppointmentsConfig quiet;
  quiet.reminders.clear();
  EXPECT_TRUE(planner(quiet).reminder_times(s, kNow).empty());
}

}  // namespace
}  // namespace talentbot::bot
