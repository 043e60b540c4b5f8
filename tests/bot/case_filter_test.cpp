// The case list's query: every parameter checked with a message naming it, and what matches.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/case_filter.hpp"
#include "tests/bot/seed_archive.hpp"

namespace talentbot::bot {
namespace {

using Query = std::map<std::string, std::string, std::less<>>;
std::chrono::year_month_day const kToday = *parse_date("2026-11-25");

bool known(std::string_view id) { return id == "hrss" || id == "public_security"; }

std::string error_of(Query const& q) {
  CaseFilter f;
  auto e = parse_case_filter(q, known, f);
  EXPECT_TRUE(e);
  return e.value_or("");
}

Case make(std::string id, CaseStatus status, std::string department, std::string received, std::string deadline) {
  Case c;
  c.id = std::move(id);
  c.status = status;
  c.department = std::move(department);
  c.talent_user = "talent.a";
  c.created_at = test::china_time(received);
  c.deadline = std::move(deadline);
  return c;
}

TEST(CaseFilter, ReadsEveryParameter) {
  CaseFilter f;
  ASSERT_FALSE(parse_case_filter(Query{{"status", "submitted,in_progress"}, {"department", "hrss"}, {"overdue", "true"},
                                       {"from", "2026-07-01"}, {"to", "2026-09-30"}, {"limit", "5"}},
                                 known, f));
  EXPECT_EQ(f.statuses, (std::vector<CaseStatus>{CaseStatus::submitted, CaseStatus::in_progress}));
  EXPECT_EQ(f.department, "hrss");
  EXPECT_EQ(f.overdue, true);
  EXPECT_EQ(format_date(*f.from), "2026-07-01");
  EXPECT_EQ(format_date(*f.to), "2026-09-30");
  EXPECT_EQ(f.limit, 5u);
  EXPECT_TRUE(f.open_only());
}

TEST(CaseFilter, BadParametersSayWhichAndWhy) {
  EXPECT_EQ(error_of({{"status", "done"}}).find("status: 'done' is not a status"), 0u);
  EXPECT_EQ(error_of({{"status", "submitted,"}}).find("status: '' is not a status"), 0u);
  EXPECT_EQ(error_of({{"department", "police"}}).find("department: 'police' is not a department id"), 0u);
  EXPECT_EQ(error_of({{"overdue", "yes"}}), "overdue: expected true or false, got 'yes'");
  EXPECT_EQ(error_of({{"from", "2026-02-30"}}), "from: '2026-02-30' is not a date (expected yyyy-mm-dd)");
  EXPECT_EQ(error_of({{"limit", "0"}}).find("limit: expected a whole number from 1 to 1000"), 0u);
  EXPECT_EQ(error_of({{"limit", "12x"}}).find("limit:"), 0u);
  EXPECT_EQ(error_of({{"limit", "1001"}}).find("limit:"), 0u);
  EXPECT_EQ(error_of({{"stauts", "closed"}}).find("unknown parameter 'stauts'"), 0u);
  EXPECT_EQ(error_of({{"from", "2026-10-01"}, {"to", "2026-09-01"}}), "from (2026-10-01) is after to (2026-09-01)");
}

TEST(CaseFilter, OpenOnlyWhenNoFinishedCaseCanMatch) {
  CaseFilter f;
  EXPECT_FALSE(f.open_only());
  f.statuses = {CaseStatus::accepted, CaseStatus::closed};
  EXPECT_FALSE(f.open_only());
  f.statuses = {CaseStatus::accepted};
  EXPECT_TRUE(f.open_only());
}

TEST(CaseFilter, OverdueMeansOpenAndPastTheDeadlineDay) {
  EXPECT_TRUE(is_overdue(make("a", CaseStatus::in_progress, "hrss", "2026-11-01", "2026-11-24"), kToday));
  EXPECT_FALSE(is_overdue(make("a", CaseStatus::in_progress, "hrss", "2026-11-01", "2026-11-25"), kToday));
  EXPECT_FALSE(is_overdue(make("a", CaseStatus::closed, "hrss", "2026-11-01", "2026-11-02"), kToday));
  EXPECT_FALSE(is_overdue(make("a", CaseStatus::submitted, "hrss", "2026-11-01", ""), kToday));
}

TEST(CaseFilter, ListIsNewestFirstLimitedAndCountsEveryMatch) {
  std::vector<Case> cases = {make("GC20260901-0001", CaseStatus::closed, "hrss", "2026-09-01", "2026-09-10"),
                             make("GC20261101-0001", CaseStatus::in_progress, "hrss", "2026-11-01", "2026-11-10"),
                             make("GC20261001-0001", CaseStatus::submitted, "public_security", "2026-10-01", "2026-12-10"),
                             make("GC20260601-0001", CaseStatus::closed, "hrss", "2026-06-01", "2026-06-10")};
  CaseFilter f;
  ASSERT_FALSE(parse_case_filter(Query{{"department", "hrss"}, {"from", "2026-07-01"}, {"limit", "1"}}, known, f));
  auto const j = nlohmann::json::parse(case_list_json(cases, f, kToday));
  EXPECT_EQ(j["total"], 2);
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["id"], "GC20261101-0001");
  EXPECT_EQ(j["cases"][0]["received"], "2026-11-01");
  EXPECT_EQ(j["cases"][0]["overdue"], true);
  EXPECT_FALSE(j["cases"][0].contains("history"));

  ASSERT_FALSE(parse_case_filter(Query{{"overdue", "false"}, {"status", "closed,submitted"}}, known, f));
  auto const k = nlohmann::json::parse(case_list_json(cases, f, kToday));
  ASSERT_EQ(k["total"], 3);
  EXPECT_EQ(k["cases"][0]["id"], "GC20261001-0001");
  EXPECT_EQ(k["cases"][2]["id"], "GC20260601-0001");
}

}  // namespace
}  // namespace talentbot::bot
