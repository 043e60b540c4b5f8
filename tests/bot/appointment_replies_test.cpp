// What a talent reads about appointments, and the card keys that come back from clicks.
#include <gtest/gtest.h>

#include "bot/appointment_replies.hpp"
#include "intents/datetime.hpp"

namespace talentbot::bot::appointment_replies {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

sys_seconds at(std::string const& iso) { return intents::parse_iso8601(iso).value().instant; }
bool has(std::string const& s, std::string const& part) { return s.find(part) != std::string::npos; }

Slot slot_at(std::string const& iso) { return Slot{"public_security", at(iso), at(iso) + 30min}; }

Visit visit(std::string address = "测试大道100号") {
  return Visit{"AP000007", "人才落户", "市公安局", std::move(address), slot_at("2026-11-27T15:00:00+08:00")};
}

TEST(AppointmentReplies, ButtonKeysRoundTripAndForeignKeysAreRefused) {
  auto const book = parse_button(book_key("household_registration", "public_security:20261127T1500"));
  ASSERT_TRUE(book);
  EXPECT_EQ(book->action, Button::Action::book);
  EXPECT_EQ(book->service, "household_registration");
  EXPECT_EQ(book->slot_id, "public_security:20261127T1500");
  auto const svc = parse_button(service_key("medical_care", "2026-11-27T15:00:00+08:00"));
  ASSERT_TRUE(svc);
  EXPECT_EQ(svc->action, Button::Action::service);
  EXPECT_EQ(svc->when, "2026-11-27T15:00:00+08:00");
  EXPECT_EQ(parse_button("appt:svc:medical_care")->when, "");
  EXPECT_EQ(parse_button("appt:cancel:AP000007")->appointment, "AP000007");
  EXPECT_EQ(parse_button("appt:move:AP000007")->action, Button::Action::move);
  for (auto const* bad : {"svc:green_card", "appt:", "appt:book:household_registration", "appt:drop:x", "appt:cancel:"})
    EXPECT_FALSE(parse_button(bad)) << bad;
}

TEST(AppointmentReplies, TheConfirmationSaysWhatWhenWhereWhatToBringAndTheReminders) {
  auto const zh = confirmation(visit(), false, 7, false, {24h, 1h}, Language::zh);
  for (auto const* part : {"已为您预约", "AP000007", "人才落户", "11月27日（周五）15:00-15:30", "市公安局 窗口，测试大道100号",
                           "7 项材料（回复“材料”查看清单）", "24 小时和 1 小时提醒您"})
    EXPECT_TRUE(has(zh, part)) << part << "\n" << zh;
  EXPECT_FALSE(has(zh, "当面咨询"));
  auto const en = confirmation(visit(""), true, 0, true, {}, Language::en);
  EXPECT_TRUE(has(en, "Your appointment is moved.")) << en;
  EXPECT_TRUE(has(en, "(consultation)")) << en;
  EXPECT_TRUE(has(en, "Place: 市公安局 window\n")) << en;  // no address configured: none invented
  EXPECT_FALSE(has(en, "remind")) << en;
  auto const card = manage_card("AP000007", Language::zh);
  ASSERT_EQ(card.buttons.size(), 2u);
  EXPECT_EQ(card.buttons[0].key, "appt:move:AP000007");
  EXPECT_EQ(card.buttons[1].key, "appt:cancel:AP000007");
}

TEST(AppointmentReplies, RefusalsNameTheReason) {
  Verdict holiday;
  holiday.refusal = Refusal::not_working_day;
  holiday.holiday = "国庆节 National Day";
  EXPECT_EQ(refusal(holiday, false, "10月2日", "", Language::zh), "10月2日 是国庆节假期，窗口不办公。");
  EXPECT_TRUE(has(refusal(holiday, false, "2 Oct", "", Language::en), "National Day, a public holiday"));
  Verdict soon;
  soon.refusal = Refusal::too_soon;
  soon.earliest = at("2026-11-25T12:00:00+08:00");
  EXPECT_TRUE(has(refusal(soon, false, "", "", Language::zh), "最早可约 11月25日 12:00 之后"));
  Verdict hours;
  hours.refusal = Refusal::outside_hours;
  EXPECT_TRUE(has(refusal(hours, false, "12:30", "09:00-12:00,13:30-17:30", Language::zh), "（09:00-12:00,13:30-17:30）"));
  EXPECT_EQ(refusal({}, true, "11月27日 15:00", "", Language::zh), "11月27日 15:00 已约满。");
}

TEST(AppointmentReplies, OfferedTimesAreNumberedButtonsOfAtMostSix) {
  std::vector<Slot> slots;
  for (int i = 0; i < 8; ++i) slots.push_back(slot_at("2026-11-27T09:00:00+08:00"));
  for (int i = 0; i < 8; ++i) slots[i].start += minutes(30 * i), slots[i].end += minutes(30 * i);
  auto const out = offer_slots("可约：", slots, "household_registration", Language::zh);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(has(out[0].content, "\n1. 11月27日（周五）09:00-09:30")) << out[0].content;
  EXPECT_TRUE(has(out[0].content, "\n6. ")) << out[0].content;
  EXPECT_FALSE(has(out[0].content, "\n7. ")) << out[0].content;
  ASSERT_EQ(out[1].buttons.size(), 6u);
  EXPECT_EQ(out[1].buttons[0].text, "11月27日 09:00");
  EXPECT_EQ(out[1].buttons[0].key, "appt:book:household_registration:public_security:20261127T0900");
  auto const none = offer_slots("", {}, "household_registration", Language::en);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_TRUE(has(none[0].content, "No free times soon"));
}

TEST(AppointmentReplies, TheReminderSaysHowSoonWhenAndWhere) {
  auto const zh = reminder(visit(), 24h, Language::zh);
  EXPECT_TRUE(has(zh, "预约提醒")) << zh;
  EXPECT_TRUE(has(zh, "24 小时后开始，11月27日（周五）15:00-15:30")) << zh;
  EXPECT_TRUE(has(zh, "测试大道100号")) << zh;
  auto const en = reminder(visit(), 30min, Language::en);
  EXPECT_TRUE(has(en, "is in 30 minutes, Fri 27 Nov, 15:00-15:30")) << en;
}

}  // namespace
}  // namespace talentbot::bot::appointment_replies
