// The working-day calendar: 2026 as the State Council published it, the counting rules case
// deadlines rely on, the policy outside loaded years, and strict loading of the YAML files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bot/calendar.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot::bot {
namespace {

using namespace std::chrono;

year_month_day d(std::string_view text) { return parse_date(text).value(); }

WorkingCalendar const& calendar_2026() {
  static WorkingCalendar const calendar = WorkingCalendar::load(TALENTBOT_SOURCE_DIR "/deploy/holidays");
  return calendar;
}

std::string load_error(std::string const& file_name, std::string const& text) {
  auto const dir = test::make_temp_dir();
  std::ofstream(dir + "/" + file_name) << text;
  try {
    WorkingCalendar::load(dir);
  } catch (CalendarError const& e) {
    std::filesystem::remove_all(dir);
    return e.what();
  }
  std::filesystem::remove_all(dir);
  return "";
}

TEST(WorkingCalendar, ShippedFileCovers2026AndIsReviewed) {
  auto const& c = calendar_2026();
  EXPECT_TRUE(c.covers(year{2026}));
  EXPECT_FALSE(c.covers(year{2027}));
  EXPECT_FALSE(c.needs_review());
}

TEST(WorkingCalendar, PublicHolidaysOf2026AreDaysOff) {
  auto const& c = calendar_2026();
  for (auto day : {"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-04",
                   "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07"}) {
    EXPECT_FALSE(c.is_working_day(d(day))) << day;
    EXPECT_EQ(c.kind(d(day)), WorkingCalendar::DayKind::holiday) << day;
  }
  EXPECT_EQ(c.holiday_name(d("2026-02-17")), "春节 Spring Festival");
  EXPECT_EQ(c.holiday_name(d("2026-03-17")), "");
}

TEST(WorkingCalendar, MakeUpWorkdaysOf2026AreWorkingDays) {
  auto const& c = calendar_2026();
  for (auto day : {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}) {
    EXPECT_TRUE(c.is_working_day(d(day))) << day;
    EXPECT_EQ(c.kind(d(day)), WorkingCalendar::DayKind::make_up_workday) << day;
  }
}

TEST(WorkingCalendar, OrdinaryWeekdaysWorkAndWeekendsRest) {
  auto const& c = calendar_2026();
  EXPECT_TRUE(c.is_working_day(d("2026-11-24")));   // Tuesday
  EXPECT_FALSE(c.is_working_day(d("2026-11-28")));  // Saturday
  EXPECT_FALSE(c.is_working_day(d("2026-11-29")));  // Sunday
}

TEST(WorkingCalendar, Year2026Has248WorkingDays) {
  // 261 weekdays, 19 of them holidays, 6 make-up Saturdays and Sundays.
  EXPECT_EQ(calendar_2026().working_days_between(d("2025-12-31"), d("2026-12-31")), 248);
}

TEST(WorkingCalendar, DeadlineDoesNotCountTheDayOfReceipt) {
  auto const& c = calendar_2026();
  EXPECT_EQ(c.add_working_days(d("2026-11-24"), 1), d("2026-11-25"));
  EXPECT_EQ(c.add_working_days(d("2026-11-27"), 1), d("2026-11-30"));  // Friday → Monday
  EXPECT_EQ(c.add_working_days(d("2026-11-28"), 1), d("2026-11-30"));  // received on a Saturday
  EXPECT_EQ(c.add_working_days(d("2026-11-24"), 0), d("2026-11-24"));
}

TEST(WorkingCalendar, DeadlineSkipsHolidaysAndCountsMakeUpWorkdays) {
  auto const& c = calendar_2026();
  EXPECT_EQ(c.add_working_days(d("2026-02-13"), 1), d("2026-02-14"));  // the make-up Saturday
  EXPECT_EQ(c.add_working_days(d("2026-02-13"), 2), d("2026-02-24"));  // over the Spring Festival
  EXPECT_EQ(c.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
  EXPECT_EQ(c.add_working_days(d("2026-09-30"), 3), d("2026-10-10"));
  EXPECT_EQ(c.add_working_days(d("2026-12-31"), 20), d("2027-01-28"));  // into an unloaded year
}

TEST(WorkingCalendar, NegativeCountGoesBack) {
  auto const& c = calendar_2026();
  EXPECT_EQ(c.add_working_days(d("2026-02-24"), -1), d("2026-02-14"));
  EXPECT_EQ(c.add_working_days(d("2026-10-08"), -1), d("2026-09-30"));
}

TEST(WorkingCalendar, WorkingDaysBetweenInvertsAddWorkingDays) {
  auto const& c = calendar_2026();
  for (auto start = sys_days{d("2025-12-20")}; start < sys_days{d("2027-01-10")}; start += days{7}) {
    for (int n : {0, 1, 2, 5, 10, 15, 20, 30}) {
      auto const end = c.add_working_days(year_month_day{start}, n);
      EXPECT_EQ(c.working_days_between(year_month_day{start}, end), n);
      EXPECT_EQ(c.working_days_between(end, year_month_day{start}), -n);
    }
  }
  EXPECT_EQ(c.working_days_between(d("2026-02-13"), d("2026-02-23")), 1);  // only the 14th
}

TEST(WorkingCalendar, OutsideLoadedYearsOnlyWeekendsRest) {
  auto const& c = calendar_2026();
  EXPECT_TRUE(c.is_working_day(d("2027-01-01")));  // a holiday in reality: callers warn via covers()
  EXPECT_FALSE(c.is_working_day(d("2027-01-02")));
  WorkingCalendar const empty;
  EXPECT_TRUE(empty.is_working_day(d("2026-10-01")));
  EXPECT_FALSE(empty.covers(year{2026}));
}

TEST(WorkingCalendar, DatesFormatAndParse) {
  EXPECT_EQ(format_date(d("2026-02-14")), "2026-02-14");
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-2-14"));
  EXPECT_FALSE(parse_date("2026/02/14"));
  // 2025-12-31 16:30 UTC is already New Year's Day in China.
  EXPECT_EQ(local_date(1767198600), d("2026-01-01"));
  EXPECT_EQ(local_date(1767198600, minutes{0}), d("2025-12-31"));
}

constexpr char kGood[] =
    "year: 2031\n"
    "source: test\n"
    "holidays:\n"
    "  - name: A\n"
    "    off: [2031-01-01]\n";

TEST(WorkingCalendarLoad, AcceptsAMinimalYear) { EXPECT_EQ(load_error("2031.yaml", kGood), ""); }

TEST(WorkingCalendarLoad, UnknownKeyNamesFileAndLine) {
  auto const e = load_error("2031.yaml", std::string(kGood) + "    workday: [2031-01-04]\n");
  EXPECT_NE(e.find("2031.yaml:6:"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'workday'"), std::string::npos) << e;
}

TEST(WorkingCalendarLoad, BadDateNamesFileAndLine) {
  auto const e = load_error("2031.yaml", "year: 2031\nsource: t\nholidays:\n  - name: A\n    off: [2031-02-30]\n");
  EXPECT_NE(e.find("2031.yaml:5:"), std::string::npos) << e;
  EXPECT_NE(e.find("2031-02-30"), std::string::npos) << e;
}

TEST(WorkingCalendarLoad, MakeUpWorkdayOnAWeekdayIsATypo) {
  auto const e = load_error("2031.yaml", std::string(kGood) + "    workdays: [2031-01-06]\n");  // a Monday
  EXPECT_NE(e.find("not a Saturday or Sunday"), std::string::npos) << e;
}

TEST(WorkingCalendarLoad, DayBothOffAndWorkedIsRefused) {
  auto const e = load_error("2031.yaml", "year: 2031\nsource: t\nholidays:\n  - name: A\n"
                                         "    off: [2031-01-04, 2031-01-05]\n    workdays: [2031-01-04]\n");
  EXPECT_NE(e.find("listed twice"), std::string::npos) << e;
}

TEST(WorkingCalendarLoad, YearMustMatchFileName) {
  EXPECT_NE(load_error("2032.yaml", kGood).find("does not match the file name"), std::string::npos);
}

TEST(WorkingCalendarLoad, MissingSourceAndMalformedYamlAreErrors) {
  EXPECT_NE(load_error("2031.yaml", "year: 2031\nholidays: []\n").find("missing 'source'"), std::string::npos);
  EXPECT_NE(load_error("2031.yaml", "year: [2031\n").find("2031.yaml:"), std::string::npos);
  EXPECT_NE(load_error("2031.yaml", "year: 2031\nsource: t\nholidays:\n  - name: A\n    off: [2031-03-01, 2031-01-01]\n")
                .find("ends before it starts"),
            std::string::npos);
}

TEST(WorkingCalendarLoad, ReviewFlagIsReported) {
  WorkingCalendar c;
  c.add_year("year: 2031\nsource: memory\nreview: true\nholidays: []\n", "2031.yaml");
  EXPECT_TRUE(c.needs_review());
  EXPECT_TRUE(c.covers(year{2031}));
}

TEST(WorkingCalendarLoad, MissingDirectoryIsAnError) {
  EXPECT_THROW(WorkingCalendar::load("/nonexistent/holidays"), CalendarError);
}

}  // namespace
}  // namespace talentbot::bot
