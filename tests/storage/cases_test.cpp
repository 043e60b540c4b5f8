// The unified archive in a real redis-server: the daily id sequence, idempotent opening under
// concurrency, atomic status changes with history, the indexes, and no full ID number stored.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "storage/cases.hpp"
#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "storage/streams.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::storage {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr char kFullId[] = "11010519491231002X";
constexpr char kMaskedId[] = "1101**********002X";

// The transition table of bot/cases.hpp, as the bot passes it (storage itself knows no rules).
std::vector<std::string> allowed_from(std::string const& to) {
  if (to == "accepted") return {"submitted"};
  if (to == "in_progress") return {"accepted", "needs_materials"};
  if (to == "needs_materials" || to == "result_ready") return {"in_progress"};
  if (to == "closed") return {"result_ready"};
  if (to == "rejected") return {"submitted", "accepted", "in_progress", "needs_materials", "result_ready"};
  return {};
}

std::string entry(std::int64_t at, std::string const& who, std::string const& what, std::string const& note = "") {
  return nlohmann::json{{"at", at}, {"who", who}, {"what", what}, {"note", note}}.dump();
}

NewCase new_case(std::string const& user, std::string const& service = "household_registration",
                 std::string const& department = "public_security", std::string const& deadline = "2026-12-08") {
  NewCase c;
  c.day = "20261124";
  c.talent_user = user;
  c.service = service;
  c.department = department;
  c.deadline = deadline;
  c.status = "submitted";
  c.created_at = 1795500000;
  c.body = nlohmann::json{{"talent_user", user}, {"talent_name", "张三"}, {"phone", "13800138000"},
                          {"id_number_masked", kMaskedId}, {"service", service}, {"department", department},
                          {"deadline", deadline}}
               .dump();
  c.first_entry = entry(c.created_at, user, "submitted");
  return c;
}

StatusChange change(std::string const& id, std::string const& to, std::int64_t at, std::string note = "") {
  StatusChange s;
  s.case_id = id;
  s.to = to;
  s.allowed_from = allowed_from(to);
  s.closes = to == "closed" || to == "rejected";
  s.entry = entry(at, "li.si", to, note);
  s.at = at;
  return s;
}

using test::all;

class CasesTest : public test::RedisSuite {
 protected:
  std::string open(NewCase c, std::string key = "") {
    auto r = run(create_case(db(), std::move(c), std::move(key)));
    EXPECT_TRUE(r) << r.error().message();
    EXPECT_TRUE(r->created);
    return r->id;
  }
};

using IdResult = boost::system::result<std::string>;
using CreateResult = boost::system::result<CreatedCase>;

