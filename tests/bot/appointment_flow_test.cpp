// Appointments in chat against a real Redis: booking by time, day or nothing, refusals with the
// nearest free times, full slots, buttons, moving, cancelling, asking, a message handled twice,
// and the reminders before the visit fired by a controlled clock.
#include <gtest/gtest.h>

#include "bot/appointment_flow.hpp"
#include "bot/appointment_reminders.hpp"
#include "bot/scheduler.hpp"
#include "intents/datetime.hpp"
#include "storage/appointments.hpp"
#include "storage/keys.hpp"
#include "storage/scheduler.hpp"
#include "tests/bot/chat.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::bot {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using intents::Language;

std::shared_ptr<WorkingCalendar const> calendar_2026() {
  static auto const calendar =
      std::make_shared<WorkingCalendar const>(WorkingCalendar::load(TALENTBOT_SOURCE_DIR "/deploy/holidays"));
  return calendar;
}

sys_seconds at(std::string const& iso) { return intents::parse_iso8601(iso).value().instant; }

std::string all_text(std::vector<Reply> const& replies) {
  std::string out;
  for (auto const& r : replies) {
    out += r.title + "\n" + r.content + "\n";
    for (auto const& b : r.buttons) out += "[" + b.text + "|" + b.key + "]\n";
  }
  return out;
}

std::vector<std::string> keys(std::vector<Reply> const& replies) {
  std::vector<std::string> out;
  for (auto const& r : replies)
    for (auto const& b : r.buttons) out.push_back(b.key);
  return out;
}

bool has(std::string const& s, std::string const& part) { return s.find(part) != std::string::npos; }

class AppointmentFlowTest : public talentbot::test::RedisSuite {
 protected:
  // A Wednesday morning: "tomorrow 3 pm" is Thursday 26 November 2026.
  static constexpr char const* kNow = "2026-11-25T10:00:00+08:00";

  void use_capacity(int capacity) {
    config_.appointments.capacity = capacity;
    planner_ = std::make_unique<AppointmentPlanner>(config_.appointments, calendar_2026());
  }
  AppointmentDesk desk() { return {&db(), &test::kb(), planner_.get(), &config_.center, &log_}; }

  // One message: `when` is a time (ISO with offset) or a day (yyyy-mm-dd) or empty.
  std::vector<Reply> say(std::string const& user, std::string const& intent, std::string const& service,
                         std::string const& when = "", std::string const& now = kNow, Language lang = Language::zh) {
    AppointmentAsk a;
    a.intent = intent;
    a.service = service;
    if (when.size() > 10) a.datetime = when;
    else if (!when.empty()) a.date = when;
    return handle(std::move(a), user, now, lang);
  }
  std::vector<Reply> click(std::string const& user, std::string const& key, std::string const& now = kNow) {
    AppointmentAsk a;
    a.button = key;
    return handle(std::move(a), user, now, Language::zh);
  }
  std::vector<Reply> handle(AppointmentAsk a, std::string const& user, std::string const& now, Language lang) {
    a.user = user;
    a.lang = lang;
    a.at = at(now).time_since_epoch().count();
    a.request_key = last_key_ = "p0:" + std::to_string(++message_);
    auto out = run(handle_appointment(desk(), a));
    EXPECT_TRUE(out.has_value());
    return out.value_or(std::vector<Reply>{});
  }
  std::vector<storage::StoredAppointment> of(std::string const& user) {
    return run(storage::appointments_of_user(db(), user, 0)).value();
  }
  // The payloads in the outbox of the talent's partition, in order.
  std::vector<std::string> outbox(std::string const& user) {
    auto const stream = storage::keys::outbox(storage::keys::partition_of(user, config_.queue.partitions));
    auto const r = run(db().command(storage::args("XRANGE", stream, "-", "+"))).value();
    std::vector<std::string> out;
    for (auto const& entry : r.elements)
      if (entry.elements.size() == 2 && entry.elements[1].elements.size() == 2)
        out.push_back(entry.elements[1].elements[1].str);
    return out;
  }
  std::vector<storage::DueItem> reminders() { return run(storage::scheduled_with_prefix(db(), "appt_remind:")).value(); }

  config::Config config_ = [] {
    config::Config c;
    c.center = test::configured_center();
    return c;
  }();
  std::unique_ptr<AppointmentPlanner> planner_ = std::make_unique<AppointmentPlanner>(config_.appointments, calendar_2026());
  Logger log_{LogLevel::off};
  int message_ = 0;
  std::string last_key_;
};

