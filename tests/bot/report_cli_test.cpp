// `talentbot report` as users run it: the real binary against a real redis-server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/bot/seed_archive.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot {
namespace {

using namespace std::chrono_literals;

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Run report(std::vector<std::string> args, std::map<std::string, std::string> env) {
  args.insert(args.begin(), {TALENTBOT_BINARY, "report"});
  test::ChildProcess p(args, env);
  Run r;
  r.exit_code = p.wait_exit(20s).value_or(-1);
  r.output = p.log();
  return r;
}

std::size_t lines(std::string const& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

TEST(ReportCommand, BadDatesExitWith2AndOneLine) {
  for (auto const& args : std::vector<std::vector<std::string>>{{"--from", "2026-13-01"},
                                                                {"--to", "31/12/2026"},
                                                                {"--from", "2026-12-01", "--to", "2026-11-01"}}) {
    auto const r = report(args, {{"TALENTBOT_REDIS_URL", "redis://127.0.0.1:1/0"}});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(lines(r.output), 1u) << r.output;
    EXPECT_EQ(r.output.find("report: "), 0u) << r.output;
  }
}

TEST(ReportCommand, UnknownArgumentsAndFormatsExitWith2) {
  EXPECT_EQ(report({"--since", "2026-01-01"}, {}).exit_code, 2);
  EXPECT_EQ(report({"--format", "xlsx"}, {}).exit_code, 2);
  EXPECT_EQ(report({"--from"}, {}).exit_code, 2);
}

TEST(ReportCommand, WithoutARedisUrlItSaysWhereToPointIt) {
  auto const r = report({}, {{"TALENTBOT_REDIS_URL", ""}, {"TALENTBOT_REDIS_DATA_DIR", "/srv/talentbot/redis"}});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(lines(r.output), 1u) << r.output;
  EXPECT_NE(r.output.find("redis.url is empty"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("unix:///srv/talentbot/redis/redis.sock"), std::string::npos) << r.output;
}

TEST(ReportCommand, UnreachableRedisExitsWith1) {
  auto const r = report({}, {{"TALENTBOT_REDIS_URL", "unix:///nonexistent/redis.sock"}});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("unix:///nonexistent/redis.sock"), std::string::npos) << r.output;
}

TEST(ReportCommand, PrintsTheServersFiguresAsJsonAndCsv) {
  test::PrivateRedis redis;
  {
    test::ArchiveSeeder seeder(redis.url());
    seeder.add(test::seed("2026-09-28", "2026-10-12", test::path_to("closed", "2026-09-28", "2026-10-09")));
    seeder.add(test::seed("2026-09-01", "2026-09-10", test::path_to("closed", "2026-09-01", "2026-09-15"), "talent.b"));
    seeder.complaint("1-0", "public_security", "2026-10-01");
  }
  std::map<std::string, std::string> const env{{"TALENTBOT_REDIS_URL", redis.url()}};
  auto const json_run = report({"--from", "2026-07-01", "--to", "2026-12-31"}, env);
  ASSERT_EQ(json_run.exit_code, 0) << json_run.output;
  auto const j = nlohmann::json::parse(json_run.output);
  EXPECT_EQ(j["from"], "2026-07-01");
  EXPECT_EQ(j["total"]["received"], 2);
  EXPECT_EQ(j["total"]["closed_on_time"], 1);
  EXPECT_EQ(j["total"]["median_working_days_to_close"], 7);
  EXPECT_EQ(j["total"]["complaints"], 1);

  auto const csv_run = report({"--from", "2026-07-01", "--to", "2026-12-31", "--format", "csv"}, env);
  ASSERT_EQ(csv_run.exit_code, 0) << csv_run.output;
  EXPECT_NE(csv_run.output.find("\r\npublic_security,市公安局,2,2,1,0,1,7,1\r\n"), std::string::npos) << csv_run.output;
  EXPECT_NE(csv_run.output.find("\r\ntotal,合计,2,2,1,0,1,7,1\r\n"), std::string::npos) << csv_run.output;
}

}  // namespace
}  // namespace talentbot