TEST_F(CasesTest, DailySequenceUnderConcurrencyGivesDistinctConsecutiveIds) {
  std::vector<std::function<asio::awaitable<IdResult>()>> tasks;
  for (int i = 0; i < 200; ++i) tasks.push_back([this, i] { return next_case_id(db(i), "20261124"); });
  auto ids = run(all(std::move(tasks)));
  std::vector<std::string> got;
  for (auto const& id : ids) {
    ASSERT_TRUE(id) << id.error().message();
    got.push_back(*id);
  }
  std::sort(got.begin(), got.end());
  for (int i = 0; i < 200; ++i) {
    std::string seq = std::to_string(i + 1);
    EXPECT_EQ(got[i], "GC20261124-" + std::string(4 - seq.size(), '0') + seq);
  }
  // Another day has its own sequence, and the counter does not outlive its use.
  EXPECT_EQ(run(next_case_id(db(), "20261125")).value(), "GC20261125-0001");
  auto ttl = run(db().command(args("TTL", keys::case_sequence("20261124"))));
  EXPECT_GT(ttl->integer, 86'400);
  EXPECT_LE(ttl->integer, 3 * 86'400);
}

TEST_F(CasesTest, ConcurrentApplicationsOfDifferentTalentsGetConsecutiveIds) {
  std::vector<std::function<asio::awaitable<CreateResult>()>> tasks;
  for (int i = 0; i < 200; ++i)
    tasks.push_back([this, i] { return create_case(db(i), new_case("talent" + std::to_string(i)), "msg-" + std::to_string(i)); });
  auto created = run(all(std::move(tasks)));
  std::set<std::string> ids;
  for (auto const& c : created) {
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_TRUE(c->created);
    ids.insert(c->id);
  }
  ASSERT_EQ(ids.size(), 200u);
  EXPECT_EQ(*ids.begin(), "GC20261124-0001");
  EXPECT_EQ(*ids.rbegin(), "GC20261124-0200");
}

TEST_F(CasesTest, SequencePast9999FailsClearlyAndOpensNothing) {
  ASSERT_TRUE(run(db().command(args("SET", keys::case_sequence("20261124"), "9998"))));
  EXPECT_EQ(run(next_case_id(db(), "20261124")).value(), "GC20261124-9999");
  auto over = run(next_case_id(db(), "20261124"));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), make_error_code(case_errc::sequence_exhausted));
  auto refused = run(create_case(db(), new_case("late"), "k"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error_code(case_errc::sequence_exhausted));
  EXPECT_TRUE(run(cases_of_user(db(), "late"))->empty());
  EXPECT_FALSE(run(next_case_id(db(), "2026112")));
}

TEST_F(CasesTest, RetriedRequestUnderConcurrencyOpensOneCase) {
  std::vector<std::function<asio::awaitable<CreateResult>()>> tasks;
  for (int i = 0; i < 50; ++i) tasks.push_back([this, i] { return create_case(db(i), new_case("zhangsan"), "msg-42"); });
  auto created = run(all(std::move(tasks)));
  std::set<std::string> ids;
  int fresh = 0;
  for (auto const& c : created) {
    ASSERT_TRUE(c) << c.error().message();
    ids.insert(c->id);
    fresh += c->created ? 1 : 0;
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(run(cases_of_user(db(), "zhangsan"))->size(), 1u);
}

TEST_F(CasesTest, SameServiceWhileOpenReturnsTheOpenCase) {
  auto const first = open(new_case("zhangsan"), "msg-1");
  std::vector<std::function<asio::awaitable<CreateResult>()>> tasks;
  for (int i = 0; i < 20; ++i)
    tasks.push_back([this, i] { return create_case(db(i), new_case("zhangsan"), "other-" + std::to_string(i)); });
  for (auto const& c : run(all(std::move(tasks)))) {
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->created);
    EXPECT_EQ(c->id, first);
  }
  // Another service is another case; after the first closes, applying again opens a new one.
  auto const other = open(new_case("zhangsan", "housing", "housing_bureau"));
  EXPECT_NE(other, first);
  ASSERT_TRUE(run(transition(db(), change(first, "rejected", 1795600000, "不符合条件"))));
  auto again = run(create_case(db(), new_case("zhangsan"), "msg-2"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->created);
  EXPECT_NE(again->id, first);
  EXPECT_EQ(run(cases_of_user(db(), "zhangsan"))->size(), 3u);
}

TEST_F(CasesTest, IllegalTransitionsAreRefused) {
  auto const id = open(new_case("zhangsan"));
  auto skip = run(transition(db(), change(id, "result_ready", 1795500100)));
  ASSERT_FALSE(skip);
  EXPECT_EQ(skip.error(), make_error_code(case_errc::transition_refused));
  EXPECT_EQ(run(transition(db(), change(id, "accepted", 1795500200))).value(), "submitted");
  EXPECT_FALSE(run(transition(db(), change(id, "accepted", 1795500300))));  // no repeat
  EXPECT_TRUE(run(transition(db(), change(id, "rejected", 1795500400, "材料不符"))));
  for (auto to : {"accepted", "in_progress", "closed", "rejected"})
    EXPECT_EQ(run(transition(db(), change(id, to, 1795500500))).error(), make_error_code(case_errc::transition_refused));
  auto missing = run(transition(db(), change("GC20261124-0999", "accepted", 1795500600)));
  EXPECT_EQ(missing.error(), make_error_code(case_errc::not_found));
  auto c = run(get_case(db(), id)).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "rejected");
  EXPECT_EQ(c->history.size(), 3u);  // refused changes leave no trace in the history
}

TEST_F(CasesTest, ConcurrentChangesFromOneStatusApplyOnce) {
  auto const id = open(new_case("zhangsan"));
  std::vector<std::function<asio::awaitable<IdResult>()>> tasks;
  for (int i = 0; i < 20; ++i) tasks.push_back([this, i, id] { return transition(db(i), change(id, "accepted", 1795500000 + i)); });
  int applied = 0;
  for (auto const& r : run(all(std::move(tasks)))) applied += r ? 1 : 0;
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(run(get_case(db(), id)).value()->history.size(), 2u);
}

TEST_F(CasesTest, HistoryIsKeptInOrderThroughTheWholeLife) {
  auto const id = open(new_case("zhangsan"));
  std::vector<std::string> const path = {"accepted", "in_progress", "needs_materials", "in_progress",
                                         "result_ready", "closed"};
  std::int64_t at = 1795500000;
  for (auto const& to : path) ASSERT_TRUE(run(transition(db(), change(id, to, ++at, "step " + to)))) << to;
  auto c = run(get_case(db(), id)).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "closed");
  EXPECT_EQ(c->updated_at, at);
  EXPECT_EQ(c->created_at, 1795500000);
  ASSERT_EQ(c->history.size(), path.size() + 1);
  EXPECT_EQ(nlohmann::json::parse(c->history[0])["what"], "submitted");
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto const e = nlohmann::json::parse(c->history[i + 1]);
    EXPECT_EQ(e["what"], path[i]);
    EXPECT_EQ(e["note"], "step " + path[i]);
    EXPECT_EQ(e["at"], 1795500001 + static_cast<std::int64_t>(i));
  }
  // The archive keeps closed cases forever: no expiry on the case or its history.
  EXPECT_EQ(run(db().command(args("TTL", keys::case_record(id))))->integer, -1);
  EXPECT_EQ(run(db().command(args("TTL", keys::case_history(id))))->integer, -1);
  EXPECT_EQ(run(cases_of_department(db(), "public_security", true))->size(), 1u);
  EXPECT_TRUE(run(cases_of_department(db(), "public_security"))->empty());
}