TEST_F(AppointmentFlowTest, AFreeTimeIsBookedWithWhereWhatToBringAndTheCardAndReminders) {
  auto const out = all_text(say("zhang", "book_appointment", "household_registration", "2026-11-26T15:00:00+08:00"));
  EXPECT_TRUE(has(out, "已为您预约")) << out;
  EXPECT_TRUE(has(out, "11月26日（周四）15:00-15:30")) << out;
  EXPECT_TRUE(has(out, config_.center.address)) << out;
  EXPECT_TRUE(has(out, "项材料（回复“材料”查看清单）")) << out;
  EXPECT_TRUE(has(out, "24 小时和 1 小时提醒您")) << out;
  auto const mine = of("zhang");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].slot_id, "public_security:20261126T1500");
  EXPECT_TRUE(has(out, "[改约|appt:move:" + mine[0].id + "]")) << out;
  EXPECT_TRUE(has(out, "[取消预约|appt:cancel:" + mine[0].id + "]")) << out;
  auto const items = reminders();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "appt_remind:" + mine[0].id + ":1440");
  EXPECT_EQ(items[0].due, duration_cast<milliseconds>(at("2026-11-25T15:00:00+08:00").time_since_epoch()).count());
  EXPECT_EQ(items[1].id, "appt_remind:" + mine[0].id + ":60");
}

TEST_F(AppointmentFlowTest, TheSameMessageHandledAgainBooksOnceAndAnswersTheSame) {
  AppointmentAsk a;
  a.intent = "book_appointment";
  a.service = "household_registration";
  a.datetime = "2026-11-27T10:00:00+08:00";
  a.user = "retry";
  a.at = at(kNow).time_since_epoch().count();
  a.request_key = "p3:1764036000000-0";
  auto const first = run(handle_appointment(desk(), a));
  auto const again = run(handle_appointment(desk(), a));
  ASSERT_TRUE(first && again);
  EXPECT_EQ(all_text(*first), all_text(*again));
  EXPECT_EQ(of("retry").size(), 1u);
  EXPECT_EQ(run(storage::slot_usage(db(), {"public_security:20261127T1000"})).value(), std::vector<int>{1});
}

TEST_F(AppointmentFlowTest, AFullSlotGetsTheNearestFreeTimesAndAPickBooksIt) {
  use_capacity(1);
  say("first", "book_appointment", "household_registration", "2026-11-26T15:00:00+08:00");
  auto const replies = say("second", "book_appointment", "household_registration", "2026-11-26T15:00:00+08:00");
  auto const out = all_text(replies);
  EXPECT_TRUE(has(out, "已约满")) << out;
  auto const offered = keys(replies);
  ASSERT_EQ(offered.size(), 3u) << out;
  // The three nearest (the earlier of two equally near first), shown in time order.
  EXPECT_EQ(offered[0], "appt:book:household_registration:public_security:20261126T1400");
  EXPECT_EQ(offered[1], "appt:book:household_registration:public_security:20261126T1430");
  EXPECT_EQ(offered[2], "appt:book:household_registration:public_security:20261126T1530");
  EXPECT_TRUE(of("second").empty());
  auto const booked = all_text(click("second", offered[2]));
  EXPECT_TRUE(has(booked, "已为您预约")) << booked;
  EXPECT_EQ(of("second").at(0).slot_id, "public_security:20261126T1530");
  // The taken slot is not offered again, and a click on a slot taken since says so.
  auto const third = say("third", "book_appointment", "household_registration", "2026-11-26T15:30:00+08:00");
  EXPECT_TRUE(has(all_text(third), "已约满"));
  auto const stale = all_text(click("fourth", offered[2]));
  EXPECT_TRUE(has(stale, "已约满")) << stale;
  EXPECT_TRUE(of("fourth").empty());
}

TEST_F(AppointmentFlowTest, RefusedTimesSayWhyAndOfferAlternatives) {
  // National Day: named, with the working days around it offered.
  auto holiday = say("h", "book_appointment", "household_registration", "2026-10-02T10:00:00+08:00",
                     "2026-09-28T10:00:00+08:00");
  auto text = all_text(holiday);
  EXPECT_TRUE(has(text, "国庆节假期，窗口不办公")) << text;
  ASSERT_FALSE(keys(holiday).empty());
  EXPECT_FALSE(has(text, "20261002T")) << text;
  EXPECT_TRUE(has(all_text(say("h", "book_appointment", "household_registration", "2026-11-28T10:00:00+08:00")),
                  "不是工作日"));
  EXPECT_TRUE(has(all_text(say("h", "book_appointment", "household_registration", "2026-11-26T12:30:00+08:00")),
                  "不在窗口办公时间内（09:00-12:00,13:30-17:30）"));
  EXPECT_TRUE(has(all_text(say("h", "book_appointment", "household_registration", "2026-11-24T10:00:00+08:00")),
                  "已经过去了"));
  EXPECT_TRUE(has(all_text(say("h", "book_appointment", "household_registration", "2026-11-25T11:00:00+08:00")),
                  "太近了"));
  EXPECT_TRUE(has(all_text(say("h", "book_appointment", "household_registration", "2026-12-25T10:00:00+08:00")),
                  "最晚可约到 12月9日"));
  EXPECT_TRUE(of("h").empty());
  auto const en = all_text(say("e", "book_appointment", "household_registration", "2026-11-28T10:00:00+08:00", kNow,
                               Language::en));
  EXPECT_TRUE(has(en, "is not a working day")) << en;
  EXPECT_TRUE(has(en, "Nearest free times")) << en;
}

