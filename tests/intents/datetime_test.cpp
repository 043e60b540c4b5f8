#include "intents/datetime.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace talentbot::intents {
namespace {

using namespace std::chrono;

ReferenceTime at(const char* iso) {
  const auto now = parse_iso8601(iso);
  if (!now) throw std::invalid_argument(iso);
  return *now;
}

// What `talentbot nlu` would print for the mention: the ISO date-time, the date, or "-".
std::string resolved(const std::string& text, const ReferenceTime& now) {
  const auto m = extract_datetime(text, now);
  if (!m) return "-";
  return m->hour ? format_datetime(*m, now.utc_offset) : format_date(*m);
}

struct Case {
  const char* text;
  const char* expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.text; }

// ---- reference: Wednesday 2026-11-25 10:00 +08:00, the labelled data's "now" ----------------

constexpr const char* kWednesday = "2026-11-25T10:00:00+08:00";

class DateTimeChineseOnWednesday : public testing::TestWithParam<Case> {};

TEST_P(DateTimeChineseOnWednesday, ResolvesAsTheLabelledDataDoes) {
  EXPECT_EQ(resolved(GetParam().text, at(kWednesday)), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(DateTime, DateTimeChineseOnWednesday, testing::Values(
    Case{"明天", "2026-11-26"},
    Case{"明天下午三点", "2026-11-26T15:00:00+08:00"},
    Case{"后天9点半", "2026-11-27T09:30:00+08:00"},
    Case{"大后天", "2026-11-28"},
    Case{"体检约个大后天早上七点半", "2026-11-28T07:30:00+08:00"},
    Case{"今天下午4点半", "2026-11-25T16:30:00+08:00"},
    Case{"今晚8点", "2026-11-25T20:00:00+08:00"},
    Case{"明早九点", "2026-11-26T09:00:00+08:00"},
    Case{"明晚7点", "2026-11-26T19:00:00+08:00"},
    Case{"下周二上午10点", "2026-12-01T10:00:00+08:00"},
    Case{"下星期二", "2026-12-01"},
    Case{"下个礼拜二", "2026-12-01"},
    Case{"下下周三", "2026-12-09"},
    Case{"周五", "2026-11-27"},
    Case{"星期五", "2026-11-27"},
    Case{"礼拜五", "2026-11-27"},
    Case{"周三", "2026-12-02"},
    Case{"周日", "2026-11-29"},
    Case{"星期天", "2026-11-29"},
    Case{"周5", "2026-11-27"},
    Case{"这周五", "2026-11-27"},
    Case{"本周五", "2026-11-27"},
    Case{"这周一", "2026-11-30"},
    Case{"这周三", "2026-11-25"},
    Case{"周五下午", "2026-11-27"},
    Case{"下午两点半", "2026-11-25T14:30:00+08:00"},
    Case{"早上8点", "2026-11-26T08:00:00+08:00"},
    Case{"3点", "2026-11-25T15:00:00+08:00"},
    Case{"三点", "2026-11-25T15:00:00+08:00"},
    Case{"15点", "2026-11-25T15:00:00+08:00"},
    Case{"15:00", "2026-11-25T15:00:00+08:00"},
    Case{"3:00", "2026-11-25T15:00:00+08:00"},
    Case{"9点", "2026-11-26T09:00:00+08:00"},
    Case{"10点", "2026-11-26T10:00:00+08:00"},
    Case{"11点", "2026-11-25T11:00:00+08:00"},
    Case{"12点", "2026-11-25T12:00:00+08:00"},
    Case{"中午12点", "2026-11-25T12:00:00+08:00"},
    Case{"中午1点", "2026-11-25T13:00:00+08:00"},
    Case{"两点一刻", "2026-11-25T14:15:00+08:00"},
    Case{"三点三刻", "2026-11-25T15:45:00+08:00"},
    Case{"10点20分", "2026-11-25T10:20:00+08:00"},
    Case{"10:20", "2026-11-25T10:20:00+08:00"},
    Case{"十点半", "2026-11-25T10:30:00+08:00"},
    Case{"三点零五分", "2026-11-25T15:05:00+08:00"},
    Case{"3点05", "2026-11-25T15:05:00+08:00"},
    Case{"二十点", "2026-11-25T20:00:00+08:00"},
    Case{"晚上9点", "2026-11-25T21:00:00+08:00"},
    Case{"傍晚6点", "2026-11-25T18:00:00+08:00"},
    Case{"凌晨3点", "2026-11-26T03:00:00+08:00"},
    Case{"晚上12点", "2026-11-26T00:00:00+08:00"},
    Case{"明天一点", "2026-11-26T13:00:00+08:00"},
    Case{"11月28号", "2026-11-28"},
    Case{"11月28日", "2026-11-28"},
    Case{"11月28号14:00", "2026-11-28T14:00:00+08:00"},
    Case{"11/28", "2026-11-28"},
    Case{"11-28", "2026-11-28"},
    Case{"十一月二十八号", "2026-11-28"},
    Case{"28号", "2026-11-28"},
    Case{"20号", "2026-12-20"},
    Case{"31号", "2026-12-31"},
    Case{"1月5日", "2027-01-05"},
    Case{"2026-12-03", "2026-12-03"},
    Case{"2026年12月3日", "2026-12-03"},
    Case{"2026年12月3日下午3点", "2026-12-03T15:00:00+08:00"},
    Case{"明年1月5日", "2027-01-05"},
    Case{"下个月5号", "2026-12-05"},
    Case{"三天后", "2026-11-28"},
    Case{"约12月1号早上9点", "2026-12-01T09:00:00+08:00"},
    Case{"星期四下午三点能过去吗", "2026-11-26T15:00:00+08:00"},
    Case{"下週二下午兩點", "2026-12-01T14:00:00+08:00"},
    Case{"預約這週五上午九點", "2026-11-27T09:00:00+08:00"},
    Case{"１１月２８号１４：００", "2026-11-28T14:00:00+08:00"},
    Case{"明天，下午三点", "2026-11-26T15:00:00+08:00"},
    Case{"我想约明天。10点可以吗", "2026-11-26T10:00:00+08:00"},
    Case{"我想约明天.10点可以吗", "2026-11-26T10:00:00+08:00"},
    Case{"11月27日（周五）下午3点", "2026-11-27T15:00:00+08:00"},
    Case{"请问一下周五可以吗", "2026-11-27"},
    Case{"12.1号", "2026-12-01"},
    Case{"12.1上午", "2026-12-01"},
    Case{"九点整", "2026-11-26T09:00:00+08:00"},
    Case{"一点前", "2026-11-25T13:00:00+08:00"},
    Case{"半夜12点", "2026-11-26T00:00:00+08:00"},
    Case{"明天下午或者后天上午", "2026-11-26"}));

// A second day named as the new one in a change or a refusal is the day the talent wants.
class DateTimeRescheduleOnWednesday : public testing::TestWithParam<Case> {};

TEST_P(DateTimeRescheduleOnWednesday, PicksTheNewDay) {
  EXPECT_EQ(resolved(GetParam().text, at(kWednesday)), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(DateTime, DateTimeRescheduleOnWednesday, testing::Values(
    Case{"明天去不了了 改到后天吧", "2026-11-27"},
    Case{"约的周四 改成周五行不行", "2026-11-27"},
    Case{"把明天上午的号改到下午4点", "2026-11-26T16:00:00+08:00"},
    Case{"明天不行 后天呢", "2026-11-27"},
    Case{"明天晚上7点没空，8点呢", "2026-11-26T20:00:00+08:00"},
    Case{"i can't make it tomorrow, can we do friday instead", "2026-11-27"},
    Case{"Can we do Friday instead of tomorrow?", "2026-11-27"},
    Case{"Please move my Friday appointment to next Monday at 9am", "2026-11-30T09:00:00+08:00"},
    Case{"明天下午3点的预约", "2026-11-26T15:00:00+08:00"}));

class DateTimeEnglishOnWednesday : public testing::TestWithParam<Case> {};

TEST_P(DateTimeEnglishOnWednesday, ResolvesAsTheLabelledDataDoes) {
  EXPECT_EQ(resolved(GetParam().text, at(kWednesday)), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(DateTime, DateTimeEnglishOnWednesday, testing::Values(
    Case{"tomorrow", "2026-11-26"},
    Case{"tomorrow 3pm", "2026-11-26T15:00:00+08:00"},
    Case{"Tomorrow AT 3 P.M.", "2026-11-26T15:00:00+08:00"},
    Case{"today at 4:30 pm", "2026-11-25T16:30:00+08:00"},
    Case{"tonight at 8", "2026-11-25T20:00:00+08:00"},
    Case{"day after tomorrow", "2026-11-27"},
    Case{"the day after tomorrow at 3:30 pm", "2026-11-27T15:30:00+08:00"},
    Case{"next Tuesday 10am", "2026-12-01T10:00:00+08:00"},
    Case{"Tuesday", "2026-12-01"},
    Case{"on Friday", "2026-11-27"},
    Case{"Fri", "2026-11-27"},
    Case{"this Friday", "2026-11-27"},
    Case{"this Monday", "2026-11-30"},
    Case{"next Friday", "2026-12-04"},
    Case{"Tuesday next week", "2026-12-01"},
    Case{"Nov 28", "2026-11-28"},
    Case{"November 28th", "2026-11-28"},
    Case{"28 Nov", "2026-11-28"},
    Case{"Nov 28 at 2:30 pm", "2026-11-28T14:30:00+08:00"},
    Case{"12/3", "2026-12-03"},
    Case{"Jan 5", "2027-01-05"},
    Case{"the 3rd of January", "2027-01-03"},
    Case{"at 3pm", "2026-11-25T15:00:00+08:00"},
    Case{"3 pm", "2026-11-25T15:00:00+08:00"},
    Case{"3:30pm", "2026-11-25T15:30:00+08:00"},
    Case{"10am", "2026-11-26T10:00:00+08:00"},
    Case{"10.30am", "2026-11-25T10:30:00+08:00"},
    Case{"noon", "2026-11-25T12:00:00+08:00"},
    Case{"tomorrow at noon", "2026-11-26T12:00:00+08:00"},
    Case{"tomorrow at 10 in the morning", "2026-11-26T10:00:00+08:00"},
    Case{"tomorrow 9 pm", "2026-11-26T21:00:00+08:00"},
    Case{"at 3", "2026-11-25T15:00:00+08:00"},
    Case{"degree verification, book me for Monday at 11", "2026-11-30T11:00:00+08:00"},
    Case{"Can I come in on Dec 3rd at 10 am?", "2026-12-03T10:00:00+08:00"},
    Case{"December 3rd, 2026 at 15:00", "2026-12-03T15:00:00+08:00"},
    Case{"in 3 days", "2026-11-28"},
    Case{"Friday 27 November", "2026-11-27"},
    Case{"half past 2", "2026-11-25T14:30:00+08:00"},
    Case{"3 o'clock", "2026-11-25T15:00:00+08:00"},
    Case{"2026-12-03T15:00", "2026-12-03T15:00:00+08:00"},
    Case{"Can I switch to 11 am tomorrow instead?", "2026-11-26T11:00:00+08:00"}));

// ---- reference: Sunday evening 2026-11-29 20:00 +08:00 -------------------------------------

class DateTimeOnSundayEvening : public testing::TestWithParam<Case> {};

TEST_P(DateTimeOnSundayEvening, CountsWeeksFromMonday) {
  EXPECT_EQ(resolved(GetParam().text, at("2026-11-29T20:00:00+08:00")), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(DateTime, DateTimeOnSundayEvening, testing::Values(
    Case{"明天", "2026-11-30"},
    Case{"周五", "2026-12-04"},
    Case{"周日", "2026-12-06"},
    Case{"这周日", "2026-11-29"},
    Case{"这周五", "2026-12-04"},
    Case{"下周二", "2026-12-01"},
    Case{"next Monday", "2026-11-30"},
    Case{"8点", "2026-11-30T08:00:00+08:00"},
    Case{"晚上9点", "2026-11-29T21:00:00+08:00"},
    Case{"下午3点", "2026-11-30T15:00:00+08:00"},
    Case{"28号", "2026-12-28"},
    Case{"tonight at 9", "2026-11-29T21:00:00+08:00"}));

// ---- reference: New Year's Eve 2026-12-31 16:00 +08:00, a Thursday --------------------------

class DateTimeOnNewYearsEve : public testing::TestWithParam<Case> {};

TEST_P(DateTimeOnNewYearsEve, RollsIntoNextYear) {
  EXPECT_EQ(resolved(GetParam().text, at("2026-12-31T16:00:00+08:00")), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(DateTime, DateTimeOnNewYearsEve, testing::Values(
    Case{"明天", "2027-01-01"},
    Case{"后天上午10点", "2027-01-02T10:00:00+08:00"},
    Case{"1月5日", "2027-01-05"},
    Case{"12月31日", "2026-12-31"},
    Case{"12月30日", "2027-12-30"},
    Case{"28号", "2027-01-28"},
    Case{"下周一", "2027-01-04"},
    Case{"周五", "2027-01-01"},
    Case{"3点", "2027-01-01T15:00:00+08:00"},
    Case{"next Friday", "2027-01-08"},
    Case{"Jan 2 at 9am", "2027-01-02T09:00:00+08:00"},
    Case{"下个月5号", "2027-01-05"},
    Case{"2月29日", "2028-02-29"}));

// ---- things that are not dates or times --------------------------------------------------------

class DateTimeNotAMention : public testing::TestWithParam<const char*> {};

TEST_P(DateTimeNotAMention, FindsNothing) { EXPECT_EQ(resolved(GetParam(), at(kWednesday)), "-") << GetParam(); }

INSTANTIATE_TEST_SUITE_P(DateTime, DateTimeNotAMention, testing::Values(
    "需要准备3个材料", "第三条怎么理解", "案件号GC20261124-0007进度如何", "gc 20261124 0007", "GC202611240007",
    "我的电话是138-0013-8000", "手机 +86 138 0013 8000", "身份证11010519491231002X", "提两点建议",
    "我有一点问题想问", "交材料一个多月了一点消息都没有", "能快一点吗", "一周一次", "上周五提交的",
    "每周一开放吗", "人社部发〔2018〕2号文", "到3号窗口办理", "15日内办结", "1-2个工作日",
    "3-5 working days", "I have 3 documents", "May I ask a question", "收费3.5万", "三点五万",
    "我2018年12月回国", "2026年", "下周", "下午", "good morning", "25点", "2月30日", "3.5", "版本1.2",
    "涨了1.5倍", "我是3月份来的", "30岁以下"));

// ---- the byte range points at the mention in the raw text --------------------------------------

TEST(DateTimeRange, CoversTheMentionInTheOriginalBytes) {
  const auto now = at(kWednesday);
  for (const auto& [text, mention] : {std::pair<std::string, std::string>{"请帮我约明天下午三点，谢谢", "明天下午三点"},
                                      {"约１１月２８号上午", "１１月２８号上午"},
                                      {"Can I come Nov 28 at 2:30 pm?", "Nov 28 at 2:30 pm"},
                                      {"Friday 27 November works", "Friday 27 November"}}) {
    const auto m = extract_datetime(text, now);
    ASSERT_TRUE(m) << text;
    EXPECT_EQ(text.substr(m->begin, m->end - m->begin), mention);
  }
}

TEST(DateTimeRange, DayOnlyLeavesTheClockEmpty) {
  const auto m = extract_datetime("周五", at(kWednesday));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->hour);
  EXPECT_FALSE(m->minute);
}

// ---- the user's own calendar ----------------------------------------------------------------

TEST(DateTimeOffset, UsesTheCalendarOfTheUsersOffset) {
  // 03:00 UTC on the 26th is still the evening of the 25th in New York.
  const auto new_york = at("2026-11-25T22:00:00-05:00");
  EXPECT_EQ(resolved("tomorrow 9am", new_york), "2026-11-26T09:00:00-05:00");
  EXPECT_EQ(resolved("today", new_york), "2026-11-25");
  const auto utc = at("2026-11-25T02:00:00Z");
  EXPECT_EQ(resolved("明天下午三点", utc), "2026-11-26T15:00:00+00:00");
}

// ---- ISO 8601 -------------------------------------------------------------------------------

TEST(DateTimeIso, ParsesOffsetZuluAndOptionalSeconds) {
  const auto beijing = parse_iso8601("2026-11-25T10:00:00+08:00");
  ASSERT_TRUE(beijing);
  EXPECT_EQ(beijing->instant, sys_days{2026y / November / 25} + 2h);
  EXPECT_EQ(beijing->utc_offset, 8h);
  const auto zulu = parse_iso8601("2026-11-25T02:00:00Z");
  ASSERT_TRUE(zulu);
  EXPECT_EQ(zulu->instant, beijing->instant);
  EXPECT_EQ(zulu->utc_offset, 0min);
  const auto no_seconds = parse_iso8601("2026-11-25T10:00+08:00");
  ASSERT_TRUE(no_seconds);
  EXPECT_EQ(no_seconds->instant, beijing->instant);
  const auto compact = parse_iso8601("2026-11-25 10:00:00.250+0800");
  ASSERT_TRUE(compact);
  EXPECT_EQ(compact->instant, beijing->instant);
  const auto india = parse_iso8601("2026-11-25T07:30:00+05:30");
  ASSERT_TRUE(india);
  EXPECT_EQ(india->instant, beijing->instant);
  EXPECT_EQ(india->utc_offset, 330min);
}

TEST(DateTimeIso, RejectsImpossibleFields) {
  for (const char* bad : {"", "garbage", "2026-13-01T10:00:00Z", "2026-02-30T10:00:00Z", "2026-11-25T24:00:00Z",
                          "2026-11-25T10:60:00Z", "2026-11-25T10:00:00+19:00", "2026-11-25T10:00:00+08:00 junk",
                          "2026/11/25T10:00:00Z", "2026-11-25T1:00:00Z"}) {
    EXPECT_FALSE(parse_iso8601(bad)) << bad;
  }
}

TEST(DateTimeFormat, WritesIsoWithTheOffset) {
  DateTimeMention m{2026, 11, 26, 15, 0, 0, 0};
  EXPECT_EQ(format_datetime(m, 8h), "2026-11-26T15:00:00+08:00");
  EXPECT_EQ(format_datetime(m, -330min), "2026-11-26T15:00:00-05:30");
  EXPECT_EQ(format_datetime(m, 0min), "2026-11-26T15:00:00+00:00");
  DateTimeMention day{2027, 1, 5, std::nullopt, std::nullopt, 0, 0};
  EXPECT_EQ(format_date(day), "2027-01-05");
  EXPECT_EQ(format_datetime(day, 8h), "2027-01-05T00:00:00+08:00");
}

// ---- speed: printed, not asserted (shared CI machines are noisy) -----------------------------

TEST(DateTimeSpeed, HundredCharacterMessageIsFast) {
  // 100 characters, the length of a talent's typical paragraph.
  const std::string message =
      "您好，我是去年从海外引进的高层次人才，之前在市人才交流中心办理过人才认定和英才卡，现在想预约下周二上午10点"
      "去窗口提交落户材料，顺便问一下需要带哪些原件和复印件，是否还需要单位盖章呢，麻烦您谢谢您了！";
  const auto now = at(kWednesday);
  constexpr int kRounds = 2000;
  int found = 0;
  const auto start = steady_clock::now();
  for (int k = 0; k < kRounds; ++k) found += extract_datetime(message, now) ? 1 : 0;
  const auto per_call = duration<double, std::micro>(steady_clock::now() - start) / kRounds;
  EXPECT_EQ(found, kRounds);
#ifdef NDEBUG
  constexpr const char* kBuild = "optimised build";
#else
  constexpr const char* kBuild = "unoptimised debug build";
#endif
  std::printf("[ timing   ] extract_datetime, 100 characters: %.2f us per call (%s)\n", per_call.count(), kBuild);
}

}  // namespace
}  // namespace talentbot::intents
