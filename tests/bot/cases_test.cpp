// The pure case core: ids, statuses and their transitions, JSON, masking, deadlines.
#include <gtest/gtest.h>

#include <set>

#include "bot/cases.hpp"

namespace talentbot::bot {
namespace {

using enum CaseStatus;
constexpr char kFullId[] = "11010519491231002X";  // the GB 11643 sample number, valid checksum
constexpr char kMaskedId[] = "1101**********002X";

Case sample_case() {
  Case c;
  c.id = "GC20261124-0007";
  c.talent_user = "zhangsan";
  c.talent_name = "张三";
  c.phone = "13800138000";
  c.employer = "平顶山学院";
  c.id_number_masked = kMaskedId;
  c.service = "household_registration";
  c.department = "public_security";
  c.status = in_progress;
  c.created_at = 1795500000;
  c.deadline = "2026-12-08";
  c.assigned_specialist = "li.si";
  c.history = {HistoryEntry{1795500000, "zhangsan", "submitted", ""},
               HistoryEntry{1795503600, "li.si", "accepted", "已受理"},
               HistoryEntry{1795507200, "li.si", "in_progress", ""}};
  return c;
}

TEST(CaseId, ParsesWhatTalentsType) {
  for (auto text : {"GC20261124-0007", "gc20261124-0007", "gc 20261124 0007", "GC202611240007", " GC20261124-0007 ",
                    "20261124-0007", "GC20261124-0007 进度"}) {
    auto id = CaseId::parse(text);
    ASSERT_TRUE(id) << text;
    EXPECT_EQ(id->str(), "GC20261124-0007") << text;
  }
}

TEST(CaseId, RejectsImpossibleIds) {
  for (auto text : {"GC20261324-0007", "GC20260230-0007", "GC20261124-0000", "GC2026112-0007", "GC20261124", "hello"})
    EXPECT_FALSE(CaseId::parse(text)) << text;
  EXPECT_FALSE(CaseId::from_canonical("gc20261124-0007"));
  EXPECT_FALSE(CaseId::from_canonical("GC20261124-00a7"));
  EXPECT_TRUE(CaseId::from_canonical("GC20261124-0007"));
}

TEST(CaseId, MakesFourDigitSequenceAndNoMore) {
  EXPECT_EQ(CaseId::make("20261124", 7)->str(), "GC20261124-0007");
  EXPECT_EQ(CaseId::make("20261124", 9999)->str(), "GC20261124-9999");
  EXPECT_FALSE(CaseId::make("20261124", 10000));
  EXPECT_FALSE(CaseId::make("20261124", 0));
  EXPECT_FALSE(CaseId::make("20261131", 1));
  auto const id = *CaseId::make("20261124", 42);
  EXPECT_EQ(id.day(), "20261124");
  EXPECT_EQ(id.sequence(), 42);
}

TEST(CaseStatus, RoundTripsThroughItsName) {
  std::set<std::string_view> names;
  for (auto s : kAllStatuses) {
    names.insert(to_string(s));
    EXPECT_EQ(parse_case_status(to_string(s)), s);
  }
  EXPECT_EQ(names.size(), 7u);
  EXPECT_FALSE(parse_case_status("done"));
  EXPECT_FALSE(parse_case_status("Closed"));
}

TEST(CaseStatus, TransitionsFollowTheDesign) {
  std::set<std::pair<CaseStatus, CaseStatus>> const allowed = {
      {submitted, accepted},         {accepted, in_progress},       {in_progress, needs_materials},
      {needs_materials, in_progress}, {in_progress, result_ready},   {result_ready, closed},
      {submitted, rejected},         {accepted, rejected},          {in_progress, rejected},
      {needs_materials, rejected},   {result_ready, rejected}};
  for (auto from : kAllStatuses)
    for (auto to : kAllStatuses)
      EXPECT_EQ(can_transition(from, to), allowed.contains({from, to})) << to_string(from) << " -> " << to_string(to);
}

TEST(CaseStatus, FinalStatusesEndTheCase) {
  EXPECT_TRUE(is_final(closed));
  EXPECT_TRUE(is_final(rejected));
  for (auto to : kAllStatuses) {
    EXPECT_FALSE(can_transition(closed, to));
    EXPECT_FALSE(can_transition(rejected, to));
  }
  EXPECT_FALSE(is_final(result_ready));
}

TEST(CaseStatus, AllowedFromListsWhatStorageChecks) {
  EXPECT_EQ(allowed_from(accepted), std::vector<std::string>{"submitted"});
  EXPECT_EQ(allowed_from(in_progress), (std::vector<std::string>{"accepted", "needs_materials"}));
  EXPECT_EQ(allowed_from(rejected).size(), 5u);
  EXPECT_TRUE(allowed_from(submitted).empty());
}

TEST(CaseStatus, RejectionAndMissingMaterialsNeedANote) {
  EXPECT_TRUE(note_required(rejected));
  EXPECT_TRUE(note_required(needs_materials));
  EXPECT_FALSE(note_required(accepted));
  EXPECT_FALSE(note_required(closed));
}

TEST(CaseJson, RoundTrips) {
  auto const c = sample_case();
  std::string error;
  auto back = case_from_json(to_json(c), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, c);
}

TEST(CaseJson, StoredPartsReassembleTheCase) {
  auto const c = sample_case();
  std::vector<std::string> history;
  for (auto const& e : c.history) history.push_back(history_entry_json(e));
  auto back = case_from_stored(c.id, "in_progress", case_body_json(c), history);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
  EXPECT_EQ(case_body_json(c).find("\"status\""), std::string::npos);
  EXPECT_EQ(case_body_json(c).find("\"history\""), std::string::npos);
}

TEST(CaseJson, RejectsInvalidCases) {
  std::string error;
  EXPECT_FALSE(case_from_json("{", &error));
  auto c = sample_case();
  c.id = "GC20261124-00007";
  EXPECT_FALSE(case_from_json(to_json(c), &error));
  EXPECT_NE(error.find("case id"), std::string::npos);
  c = sample_case();
  c.deadline = "2026-13-01";
  EXPECT_FALSE(case_from_json(to_json(c), &error));
  EXPECT_FALSE(case_from_stored("GC20261124-0007", "finished", case_body_json(sample_case()), {}, &error));
  EXPECT_NE(error.find("status"), std::string::npos);
}

TEST(CasePrivacy, FullResidentIdNeverLeavesUnmasked) {
  auto c = sample_case();
  c.id_number_masked = kFullId;  // a caller's mistake
  c.history.push_back(HistoryEntry{1795510000, "li.si", "needs_materials", std::string("身份证 ") + kFullId + " 复印件"});
  for (auto const& text : {to_json(c), case_body_json(c), history_entry_json(c.history.back())}) {
    EXPECT_EQ(text.find(kFullId), std::string::npos) << text;
    EXPECT_NE(text.find(kMaskedId), std::string::npos) << text;
  }
  auto back = case_from_json(to_json(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id_number_masked, kMaskedId);
}

TEST(CasePrivacy, RedactsResidentIdsInFreeText) {
  EXPECT_EQ(redact_resident_ids(std::string("号码") + kFullId + "。"), std::string("号码") + kMaskedId + "。");
  EXPECT_EQ(redact_resident_ids("110105 19491231 002x"), kMaskedId);
  EXPECT_EQ(redact_resident_ids("110105194912310021"), "1101**********0021");  // checksum or not
  // Phones, case ids and longer digit runs (bank cards) are not ID numbers.
  for (auto text : {"13800138000", "GC20261124-0007", "6222021001122334455", "电话 138 0013 8000"})
    EXPECT_EQ(redact_resident_ids(text), text);
  EXPECT_EQ(redact_resident_ids(std::string(kFullId) + " 13800138000"), std::string(kMaskedId) + " 13800138000");
}

TEST(CaseDeadline, CountsWorkingDaysAfterReceipt) {
  WorkingCalendar calendar;
  calendar.add_year(
      "year: 2026\nsource: test\nholidays:\n  - name: 国庆节\n    off: [2026-10-01, 2026-10-07]\n"
      "    workdays: [2026-09-20, 2026-10-10]\n",
      "2026.yaml");
  auto const received = parse_date("2026-09-29").value();
  EXPECT_EQ(format_date(deadline_for(received, 3, calendar)), "2026-10-09");
  EXPECT_EQ(format_date(deadline_for(received, 4, calendar)), "2026-10-10");
  EXPECT_EQ(format_date(deadline_for(received, 0, calendar)), "2026-09-29");
  EXPECT_EQ(format_date(deadline_for(received, -5, calendar)), "2026-09-29");
}

}  // namespace
}  // namespace talentbot::bot
