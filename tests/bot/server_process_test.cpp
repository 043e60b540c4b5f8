// The real talentbot binary, started as users start it: readiness follows Redis, the embedded
// Redis default, config errors, and a graceful exit on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot {
namespace {

using namespace std::chrono_literals;

using test::eventually_status;

TEST(ServerProcess, ReadinessFollowsRedisAndRecoversWithoutRestart) {
  test::PrivateRedis redis;
  auto env = test::test_server_env();
  env["TALENTBOT_REDIS_URL"] = redis.url();
  test::ChildProcess server({TALENTBOT_BINARY}, env);
  auto port = test::wait_listening_port(server);
  ASSERT_TRUE(port) << server.log();
  EXPECT_TRUE(eventually_status(*port, "/readyz", 200));
  EXPECT_EQ(test::http_request(*port, "GET", "/healthz")->body, "ok");

  redis.server().kill();
  EXPECT_TRUE(eventually_status(*port, "/readyz", 503));
  EXPECT_EQ(test::http_request(*port, "GET", "/healthz")->status, 200);  // alive, just not ready

  ASSERT_FALSE(redis.server().restart());
  EXPECT_TRUE(eventually_status(*port, "/readyz", 200));
  auto metrics = test::http_request(*port, "GET", "/metrics");
  EXPECT_NE(metrics->body.find("talentbot_redis_connects_total{result=\"ok\"} 2"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("talentbot_build_info{version="), std::string::npos);

  // The outage is logged when it starts, not once per reconnect attempt.
  auto const log = server.log();
  std::size_t warnings = 0;
  for (auto p = log.find("event=redis.connect_failed"); p != std::string::npos; p = log.find("event=redis.connect_failed", p + 1))
    if (log.rfind("level=warn", p) > log.rfind('\n', p) || log.rfind('\n', p) == std::string::npos) ++warnings;
  EXPECT_LE(warnings, 1u);

  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(10s), 0);
}

// The binary with no redis.url, so it runs its own redis-server under a fresh data directory.
struct ServerWithItsOwnRedis {
  std::string dir = test::make_temp_dir();
  test::ChildProcess server{{TALENTBOT_BINARY}, [this] {
                              auto env = test::test_server_env();
                              env["TALENTBOT_REDIS_DATA_DIR"] = dir + "/redis";
                              return env;
                            }()};
  std::uint16_t port = 0;
  int redis_pid = 0;

  // Waits until the server is ready and its Redis child is known; false (with the log) if not.
  ::testing::AssertionResult ready() {
    auto p = test::wait_listening_port(server);
    if (!p) return ::testing::AssertionFailure() << server.log();
    port = *p;
    if (!eventually_status(port, "/readyz", 200)) return ::testing::AssertionFailure() << server.log();
    auto pid_text = server.wait_for_log("event=redis.embedded_started pid=");
    if (!pid_text) return ::testing::AssertionFailure() << server.log();
    redis_pid = std::stoi(*pid_text);
    return ::testing::AssertionSuccess();
  }
  ~ServerWithItsOwnRedis() { std::filesystem::remove_all(dir); }
};

TEST(ServerProcess, StartsItsOwnRedisWhenNoneIsConfiguredAndStopsItOnExit) {
  ServerWithItsOwnRedis own;
  ASSERT_TRUE(own.ready());
  auto& server = own.server;
  auto const& dir = own.dir;
  int const redis_pid = own.redis_pid;
  EXPECT_EQ(::kill(redis_pid, 0), 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/redis/appendonlydir") || std::filesystem::exists(dir + "/redis/appendonly.aof"));

  server.signal(SIGINT);
  EXPECT_EQ(server.wait_exit(10s), 0);
  // The child is reaped by the server; give the kernel a moment to drop the pid.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::kill(redis_pid, 0) != 0;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
}

TEST(ServerProcess, ItsOwnRedisIsRestartedAfterACrashAndKeepsTheData) {
  ServerWithItsOwnRedis own;
  ASSERT_TRUE(own.ready());
  auto& server = own.server;
  auto const& dir = own.dir;
  auto const cli = "redis-cli -s " + dir + "/redis/redis.sock ";
  ASSERT_EQ(std::system((cli + "SET kept-across-crash yes >/dev/null").c_str()), 0);
  std::this_thread::sleep_for(1200ms);  // appendfsync everysec
  ::kill(own.redis_pid, SIGKILL);
  EXPECT_TRUE(eventually_status(own.port, "/readyz", 503, 5s));
  EXPECT_TRUE(eventually_status(own.port, "/readyz", 200, 10s)) << server.log();
  std::string value;
  if (FILE* p = ::popen((cli + "GET kept-across-crash").c_str(), "r")) {
    char buf[64] = {};
    if (std::fgets(buf, sizeof buf, p)) value = buf;
    ::pclose(p);
  }
  EXPECT_EQ(value, "yes\n");
  EXPECT_NE(server.log().find("event=redis.embedded_died"), std::string::npos);
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(10s), 0);
}

TEST(ServerProcess, ConfigErrorsExitWithCode2AndNameTheKey) {
  auto env = test::test_server_env();
  env["TALENTBOT_SERVER_LISTEN"] = "nowhere";
  test::ChildProcess server({TALENTBOT_BINARY}, env);
  EXPECT_EQ(server.wait_exit(5s), 2);
  EXPECT_NE(server.log().find("config error: TALENTBOT_SERVER_LISTEN: server.listen: expected host:port"),
            std::string::npos)
      << server.log();
}

TEST(ServerProcess, CheckConfigAcceptsTheExampleAndHidesSecrets) {
  test::ChildProcess check({TALENTBOT_BINARY, "--check-config", TALENTBOT_SOURCE_DIR "/deploy/talentbot.example.yaml"}, {});
  EXPECT_EQ(check.wait_exit(5s), 0);
  auto const out = check.log();
  EXPECT_NE(out.find("config ok"), std::string::npos);
  EXPECT_NE(out.find("wecom.secret = (set, hidden)"), std::string::npos);
  EXPECT_EQ(out.find("replace-with-app-secret"), std::string::npos);
}

TEST(ServerProcess, PortInUseIsAClearStartupError) {
  test::PrivateRedis redis;
  auto env = test::test_server_env();
  env["TALENTBOT_REDIS_URL"] = redis.url();
  test::ChildProcess first({TALENTBOT_BINARY}, env);
  auto port = test::wait_listening_port(first);
  ASSERT_TRUE(port);
  env["TALENTBOT_SERVER_LISTEN"] = "127.0.0.1:" + std::to_string(*port);
  test::ChildProcess second({TALENTBOT_BINARY}, env);
  EXPECT_EQ(second.wait_exit(5s), 1);
  EXPECT_NE(second.log().find("event=startup.failed reason=\"cannot listen\""), std::string::npos) << second.log();
}

}  // namespace
}  // namespace talentbot