TEST_F(AppointmentFlowTest, ADayWithoutATimeOffersItsFreeTimesAndNoTimeOffersTheNext) {
  auto const day = say("d", "book_appointment", "household_registration", "2026-11-27");
  auto const text = all_text(day);
  EXPECT_TRUE(has(text, "11月27日（周五）可约时段")) << text;
  auto const k = keys(day);
  ASSERT_EQ(k.size(), 6u);
  EXPECT_EQ(k.front(), "appt:book:household_registration:public_security:20261127T0900");
  auto const next = keys(say("d", "book_appointment", "household_registration"));
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next.front(), "appt:book:household_registration:public_security:20261125T1330");  // after the lead time
  EXPECT_TRUE(of("d").empty());
}

TEST_F(AppointmentFlowTest, NoServiceAsksWhichAndTheButtonKeepsTheTime) {
  auto const ask = say("s", "book_appointment", "", "2026-11-26T15:00:00+08:00");
  auto const k = keys(ask);
  ASSERT_EQ(k.size(), 5u) << all_text(ask);  // the in-person services
  auto const hukou = std::find(k.begin(), k.end(), "appt:svc:household_registration:2026-11-26T15:00:00+08:00");
  ASSERT_NE(hukou, k.end()) << all_text(ask);
  EXPECT_TRUE(has(all_text(click("s", *hukou)), "已为您预约"));
  EXPECT_EQ(of("s").at(0).slot_id, "public_security:20261126T1500");
}

TEST_F(AppointmentFlowTest, AServiceWithoutAVisitSaysSoAndBooksAConsultation) {
  auto const out = all_text(say("g", "book_appointment", "green_card", "2026-11-26T10:00:00+08:00"));
  EXPECT_TRUE(has(out, "无需本人到场")) << out;
  EXPECT_TRUE(has(out, "（当面咨询）")) << out;
  EXPECT_EQ(of("g").size(), 1u);
}

TEST_F(AppointmentFlowTest, MovingKeepsOneAppointmentAndMovesItsReminders) {
  say("m", "book_appointment", "household_registration", "2026-11-26T15:00:00+08:00");
  auto const id = of("m").at(0).id;
  auto const offer = click("m", "appt:move:" + id);
  auto const offered = keys(offer);
  ASSERT_FALSE(offered.empty()) << all_text(offer);
  EXPECT_TRUE(std::find(offered.begin(), offered.end(),
                        "appt:book:household_registration:public_security:20261126T1500") == offered.end());
  auto const moved = all_text(say("m", "reschedule_appointment", "", "2026-11-27T10:00:00+08:00"));
  EXPECT_TRUE(has(moved, "已为您改约")) << moved;
  auto const mine = of("m");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, id);
  EXPECT_EQ(mine[0].slot_id, "public_security:20261127T1000");
  auto const items = reminders();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].due, duration_cast<milliseconds>(at("2026-11-26T10:00:00+08:00").time_since_epoch()).count());
  EXPECT_EQ(run(storage::slot_usage(db(), {"public_security:20261126T1500"})).value(), std::vector<int>{0});
}

TEST_F(AppointmentFlowTest, AskingListsAndCancellingFreesTheSlotAndItsReminders) {
  EXPECT_TRUE(has(all_text(say("c", "query_appointment", "")), "没有待办的预约"));
  say("c", "book_appointment", "household_registration", "2026-11-26T15:00:00+08:00");
  auto const listed = all_text(say("c", "query_appointment", ""));
  EXPECT_TRUE(has(listed, "11月26日（周四）15:00-15:30")) << listed;
  EXPECT_TRUE(has(listed, "appt:cancel:")) << listed;
  auto const id = of("c").at(0).id;
  // Someone else's id: the same answer as none, and nothing cancelled.
  EXPECT_TRUE(has(all_text(click("intruder", "appt:cancel:" + id)), "没有待办的预约"));
  EXPECT_EQ(of("c").size(), 1u);
  auto const gone = all_text(say("c", "cancel_appointment", ""));
  EXPECT_TRUE(has(gone, "已取消预约 " + id)) << gone;
  EXPECT_TRUE(of("c").empty());
  EXPECT_TRUE(reminders().empty());
  EXPECT_TRUE(has(all_text(click("c", "appt:cancel:" + id)), "已取消"));
}

