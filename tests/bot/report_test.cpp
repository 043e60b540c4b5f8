// The half-year department report as a pure function: what each figure counts, the working-day
// median across a holiday, the half-year default, and the CSV's shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/report.hpp"
#include "tests/bot/seed_archive.hpp"

namespace talentbot::bot {
namespace {

using test::china_time;

// National Day 2026 as published: 1-7 October off, Saturday 10 October worked.
WorkingCalendar national_day_calendar() {
  WorkingCalendar c;
  c.add_year(R"(year: 2026
source: test
review: false
holidays:
  - name: 国庆节 National Day
    off: [2026-10-01, 2026-10-07]
    workdays: [2026-10-10]
)",
             "2026.yaml");
  return c;
}

std::vector<intents::Department> departments() {
  std::vector<intents::Department> out(3);
  out[0].id = "talent_office";
  out[0].name = {"市人才办", "Talent Office"};
  out[1].id = "public_security";
  out[1].name = {"市公安局", "Public Security Bureau"};
  out[2].id = "hrss";
  out[2].name = {"市人社局", "HRSS Bureau"};
  return out;
}

// A case received on `received` and finished (closed or rejected) on `finished`, if given.
Case make(std::string const& department, std::string const& received, std::string const& deadline,
          std::string const& final_status = "", std::string const& finished = "") {
  Case c;
  c.id = "GC" + received.substr(0, 4) + received.substr(5, 2) + received.substr(8, 2) + "-0001";
  c.talent_user = "talent.a";
  c.department = department;
  c.created_at = china_time(received);
  c.deadline = deadline;
  c.history.push_back(HistoryEntry{c.created_at, "talent.a", "submitted", ""});
  c.status = CaseStatus::in_progress;
  if (!final_status.empty()) {
    c.status = *parse_case_status(final_status);
    c.history.push_back(HistoryEntry{china_time(finished, 16), "li.si", final_status, ""});
  }
  return c;
}

ReportRange second_half_2026() { return ReportRange{*parse_date("2026-07-01"), *parse_date("2026-12-31")}; }
std::chrono::year_month_day const kToday = *parse_date("2026-11-25");

DepartmentRow const& row(Report const& r, std::string const& id) {
  for (auto const& row : r.rows)
    if (row.department == id) return row;
  throw std::runtime_error("no row " + id);
}

class ReportFigures : public ::testing::Test {
 protected:
  ReportFigures() {
    cases = {
        make("public_security", "2026-09-28", "2026-10-12", "closed", "2026-10-09"),  // on time, 4 working days
        make("public_security", "2026-09-01", "2026-09-10", "closed", "2026-09-15"),  // late, 10 working days
        make("public_security", "2026-11-02", "2026-11-16"),                          // open, overdue
        make("public_security", "2026-11-20", "2026-12-04"),                          // open, not yet due
        make("public_security", "2026-06-25", "2026-07-09", "closed", "2026-07-08"),  // received before, 9 days
        make("hrss", "2026-10-15", "2026-10-30", "rejected", "2026-10-20"),
        make("hrss", "2026-05-01", "2026-05-20", "closed", "2026-05-18"),  // all before the range
        make("old_department", "2026-08-03", "2026-08-20"),
    };
    complaints = {{"public_security", china_time("2026-10-01")},
                  {"public_security", china_time("2026-06-30")},  // the half year before
                  {"", china_time("2026-08-01")}};
    report = compute_report(cases, complaints, departments(), national_day_calendar(), second_half_2026(), kToday);
  }
  std::vector<Case> cases;
  std::vector<Complaint> complaints;
  Report report;
};

TEST_F(ReportFigures, CountsReceivedClosedOnTimeAndOverduePerDepartment) {
  auto const& ps = row(report, "public_security");
  EXPECT_EQ(ps.received, 4);
  EXPECT_EQ(ps.closed, 3);
  EXPECT_EQ(ps.closed_on_time, 2);
  EXPECT_EQ(ps.overdue, 2);  // one closed late, one open past its deadline
  EXPECT_EQ(ps.rejected, 0);
  EXPECT_EQ(ps.complaints, 1);
  auto const& hrss = row(report, "hrss");
  EXPECT_EQ(hrss.received, 1);
  EXPECT_EQ(hrss.closed, 0);
  EXPECT_EQ(hrss.rejected, 1);
  EXPECT_EQ(hrss.overdue, 0);
  EXPECT_FALSE(hrss.median_working_days_to_close);
}

TEST_F(ReportFigures, MedianCountsWorkingDaysAndSkipsTheHoliday) {
  // 28 Sep → 9 Oct spans National Day: 4 working days, not the 9 weekdays.
  EXPECT_EQ(row(report, "public_security").median_working_days_to_close, 9.0);  // of 4, 9, 10
  auto only_holiday = compute_report({cases[0]}, {}, departments(), national_day_calendar(), second_half_2026(), kToday);
  EXPECT_EQ(row(only_holiday, "public_security").median_working_days_to_close, 4.0);
  auto two = compute_report({cases[0], cases[4]}, {}, departments(), national_day_calendar(), second_half_2026(), kToday);
  EXPECT_EQ(row(two, "public_security").median_working_days_to_close, 6.5);
}

TEST_F(ReportFigures, EveryDepartmentHasARowAndNothingDropsOutOfTheTotal) {
  ASSERT_EQ(report.rows.size(), 5u);  // three known, one unknown, one for complaints naming none
  EXPECT_EQ(report.rows[0].department, "talent_office");
  EXPECT_EQ(report.rows[0].received, 0);
  EXPECT_EQ(report.rows[3].department, "old_department");
  EXPECT_EQ(report.rows[3].received, 1);
  EXPECT_EQ(report.rows[4].department, "");
  EXPECT_EQ(report.rows[4].complaints, 1);
  EXPECT_EQ(report.total.received, 6);
  EXPECT_EQ(report.total.closed, 3);
  EXPECT_EQ(report.total.overdue, 3);  // old_department's case is open past its deadline too
  EXPECT_EQ(report.total.complaints, 2);
  EXPECT_EQ(report.total.median_working_days_to_close, 9.0);
}

TEST(Report, ClosedOnTheDeadlineDayIsOnTime) {
  auto r = compute_report({make("hrss", "2026-09-01", "2026-09-10", "closed", "2026-09-10")}, {}, departments(),
                          national_day_calendar(), second_half_2026(), kToday);
  EXPECT_EQ(row(r, "hrss").closed_on_time, 1);
  EXPECT_EQ(row(r, "hrss").overdue, 0);
}

TEST(Report, APastRangeJudgesOpenCasesOnItsLastDay) {
  // Open past its deadline on 30 June, closed later: overdue in the first half year's report.
  auto c = make("hrss", "2026-06-01", "2026-06-20", "closed", "2026-07-05");
  ReportRange const first_half{*parse_date("2026-01-01"), *parse_date("2026-06-30")};
  auto r = compute_report({c}, {}, departments(), national_day_calendar(), first_half, kToday);
  EXPECT_EQ(r.as_of, *parse_date("2026-06-30"));
  EXPECT_EQ(row(r, "hrss").overdue, 1);
  EXPECT_EQ(row(r, "hrss").closed, 0);
  // Not overdue when its deadline had not passed by the end of the range.
  c.deadline = "2026-07-03";
  r = compute_report({c}, {}, departments(), national_day_calendar(), first_half, kToday);
  EXPECT_EQ(row(r, "hrss").overdue, 0);
}

TEST(Report, DefaultRangeIsTheCurrentHalfYear) {
  auto first = current_half_year(*parse_date("2026-06-30"));
  EXPECT_EQ(format_date(first.from), "2026-01-01");
  EXPECT_EQ(format_date(first.to), "2026-06-30");
  auto second = current_half_year(*parse_date("2026-07-01"));
  EXPECT_EQ(format_date(second.from), "2026-07-01");
  EXPECT_EQ(format_date(second.to), "2026-12-31");
  ReportRange r;
  ASSERT_FALSE(parse_report_range("", "", kToday, r));
  EXPECT_EQ(format_date(r.from), "2026-07-01");
  ASSERT_FALSE(parse_report_range("2026-03-01", "", *parse_date("2026-04-01"), r));
  EXPECT_EQ(format_date(r.to), "2026-06-30");
}

TEST(Report, BadRangesSayWhatIsWrong) {
  ReportRange r;
  EXPECT_EQ(parse_report_range("2026-13-01", "", kToday, r), "from: '2026-13-01' is not a date (expected yyyy-mm-dd)");
  EXPECT_EQ(parse_report_range("", "2026/12/31", kToday, r), "to: '2026/12/31' is not a date (expected yyyy-mm-dd)");
  EXPECT_EQ(parse_report_range("2026-12-01", "2026-11-01", kToday, r), "from (2026-12-01) is after to (2026-11-01)");
}

TEST_F(ReportFigures, JsonCarriesTheRangeAndNullForNoMedian) {
  auto const j = nlohmann::json::parse(report_json(report));
  EXPECT_EQ(j["from"], "2026-07-01");
  EXPECT_EQ(j["to"], "2026-12-31");
  EXPECT_EQ(j["as_of"], "2026-11-25");
  EXPECT_EQ(j["departments"].size(), 5u);
  EXPECT_EQ(j["departments"][1]["name"], "市公安局");
  EXPECT_EQ(j["departments"][1]["median_working_days_to_close"], 9);
  EXPECT_TRUE(j["departments"][2]["median_working_days_to_close"].is_null());
  EXPECT_EQ(j["total"]["received"], 6);
}

TEST(Report, CsvHasABomAHeaderCrlfAndQuotesWhatNeedsIt) {
  auto deps = departments();
  deps[0].name.zh = "人才办, \"一站式\"";
  deps[2].name.zh = "=HYPERLINK(\"x\")";
  auto r = compute_report({make("public_security", "2026-09-28", "2026-10-12", "closed", "2026-10-09"),
                           make("public_security", "2026-09-01", "2026-09-10", "closed", "2026-09-15")},
                          {}, deps, national_day_calendar(), second_half_2026(), kToday);
  auto const csv = report_csv(r);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  std::vector<std::string> lines;
  for (std::size_t p = 3; p < csv.size();) {
    auto const end = csv.find("\r\n", p);
    ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
    lines.push_back(csv.substr(p, end - p));
    p = end + 2;
  }
  ASSERT_EQ(lines.size(), 5u);  // header, three departments, total
  EXPECT_EQ(lines[0], "department,name,received,closed,closed_on_time,rejected,overdue,median_working_days_to_close,"
                      "complaints");
  EXPECT_EQ(lines[1], "talent_office,\"人才办, \"\"一站式\"\"\",0,0,0,0,0,,0");
  EXPECT_EQ(lines[2], "public_security,市公安局,2,2,1,0,1,7,0");  // median of 4 and 10
  EXPECT_EQ(lines[3], "hrss,\"'=HYPERLINK(\"\"x\"\")\",0,0,0,0,0,,0");
  EXPECT_EQ(lines[4], "total,合计,2,2,1,0,1,7,0");
}

TEST(Report, HalfDaysOfAMedianKeepOneDecimal) {
  auto r = compute_report({make("hrss", "2026-09-01", "2026-09-10", "closed", "2026-09-02"),
                           make("hrss", "2026-09-01", "2026-09-10", "closed", "2026-09-03")},
                          {}, departments(), national_day_calendar(), second_half_2026(), kToday);
  EXPECT_NE(report_csv(r).find("hrss,市人社局,2,2,2,0,0,1.5,0"), std::string::npos);
}

TEST(Report, ComplaintRecordsAreReadAsTheDialogueWritesThem) {
  auto c = complaint_from_json(R"({"user":"u","at":1790000000,"text":"推来推去","service":"housing",)"
                               R"("department_id":"housing_center","department":"市房管中心"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->department_id, "housing_center");
  EXPECT_EQ(c->at, 1790000000);
  EXPECT_FALSE(complaint_from_json("not json"));
  EXPECT_FALSE(complaint_from_json(R"({"department_id":"hrss"})"));
}

}  // namespace
}  // namespace talentbot::bot
