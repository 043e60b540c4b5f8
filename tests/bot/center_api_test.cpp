// The center API over real loopback HTTP against a real redis-server: tokens, the case list and
// its filters, the detail, status changes through storage's transition, and the report.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "bot/calendar.hpp"
#include "bot/center_api.hpp"
#include "bot/http.hpp"
#include "bot/metrics.hpp"
#include "intents/knowledge.hpp"
#include "tests/bot/seed_archive.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot::bot {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kCenterToken[] = "center-token-0123456789abcdef";
constexpr char kAuditorToken[] = "auditor-token-0123456789abcdef";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class CenterApiServer {
 public:
  CenterApiServer(std::string const& redis_url, std::string const& tokens) : router_(metrics_) {
    storage::RedisOptions o;
    o.endpoint = storage::RedisEndpoint::parse(redis_url).value();
    redis_ = std::make_unique<storage::RedisClient>(ioc_.get_executor(), o, log_);
    redis_->start();
    config::ApiConfig api;
    EXPECT_FALSE(config::parse_api_tokens(tokens, api.tokens));
    auto knowledge = intents::Knowledge::load(std::string(TALENTBOT_SOURCE_DIR) + "/intents/knowledge");
    auto calendar = std::make_shared<WorkingCalendar const>(
        WorkingCalendar::load(std::string(TALENTBOT_SOURCE_DIR) + "/deploy/holidays"));
    // Business time is fixed: Wednesday 25 November 2026, 10:00 in China.
    add_center_api_routes(router_, api,
                          CenterApiContext{*redis_, [knowledge] { return knowledge; }, calendar, log_,
                                           [] { return test::china_time("2026-11-25"); }});
    config::ServerConfig cfg;
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    server_ = std::make_unique<HttpServer>(ioc_, cfg, router_, log_, metrics_, false);
    port_ = server_->start();
    thread_ = std::thread([this] { ioc_.run_for(60s); });
    for (int i = 0; i < 500 && !redis_->connected(); ++i) std::this_thread::sleep_for(10ms);
  }
  ~CenterApiServer() {
    ioc_.stop();
    thread_.join();
  }

  std::optional<test::HttpReply> call(std::string const& method, std::string const& target, std::string const& token,
                                      std::string const& body = {}) {
    test::HttpConnection c(port_);
    std::string headers = token.empty() ? "" : "Authorization: Bearer " + token + "\r\n";
    if (!body.empty()) headers += "Content-Type: application/json\r\n";
    return c.request(method, target, body, headers);
  }

  std::string log() {
    std::lock_guard lock(mutex_);
    std::string all;
    for (auto const& l : lines_) all += l;
    return all;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
  Logger log_{LogLevel::info, LogFormat::kv, [this](std::string_view l) {
                std::lock_guard lock(mutex_);
                lines_.emplace_back(l);
              }};
  Metrics metrics_;
  Router router_;
  asio::io_context ioc_{1};
  std::unique_ptr<storage::RedisClient> redis_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

class CenterApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { redis_ = new test::PrivateRedis(); }
  static void TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
  }

  CenterApiTest()
      : seeder(redis_->url()),
        server(redis_->url(), std::string("center=") + kCenterToken + ",auditor=" + kAuditorToken + ":read") {
    seeder.flush();
  }

  json get_json(std::string const& target, std::string const& token = kAuditorToken) {
    auto r = server.call("GET", target, token);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << target << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  std::vector<std::string> listed(std::string const& query) {
    std::vector<std::string> ids;
    auto const page = get_json("/api/v1/cases" + query);
    for (auto const& c : page["cases"]) ids.push_back(c["id"]);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static test::PrivateRedis* redis_;
  test::ArchiveSeeder seeder;
  CenterApiServer server;
};

test::PrivateRedis* CenterApiTest::redis_ = nullptr;

TEST_F(CenterApiTest, NoTokenOrAWrongOneIs401WithABearerChallenge) {
  for (auto const& token : {std::string(), std::string("wrong-token-0123456789abcdef")}) {
    auto r = server.call("GET", "/api/v1/cases", token);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_NE(lower(r->headers).find("www-authenticate: bearer realm=\"talentbot\""), std::string::npos) << r->headers;
    EXPECT_TRUE(json::parse(r->body).contains("error"));
  }
  auto r = server.call("GET", "/api/v1/reports/departments", "wrong-token-0123456789abcdef");
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->headers.find("invalid_token"), std::string::npos);
}

TEST_F(CenterApiTest, EveryRefusalIsLoggedOnceAndNoTokenEverIs) {
  server.call("GET", "/api/v1/cases", "wrong-token-0123456789abcdef");
  server.call("POST", "/api/v1/cases/GC20261124-0001/status", kAuditorToken, R"({"status":"accepted"})");
  server.call("GET", "/api/v1/cases?stauts=x", kCenterToken);
  auto const log = server.log();
  std::size_t refusals = 0;
  for (auto p = log.find("event=api.refused"); p != std::string::npos; p = log.find("event=api.refused", p + 1))
    ++refusals;
  EXPECT_EQ(refusals, 3u) << log;
  for (auto const* secret : {"wrong-token-0123456789abcdef", kAuditorToken, kCenterToken})
    EXPECT_EQ(log.find(secret), std::string::npos) << log;
  EXPECT_NE(log.find("token=auditor"), std::string::npos) << log;
}

TEST_F(CenterApiTest, ReadOnlyTokenReadsButCannotChangeAStatus) {
  auto const id = seeder.add(test::seed("2026-11-20", "2026-12-04"));
  EXPECT_EQ(listed(""), std::vector<std::string>{id});
  auto r = server.call("POST", "/api/v1/cases/" + id + "/status", kAuditorToken, R"({"status":"accepted"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->headers.find("insufficient_scope"), std::string::npos);
  EXPECT_EQ(get_json("/api/v1/cases/" + id)["status"], "submitted");
}

TEST_F(CenterApiTest, ListFiltersByStatusDepartmentOverdueAndDay) {
  auto const open_late = seeder.add(test::seed("2026-11-02", "2026-11-16", {{"accepted", "2026-11-03"}}));
  auto const open = seeder.add(test::seed("2026-11-20", "2026-12-04", {}, "talent.b"));
  auto const closed = seeder.add(test::seed("2026-09-01", "2026-09-10",
                                            test::path_to("closed", "2026-09-01", "2026-09-09"), "talent.c", "hrss"));
  EXPECT_EQ(listed(""), (std::vector<std::string>{closed, open_late, open}));
  EXPECT_EQ(listed("?status=submitted,accepted"), (std::vector<std::string>{open_late, open}));
  EXPECT_EQ(listed("?status=closed"), std::vector<std::string>{closed});
  EXPECT_EQ(listed("?department=hrss"), std::vector<std::string>{closed});
  EXPECT_EQ(listed("?overdue=true"), std::vector<std::string>{open_late});
  EXPECT_EQ(listed("?overdue=false&department=public_security"), std::vector<std::string>{open});
  EXPECT_EQ(listed("?from=2026-11-01&to=2026-11-19"), std::vector<std::string>{open_late});
  auto const page = get_json("/api/v1/cases?limit=1");
  EXPECT_EQ(page["total"], 3);
  ASSERT_EQ(page["cases"].size(), 1u);
  EXPECT_EQ(page["cases"][0]["id"], open);  // newest first
}

TEST_F(CenterApiTest, BadFiltersAre400WithTheReason) {
  for (auto const& [query, says] : std::vector<std::pair<std::string, std::string>>{
           {"?status=done", "status"},
           {"?department=nowhere", "department"},
           {"?overdue=maybe", "overdue"},
           {"?from=2026-13-01", "from"},
           {"?limit=0", "limit"},
           {"?stauts=closed", "stauts"},
           {"?status=%FF", "status"},  // invalid UTF-8 is still a 400, not a 500
           {"?%C3=1", "unknown"}}) {
    auto r = server.call("GET", "/api/v1/cases" + query, kAuditorToken);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << query;
    EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find(says), std::string::npos) << r->body;
  }
  auto r = server.call("GET", "/api/v1/reports/departments?from=2026-07-32", kAuditorToken);
  EXPECT_EQ(r->status, 400);
  r = server.call("GET", "/api/v1/reports/departments?format=xlsx", kAuditorToken);
  EXPECT_EQ(r->status, 400);
  r = server.call("GET", "/api/v1/reports/departments?from=%C3", kAuditorToken);
  EXPECT_EQ(r->status, 400);
}

TEST_F(CenterApiTest, DetailHasTheWholeHistoryAndOnlyAMaskedIdNumber) {
  auto const id =
      seeder.add(test::seed("2026-11-02", "2026-11-16", test::path_to("result_ready", "2026-11-02", "2026-11-10")));
  auto const c = get_json("/api/v1/cases/" + id);
  EXPECT_EQ(c["id"], id);
  EXPECT_EQ(c["status"], "result_ready");
  ASSERT_EQ(c["history"].size(), 4u);
  EXPECT_EQ(c["history"][0]["what"], "submitted");
  EXPECT_EQ(c["history"][3]["what"], "result_ready");
  EXPECT_EQ(c["id_number_masked"], "4101**********123X");
}

TEST_F(CenterApiTest, UnknownCaseIs404) {
  for (auto const* path : {"/api/v1/cases/GC20260101-0001", "/api/v1/cases/not-a-case"}) {
    auto r = server.call("GET", path, kAuditorToken);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_TRUE(json::parse(r->body).contains("error"));
  }
  auto r = server.call("POST", "/api/v1/cases/GC20260101-0001/status", kCenterToken, R"({"status":"accepted"})");
  EXPECT_EQ(r->status, 404);
}

TEST_F(CenterApiTest, StatusChangeIsRecordedWithWhoAndNote) {
  auto const id = seeder.add(test::seed("2026-11-20", "2026-12-04"));
  auto r = server.call("POST", "/api/v1/cases/" + id + "/status", kCenterToken,
                       R"({"status":"accepted","note":"材料齐全，已受理","who":"li.si"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto const answer = json::parse(r->body);
  EXPECT_EQ(answer["previous"], "submitted");
  EXPECT_EQ(answer["case"]["status"], "accepted");
  auto const stored = get_json("/api/v1/cases/" + id);
  EXPECT_EQ(stored["status"], "accepted");
  auto const last = stored["history"].back();
  EXPECT_EQ(last["what"], "accepted");
  EXPECT_EQ(last["who"], "li.si");
  EXPECT_EQ(last["note"], "材料齐全，已受理");
  EXPECT_EQ(last["at"], test::china_time("2026-11-25"));
  // Without "who", the token's name is recorded.
  r = server.call("POST", "/api/v1/cases/" + id + "/status", kCenterToken, R"({"status":"in_progress"})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(get_json("/api/v1/cases/" + id)["history"].back()["who"], "center");
}

TEST_F(CenterApiTest, RefusedTransitionIs409WithTheCurrentStatus) {
  auto const id = seeder.add(test::seed("2026-11-20", "2026-12-04"));
  auto r = server.call("POST", "/api/v1/cases/" + id + "/status", kCenterToken, R"({"status":"closed"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  auto const answer = json::parse(r->body);
  EXPECT_EQ(answer["current"], "submitted");
  EXPECT_EQ(answer["allowed"], json::array({"accepted", "rejected"}));
  EXPECT_EQ(get_json("/api/v1/cases/" + id)["history"].size(), 1u);
}

TEST_F(CenterApiTest, RejectingOrAskingForMaterialsNeedsANote) {
  auto const id = seeder.add(test::seed("2026-11-20", "2026-12-04"));
  auto r = server.call("POST", "/api/v1/cases/" + id + "/status", kCenterToken, R"({"status":"rejected","note":"  "})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("note"), std::string::npos);
  r = server.call("POST", "/api/v1/cases/" + id + "/status", kCenterToken,
                  R"({"status":"rejected","note":"不符合条件：身份证 11010519491231002X 已过期"})");
  ASSERT_EQ(r->status, 200) << r->body;
  auto const note = get_json("/api/v1/cases/" + id)["history"].back()["note"].get<std::string>();
  EXPECT_EQ(note.find("11010519491231002X"), std::string::npos) << note;  // masked before storing
}

TEST_F(CenterApiTest, MalformedBodiesAre400) {
  auto const id = seeder.add(test::seed("2026-11-20", "2026-12-04"));
  for (auto const* body : {"not json", R"(["accepted"])", R"({"status":"done"})", R"({"status":"accepted","stauts":1})",
                           R"({"status":"accepted","who":""})", R"({"status":7})"}) {
    auto r = server.call("POST", "/api/v1/cases/" + id + "/status", kCenterToken, body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body << " → " << r->body;
  }
  EXPECT_EQ(get_json("/api/v1/cases/" + id)["status"], "submitted");
}

class CenterReportTest : public CenterApiTest {
 protected:
  CenterReportTest() {
    // public_security: on time across National Day (4 working days), late (10), open past its
    // deadline, open in time; hrss: rejected.
    seeder.add(test::seed("2026-09-28", "2026-10-12", test::path_to("closed", "2026-09-28", "2026-10-09")));
    seeder.add(test::seed("2026-09-01", "2026-09-10", test::path_to("closed", "2026-09-01", "2026-09-15"), "talent.b"));
    seeder.add(test::seed("2026-11-02", "2026-11-16", {}, "talent.c"));
    seeder.add(test::seed("2026-11-20", "2026-12-04", {}, "talent.d"));
    seeder.add(test::seed("2026-10-15", "2026-10-30", test::path_to("rejected", "2026-10-15", "2026-10-20"),
                          "talent.e", "hrss"));
    seeder.complaint("1-0", "public_security", "2026-10-01");
    seeder.complaint("2-0", "public_security", "2026-05-01");
  }
};

TEST_F(CenterReportTest, JsonHasEveryDepartmentAndTheFigures) {
  auto const r = get_json("/api/v1/reports/departments?from=2026-07-01&to=2026-12-31");
  auto const knowledge = intents::Knowledge::load(std::string(TALENTBOT_SOURCE_DIR) + "/intents/knowledge");
  ASSERT_EQ(r["departments"].size(), knowledge->departments().size());
  json ps;
  for (auto const& row : r["departments"])
    if (row["department"] == "public_security") ps = row;
  EXPECT_EQ(ps["received"], 4);
  EXPECT_EQ(ps["closed"], 2);
  EXPECT_EQ(ps["closed_on_time"], 1);
  EXPECT_EQ(ps["overdue"], 2);
  EXPECT_EQ(ps["median_working_days_to_close"], 7);  // of 4 and 10
  EXPECT_EQ(ps["complaints"], 1);
  EXPECT_EQ(r["total"]["rejected"], 1);
  EXPECT_EQ(r["total"]["received"], 5);
}

TEST_F(CenterReportTest, ADepartmentThatLeftTheKnowledgeBaseKeepsItsCasesInTheReport) {
  seeder.add(test::seed("2026-10-10", "2026-10-20", {}, "talent.f", "labor_bureau"));  // merged away since
  auto const r = get_json("/api/v1/reports/departments?from=2026-07-01&to=2026-12-31");
  json labor;
  for (auto const& row : r["departments"])
    if (row["department"] == "labor_bureau") labor = row;
  ASSERT_FALSE(labor.is_null()) << r.dump();
  EXPECT_EQ(labor["received"], 1);
  EXPECT_EQ(r["total"]["received"], 6);
}

TEST_F(CenterReportTest, DefaultsToTheCurrentHalfYear) {
  auto const r = get_json("/api/v1/reports/departments");
  EXPECT_EQ(r["from"], "2026-07-01");
  EXPECT_EQ(r["to"], "2026-12-31");
  EXPECT_EQ(r["as_of"], "2026-11-25");
  EXPECT_EQ(r["total"]["received"], 5);
}

TEST_F(CenterReportTest, CsvIsADownloadWithAHeaderAndARowPerDepartment) {
  auto r = server.call("GET", "/api/v1/reports/departments?from=2026-07-01&to=2026-12-31&format=csv", kAuditorToken);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(lower(r->headers).find("content-type: text/csv; charset=utf-8"), std::string::npos) << r->headers;
  EXPECT_NE(r->headers.find("talentbot-report-2026-07-01-to-2026-12-31.csv"), std::string::npos);
  auto const knowledge = intents::Knowledge::load(std::string(TALENTBOT_SOURCE_DIR) + "/intents/knowledge");
  EXPECT_EQ(static_cast<std::size_t>(std::count(r->body.begin(), r->body.end(), '\n')),
            knowledge->departments().size() + 2);  // header, departments, total
  EXPECT_EQ(r->body.find("\xEF\xBB\xBF" "department,name,received,closed,closed_on_time"), 0u);
  EXPECT_NE(r->body.find("\r\npublic_security,市公安局,4,2,1,0,2,7,1\r\n"), std::string::npos) << r->body;
}

TEST(CenterApiOff, EveryRouteAnswers404SayingTheApiIsOff) {
  test::PrivateRedis redis;
  CenterApiServer server(redis.url(), "");
  for (auto const* path : {"/api/v1/cases", "/api/v1/cases/GC20261124-0001", "/api/v1/reports/departments"}) {
    auto r = server.call("GET", path, kCenterToken);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_NE(r->body.find("the center API is off"), std::string::npos) << r->body;
  }
}

}  // namespace
}  // namespace talentbot::bot