TEST_F(AppointmentFlowTest, CancellingANamedServiceNeverCancelsAnotherOne) {
  say("n", "book_appointment", "entry_exit_visa", "2026-11-26T15:00:00+08:00");
  AppointmentAsk a;
  a.intent = "cancel_appointment";
  a.service = "household_registration";
  a.named = "household_registration";  // "取消落户预约" with only a visa appointment
  auto const answer = handle(std::move(a), "n", kNow, Language::zh);
  EXPECT_EQ(of("n").size(), 1u) << all_text(answer);  // the visa appointment stays
  // A slot of another department's window is not booked for a service.
  auto const forged = all_text(click("n", "appt:book:household_registration:hrss:20261127T1500"));
  for (auto const& appt : of("n")) EXPECT_EQ(appt.service, "entry_exit_visa") << forged;
}

TEST_F(AppointmentFlowTest, SeveralAppointmentsAskWhichOne) {
  say("w", "book_appointment", "household_registration", "2026-11-26T15:00:00+08:00");
  say("w", "book_appointment", "medical_care", "2026-11-27T15:00:00+08:00");
  auto const which = say("w", "cancel_appointment", "");
  EXPECT_EQ(keys(which).size(), 2u) << all_text(which);
  EXPECT_EQ(of("w").size(), 2u);
  EXPECT_TRUE(has(all_text(say("w", "cancel_appointment", "medical_care")), "已取消预约"));
  EXPECT_EQ(of("w").size(), 1u);
}

TEST_F(AppointmentFlowTest, RemindersFireOnceAtTheirTimeAndNotForACancelledAppointment) {
  ManualClock clock{time_point_cast<milliseconds>(at(kNow))};
  Scheduler scheduler(ioc_.get_executor(), db(), clock, log_, SchedulerOptions{1s, 10min, 64});
  register_appointment_reminders(scheduler, db(), config_, clock, log_);
  say("r", "book_appointment", "household_registration", "2026-11-27T15:00:00+08:00");
  auto const id = of("r").at(0).id;
  EXPECT_EQ(run(scheduler.run_due()), 0u);
  clock.set(time_point_cast<milliseconds>(at("2026-11-26T15:00:00+08:00")) - 1s);
  EXPECT_EQ(run(scheduler.run_due()), 0u);
  EXPECT_TRUE(outbox("r").empty());
  clock.set(time_point_cast<milliseconds>(at("2026-11-26T15:00:00+08:00")));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_EQ(run(scheduler.run_due()), 0u);
  auto sent = outbox("r");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(has(sent[0], "预约提醒")) << sent[0];
  EXPECT_TRUE(has(sent[0], "24 小时后开始")) << sent[0];
  EXPECT_TRUE(has(sent[0], "11月27日（周五）15:00-15:30")) << sent[0];
  // Handled again (an instance died after pushing, before completing): pushed once all the same.
  auto const item_id = reminder_item_id(id, 24h);
  ASSERT_TRUE(run(storage::schedule(db(), item_id, clock.now().time_since_epoch().count(), reminder_payload(
      appointment_replies::Visit{id, "人才落户", "市公安局", config_.center.address,
                                 planner_->slot_from_id("public_security:20261127T1500").value()},
      "r", Language::zh))));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_EQ(outbox("r").size(), 1u);

  // Cancelled: its reminders are gone, and one that was already claimed elsewhere sends nothing.
  click("r", "appt:cancel:" + id, "2026-11-26T16:00:00+08:00");
  EXPECT_TRUE(reminders().empty());
  ASSERT_TRUE(run(storage::schedule(db(), reminder_item_id(id, 1h),
                                    duration_cast<milliseconds>(at("2026-11-27T14:00:00+08:00").time_since_epoch()).count(),
                                    reminder_payload(appointment_replies::Visit{id, "人才落户", "市公安局", "",
                                                         planner_->slot_from_id("public_security:20261127T1500").value()},
                                                     "r", Language::zh))));
  clock.set(time_point_cast<milliseconds>(at("2026-11-27T14:00:00+08:00")));
  EXPECT_EQ(run(scheduler.run_due()), 1u);
  EXPECT_EQ(outbox("r").size(), 1u);
}

}  // namespace
}  // namespace talentbot::bot