TEST_F(CasesTest, EveryOpeningAndAppliedChangeIsAnEventRefusalsAreNot) {
  ASSERT_TRUE(run(ensure_group(db(), keys::case_events(), keys::kCaseEventGroup)));
  auto const id = open(new_case("zhangsan"));
  // A retry of the opening and a refused change leave no event.
  EXPECT_FALSE(run(create_case(db(), new_case("zhangsan"), "")).value().created);
  EXPECT_FALSE(run(transition(db(), change(id, "closed", 1795500001))));
  ASSERT_TRUE(run(transition(db(), change(id, "accepted", 1795500002, "ok"))));
  auto events = run(read_group(db(), keys::kCaseEventGroup, "n1", {keys::case_events()}, 10, 0ms)).value();
  ASSERT_EQ(events.size(), 2u);
  auto opened = parse_case_event(events[0].payload);
  auto accepted = parse_case_event(events[1].payload);
  ASSERT_TRUE(opened && accepted);
  EXPECT_EQ(opened->case_id, id);
  EXPECT_EQ(opened->from, "");
  EXPECT_EQ(nlohmann::json::parse(opened->entry)["what"], "submitted");
  EXPECT_EQ(accepted->from, "submitted");
  EXPECT_EQ(nlohmann::json::parse(accepted->entry)["note"], "ok");
  // Acknowledged events leave the stream; unacknowledged ones wait for another reader.
  ASSERT_TRUE(run(ack_entry(db(), keys::case_events(), keys::kCaseEventGroup, events[0].id)));
  EXPECT_EQ(run(db().command(args("XLEN", keys::case_events())))->integer, 1);
  auto stale = run(claim_pending(db(), keys::case_events(), keys::kCaseEventGroup, "n2", 0ms)).value();
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].id, events[1].id);
}

TEST_F(CasesTest, PushOncePerCauseEvenWhenRepeatedConcurrently) {
  using PushResult = boost::system::result<bool>;
  std::vector<std::function<asio::awaitable<PushResult>()>> tasks;
  for (int i = 0; i < 10; ++i) {
    tasks.push_back([this, i] {
      std::vector<std::string> payloads{"first", "second"};
      return outbox_push_once(db(i), 3, "event-1:talent", std::move(payloads), 60s);
    });
  }
  int pushed = 0;
  for (auto const& r : run(all(std::move(tasks)))) pushed += r && *r ? 1 : 0;
  EXPECT_EQ(pushed, 1);
  EXPECT_EQ(run(db().command(args("XLEN", keys::outbox(3))))->integer, 2);
  std::vector<std::string> other{"third"};
  EXPECT_TRUE(run(outbox_push_once(db(), 3, "event-2:talent", std::move(other), 60s)).value());
  EXPECT_EQ(run(db().command(args("XLEN", keys::outbox(3))))->integer, 3);
}

