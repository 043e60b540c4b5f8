// The real talentbot binary serves the center API when tokens are configured.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot {
namespace {

using namespace std::chrono_literals;

constexpr char kToken[] = "process-test-token-0123456789";

TEST(CenterApiProcess, ServesTheArchiveWithTokensFromTheEnvironment) {
  test::PrivateRedis redis;
  auto env = test::test_server_env();
  env["TALENTBOT_REDIS_URL"] = redis.url();
  env["TALENTBOT_API_TOKENS"] = std::string("center=") + kToken;
  test::ChildProcess server({TALENTBOT_BINARY}, env);
  auto port = test::wait_listening_port(server);
  ASSERT_TRUE(port) << server.log();
  // Listening comes before the first Redis connection: until then the archive is a 503.
  ASSERT_TRUE(test::eventually_status(*port, "/readyz", 200)) << server.log();

  test::HttpConnection c(*port);
  auto r = c.request("GET", "/api/v1/reports/departments?from=2026-01-01&to=2026-06-30", {},
                     std::string("Authorization: Bearer ") + kToken + "\r\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body << server.log();
  auto const report = nlohmann::json::parse(r->body);
  EXPECT_EQ(report["from"], "2026-01-01");
  EXPECT_GT(report["departments"].size(), 10u);
  EXPECT_EQ(test::http_request(*port, "GET", "/api/v1/cases")->status, 401);

  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(10s), 0);
  EXPECT_EQ(server.log().find(kToken), std::string::npos);
}

TEST(CenterApiProcess, IsOffWithoutTokens) {
  test::PrivateRedis redis;
  auto env = test::test_server_env();
  env["TALENTBOT_REDIS_URL"] = redis.url();
  test::ChildProcess server({TALENTBOT_BINARY}, env);
  auto port = test::wait_listening_port(server);
  ASSERT_TRUE(port) << server.log();
  auto r = test::http_request(*port, "GET", "/api/v1/cases");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("api.tokens"), std::string::npos);
  EXPECT_NE(server.log().find("event=api.disabled"), std::string::npos);
}

}  // namespace
}  // namespace talentbot
