// Booking a window appointment through the simulator in Chinese and English: the real bot, Redis
// and WeCom protocol, on real time (dates are picked relative to today in China).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/support/stack.hpp"
#include "tests/support/talent.hpp"

namespace talentbot {
namespace {

using namespace std::chrono;
using test::Talent;

bool has(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

// The n-th weekday counted from the day after tomorrow in China: past the lead time at any hour
// of a run and well within the fortnight that can be booked.
year_month_day weekday_ahead(int n) {
  auto d = floor<days>(system_clock::now() + hours(8)) + days(2);
  for (;; d += days(1)) {
    weekday const w{d};
    if (w != Saturday && w != Sunday && n-- == 0) return year_month_day{d};
  }
}

std::string zh(year_month_day d) {  // "12月1日"
  return std::to_string(unsigned(d.month())) + "月" + std::to_string(unsigned(d.day())) + "日";
}

std::string en(year_month_day d) {  // "December 1"
  static constexpr char const* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
  return std::string(kMonths[unsigned(d.month()) - 1]) + " " + std::to_string(unsigned(d.day()));
}

std::string iso(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
  return buf;
}

std::string first_match(std::string const& text, std::string const& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m.str(1) : std::string();
}

// A holiday calendar whose only day off is `day`, for a refusal that names a holiday on real time.
std::string holiday_dir(year_month_day day) {
  auto const dir = std::filesystem::temp_directory_path() / ("talentbot-holidays-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (std::to_string(int(day.year())) + ".yaml"))
      << "year: " << int(day.year()) << "\nsource: test\nreview: false\nholidays:\n"
      << "  - name: 测试节 Test Day\n    off: [" << iso(day) << ", " << iso(day) << "]\n";
  return dir.string();
}

constexpr char kAddress[] = "市行政审批服务中心三楼";

TEST(AppointmentEndToEnd, BookAskMoveAndCancelInChineseAndEnglish) {
  test::Stack stack(test::Stack::Env{{"TALENTBOT_CENTER_ADDRESS", kAddress}});
  auto const first = weekday_ahead(0), second = weekday_ahead(1);
  Talent talent(stack, "talent_appt_zh");
  auto const booked = talent.say(zh(first) + "下午三点去办落户");
  EXPECT_TRUE(has(booked, "已为您预约")) << booked << stack.bot().log();
  EXPECT_TRUE(has(booked, zh(first) + "（")) << booked;
  EXPECT_TRUE(has(booked, "15:00-15:30")) << booked;
  EXPECT_TRUE(has(booked, kAddress)) << booked;
  EXPECT_TRUE(has(booked, "回复“材料”查看清单")) << booked;
  auto const id = first_match(booked, "预约号：(AP[0-9]{6})");
  ASSERT_FALSE(id.empty()) << booked;

  EXPECT_TRUE(has(talent.say("我约的是几点"), zh(first) + "（")) << id;
  auto const offer = talent.click("appt:move:" + id);  // the 改约 button of the confirmation card
  EXPECT_TRUE(has(offer, "请问改到什么时间")) << offer;
  auto const moved = talent.say("改到" + zh(second) + "上午十点");
  EXPECT_TRUE(has(moved, "已为您改约")) << moved;
  EXPECT_TRUE(has(moved, zh(second) + "（")) << moved;
  EXPECT_TRUE(has(moved, "10:00-10:30")) << moved;
  EXPECT_TRUE(has(moved, id)) << moved;  // the same appointment, moved
  auto const gone = talent.click("appt:cancel:" + id);  // 取消预约 on the new confirmation card
  EXPECT_TRUE(has(gone, "已取消预约 " + id)) << gone;
  EXPECT_TRUE(has(talent.say("我约的是几点"), "没有待办的预约"));

  Talent english(stack, "talent_appt_en");
  auto const en_booked = english.say("book an appointment for hukou on " + en(first) + " at 3pm");
  EXPECT_TRUE(has(en_booked, "Your appointment is booked.")) << en_booked;
  EXPECT_TRUE(has(en_booked, "15:00-15:30")) << en_booked;
  EXPECT_TRUE(has(english.say("what time is my appointment?"), "Your appointments:"));
  EXPECT_TRUE(has(english.say("cancel my appointment"), "is cancelled"));
}

TEST(AppointmentEndToEnd, AHolidayAndAFullSlotGetAlternativesAndAButtonBooksOne) {
  auto const holiday = weekday_ahead(1), day = weekday_ahead(2);
  test::Stack stack(
      test::Stack::Env{{"TALENTBOT_APPOINTMENTS_CAPACITY", "1"}, {"TALENTBOT_CALENDAR_HOLIDAYS_DIR", holiday_dir(holiday)}});
  Talent talent(stack, "talent_appt_holiday");
  auto const refused = talent.say(zh(holiday) + "上午十点预约落户");
  EXPECT_TRUE(has(refused, "是测试节假期，窗口不办公")) << refused << stack.bot().log();
  auto const pick = first_match(refused, "\"key\":\"(appt:book:[^\"]+)\"");
  ASSERT_FALSE(pick.empty()) << refused;
  EXPECT_FALSE(has(pick, iso(holiday).substr(0, 4) + iso(holiday).substr(5, 2) + iso(holiday).substr(8, 2) + "T"));
  EXPECT_TRUE(has(talent.click(pick), "已为您预约"));

  Talent a(stack, "talent_appt_a"), b(stack, "talent_appt_b");
  EXPECT_TRUE(has(a.say(zh(day) + "下午三点去办落户"), "已为您预约"));
  auto const full = b.say(zh(day) + "下午三点去办落户");
  EXPECT_TRUE(has(full, "已约满")) << full;
  auto const alternative = first_match(full, "\"key\":\"(appt:book:[^\"]+)\"");
  ASSERT_FALSE(alternative.empty()) << full;
  auto const got = b.click(alternative);
  EXPECT_TRUE(has(got, "已为您预约")) << got;
  EXPECT_FALSE(has(got, "15:00-15:30")) << got;  // A's place stays A's
}

}  // namespace
}  // namespace talentbot