// Large archives are read in several scripts (never one that blocks Redis), with nothing lost.
TEST_F(CasesTest, ALargeDepartmentArchiveIsReadWhole) {
  for (int i = 0; i < 250; ++i) open(new_case("talent" + std::to_string(i)));
  auto all = run(cases_of_department(db(), "public_security", true)).value();
  ASSERT_EQ(all.size(), 250u);
  std::set<std::string> ids;
  for (auto const& c : all) {
    ids.insert(c.id);
    EXPECT_EQ(c.history.size(), 1u);
  }
  EXPECT_EQ(ids.size(), 250u);
}

TEST_F(CasesTest, DepartmentQueueIsSortedByDeadline) {
  auto const late = open(new_case("a", "household_registration", "public_security", "2026-12-20"));
  auto const soon = open(new_case("b", "household_registration", "public_security", "2026-11-30"));
  auto const mid = open(new_case("c", "household_registration", "public_security", "2026-12-08"));
  open(new_case("d", "housing", "housing_bureau", "2026-11-25"));
  auto queue = run(cases_of_department(db(), "public_security")).value();
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue[0].id, soon);
  EXPECT_EQ(queue[1].id, mid);
  EXPECT_EQ(queue[2].id, late);
  EXPECT_EQ(queue[0].deadline, "2026-11-30");
  EXPECT_EQ(queue[0].talent_user, "b");
  EXPECT_EQ(queue[0].department, "public_security");
}

TEST_F(CasesTest, TalentSeesOwnCasesNewestFirstAndNothingElse) {
  auto const first = open(new_case("zhangsan"));
  auto const second = open(new_case("zhangsan", "housing", "housing_bureau"));
  open(new_case("lisi"));
  auto mine = run(cases_of_user(db(), "zhangsan")).value();
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, second);  // same second of creation: the later id first
  EXPECT_EQ(mine[1].id, first);
  EXPECT_FALSE(run(get_case(db(), "GC20261124-0999")).value());
}

TEST_F(CasesTest, OnlyTheMaskedIdNumberIsStored) {
  auto leaky = new_case("zhangsan");
  leaky.body = nlohmann::json{{"talent_user", "zhangsan"}, {"id_number_masked", kFullId}}.dump();
  auto refused = run(create_case(db(), leaky, "k1"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error_code(case_errc::unmasked_resident_id));
  auto leaky_entry = new_case("zhangsan");
  leaky_entry.first_entry = entry(1, "zhangsan", "submitted", std::string("身份证号 ") + kFullId);
  EXPECT_EQ(run(create_case(db(), leaky_entry, "k2")).error(), make_error_code(case_errc::unmasked_resident_id));
  EXPECT_EQ(run(db().command(args("DBSIZE")))->integer, 0);

  auto const id = open(new_case("zhangsan"), "k3");
  auto bad_note = change(id, "accepted", 1795500100);
  bad_note.entry = entry(1795500100, "li.si", "accepted", kFullId);
  EXPECT_EQ(run(transition(db(), bad_note)).error(), make_error_code(case_errc::unmasked_resident_id));

  auto c = run(get_case(db(), id)).value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "submitted");
  EXPECT_NE(c->body.find(kMaskedId), std::string::npos);
  // Nothing anywhere in the database holds the full number.
  auto all_keys = run(db().command(args("KEYS", "*")));
  for (auto const& k : all_keys->elements) {
    auto type = run(db().command(args("TYPE", k.str)));
    Args read;
    if (type->str == "hash") read = args("HVALS", k.str);
    if (type->str == "list") read = args("LRANGE", k.str, "0", "-1");
    if (type->str == "string") read = args("MGET", k.str);
    if (read.empty()) continue;
    auto const values = run(db().command(read)).value();
    for (auto const& v : values.elements) EXPECT_FALSE(contains_resident_id(v.str)) << k.str;
  }
}

TEST(CaseStorage, RecognisesFullResidentIdNumbers) {
  EXPECT_TRUE(contains_resident_id(kFullId));
  EXPECT_TRUE(contains_resident_id("{\"n\":\"110105194912310021\"}"));
  EXPECT_TRUE(contains_resident_id("11010519491231002x"));
  EXPECT_FALSE(contains_resident_id(kMaskedId));
  EXPECT_FALSE(contains_resident_id("13800138000 GC20261124-0007 1795500000"));
  EXPECT_FALSE(contains_resident_id("6222021001122334455"));  // 19 digits: a bank card
}

}  // namespace
}  // namespace talentbot::storage
