#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "bot/config.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot::config {
namespace {

struct ConfigFile {
  std::string path;
  explicit ConfigFile(std::string const& text) : path(test::make_temp_dir() + "/talentbot.yaml") {
    std::ofstream(path) << text;
  }
};

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string const& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

constexpr char kWecom[] =
    "wecom:\n"
    "  corp_id: ww123\n"
    "  token: QDG6eK\n"
    "  encoding_aes_key: jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C\n"
    "  agent_id: 1000002\n"
    "  secret: very-secret-value\n";

bool any_error_contains(LoadResult const& r, std::string const& text) {
  for (auto const& e : r.errors)
    if (e.find(text) != std::string::npos) return true;
  return false;
}

TEST(Config, ExampleFileIsValid) {
  auto r = load(TALENTBOT_SOURCE_DIR "/deploy/talentbot.example.yaml", env_of({}));
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors.front());
}

TEST(Config, DefaultsApplyWhereTheFileIsSilent) {
  ConfigFile f(kWecom);
  auto r = load(f.path, env_of({}));
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->server.host, "127.0.0.1");
  EXPECT_EQ(r.config->server.port, 8080);
  EXPECT_EQ(r.config->server.body_limit, 64u * 1024);
  EXPECT_TRUE(r.config->redis.url.empty());
  EXPECT_EQ(r.config->wecom.api_base, "https://qyapi.weixin.qq.com");
  EXPECT_EQ(r.config->wecom.agent_id, 1000002);
}

TEST(Config, EnvironmentOverridesTheFile) {
  ConfigFile f(std::string(kWecom) + "server:\n  listen: 127.0.0.1:9000\n");
  auto r = load(f.path, env_of({{"TALENTBOT_SERVER_LISTEN", "0.0.0.0:7000"},
                                {"TALENTBOT_REDIS_URL", "redis://127.0.0.1:6390/2"},
                                {"TALENTBOT_SERVER_READ_TIMEOUT", "250ms"},
                                {"TALENTBOT_WECOM_ENCODING_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}}));
  ASSERT_TRUE(r.config) << r.errors.front();
  EXPECT_EQ(r.config->server.host, "0.0.0.0");
  EXPECT_EQ(r.config->server.port, 7000);
  EXPECT_EQ(r.config->redis.url, "redis://127.0.0.1:6390/2");
  EXPECT_EQ(r.config->server.read_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(r.config->wecom.encoding_aes_key, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
}

TEST(Config, UnknownKeyIsNamedWithFileAndLine) {
  ConfigFile f(std::string(kWecom) + "server:\n  listen: 127.0.0.1:9000\n  lisen: 1\n");
  auto r = load(f.path, env_of({}));
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], f.path + ":9: unknown key 'server.lisen'");
}

TEST(Config, UnknownSectionIsRejected) {
  ConfigFile f(std::string(kWecom) + "serverr:\n  listen: 1\n");
  auto r = load(f.path, env_of({}));
  EXPECT_TRUE(any_error_contains(r, "unknown section 'serverr'"));
}

TEST(Config, WrongTypesAreRejectedWithTheKey) {
  ConfigFile f(std::string(kWecom) +
               "server:\n  threads: many\n  read_timeout: 10\n  body_limit: 1GB\nlog:\n  level: loud\n  access: maybe\n");
  auto r = load(f.path, env_of({}));
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(any_error_contains(r, ":8: server.threads: expected an integer"));
  EXPECT_TRUE(any_error_contains(r, ":9: server.read_timeout: expected a duration"));
  EXPECT_TRUE(any_error_contains(r, ":10: server.body_limit: expected a size"));
  EXPECT_TRUE(any_error_contains(r, ":12: log.level: expected debug, info"));
  EXPECT_TRUE(any_error_contains(r, ":13: log.access: expected true or false"));
}

TEST(Config, BadAddressesAreRejected) {
  for (auto const* listen : {"localhost", "256.1.1.1:80", "127.0.0.1:70000", "example.com:80"}) {
    auto r = load("", env_of({{"TALENTBOT_SERVER_LISTEN", listen}}));
    EXPECT_TRUE(any_error_contains(r, "TALENTBOT_SERVER_LISTEN: server.listen:")) << listen;
  }
  auto redis = load("", env_of({{"TALENTBOT_REDIS_URL", "localhost:6379"}}));
  EXPECT_TRUE(any_error_contains(redis, "redis.url: expected redis://"));
  auto plain = load("", env_of({{"TALENTBOT_WECOM_API_BASE", "http://qyapi.weixin.qq.com"}}));
  EXPECT_TRUE(any_error_contains(plain, "plain http:// is allowed only for a loopback host"));
  auto lookalike = load("", env_of({{"TALENTBOT_WECOM_API_BASE", "http://127.evil.example/"}}));
  EXPECT_TRUE(any_error_contains(lookalike, "plain http:// is allowed only for a loopback host"));
  auto loopback = load("", env_of({{"TALENTBOT_WECOM_API_BASE", "http://127.0.0.1:8090/"}}));
  EXPECT_FALSE(any_error_contains(loopback, "api_base"));
}

TEST(Config, MissingRequiredValuesNameTheKeyAndTheVariable) {
  auto r = load("", env_of({}));
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(any_error_contains(r, "missing required key 'wecom.corp_id' (or set TALENTBOT_WECOM_CORP_ID)"));
  EXPECT_TRUE(any_error_contains(r, "missing required key 'wecom.secret'"));
}

TEST(Config, SecretsNeverAppearInErrorsOrListings) {
  ConfigFile f("wecom:\n  corp_id: ww1\n  token: 'bad token!'\n  encoding_aes_key: short-secret-key\n"
               "  agent_id: 1\n  secret: very-secret-value\n");
  auto r = load(f.path, env_of({}));
  for (auto const& e : r.errors) {
    EXPECT_EQ(e.find("bad token!"), std::string::npos) << e;
    EXPECT_EQ(e.find("short-secret-key"), std::string::npos) << e;
  }
  ConfigFile good(kWecom);
  auto ok = load(good.path, env_of({{"TALENTBOT_REDIS_URL", "redis://:hunter2@127.0.0.1:6379"}}));
  ASSERT_TRUE(ok.config);
  auto const listing = describe(*ok.config);
  EXPECT_EQ(listing.find("very-secret-value"), std::string::npos);
  EXPECT_EQ(listing.find("QDG6eK"), std::string::npos);
  EXPECT_EQ(listing.find("hunter2"), std::string::npos);
  EXPECT_NE(listing.find("wecom.corp_id = ww123"), std::string::npos);
}

TEST(Config, YamlSyntaxErrorsGiveTheLine) {
  ConfigFile f("server:\n  listen: [unclosed\n");
  auto r = load(f.path, env_of({}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("YAML syntax error"), std::string::npos);
  auto missing = load("/nonexistent/talentbot.yaml", env_of({}));
  EXPECT_EQ(missing.errors.at(0), "/nonexistent/talentbot.yaml: cannot read the file");
}

TEST(Config, AppointmentDefaultsAreTheUsualOfficeDay) {
  ConfigFile f(kWecom);
  auto r = load(f.path, env_of({}));
  ASSERT_TRUE(r.config);
  auto const& a = r.config->appointments;
  EXPECT_EQ(format_window_hours(a.hours), "09:00-12:00,13:30-17:30");
  EXPECT_EQ(a.slot, std::chrono::minutes(30));
  EXPECT_EQ(a.capacity, 2);
  EXPECT_EQ(a.days_ahead, 14);
  EXPECT_EQ(a.lead_time, std::chrono::hours(2));
  EXPECT_EQ(format_reminder_offsets(a.reminders), "24h,1h");
  EXPECT_NE(describe(*r.config).find("appointments.hours = 09:00-12:00,13:30-17:30"), std::string::npos);
}

TEST(Config, AppointmentKeysComeFromTheFileAndTheEnvironment) {
  ConfigFile f(std::string(kWecom) + "appointments:\n  hours: \"8:30-11:30, 14:00-24:00\"\n  slot: 20m\n");
  auto r = load(f.path, env_of({{"TALENTBOT_APPOINTMENTS_CAPACITY", "3"},
                                {"TALENTBOT_APPOINTMENTS_REMINDERS", "1h, 30m,24h"},
                                {"TALENTBOT_APPOINTMENTS_LEAD_TIME", "90m"}}));
  ASSERT_TRUE(r.config) << r.errors.front();
  auto const& a = r.config->appointments;
  EXPECT_EQ(format_window_hours(a.hours), "08:30-11:30,14:00-24:00");
  EXPECT_EQ(a.slot, std::chrono::minutes(20));
  EXPECT_EQ(a.capacity, 3);
  EXPECT_EQ(a.lead_time, std::chrono::minutes(90));
  EXPECT_EQ(format_reminder_offsets(a.reminders), "24h,1h,30m");  // longest first
  auto none = load(f.path, env_of({{"TALENTBOT_APPOINTMENTS_REMINDERS", ""}}));
  ASSERT_TRUE(none.config);
  EXPECT_TRUE(none.config->appointments.reminders.empty());
}

TEST(Config, BadAppointmentValuesAreRejectedOnOneLineEach) {
  struct Bad {
    char const* variable;
    char const* value;
    char const* message;
  };
  Bad const cases[] = {
      {"TALENTBOT_APPOINTMENTS_HOURS", "9-12", "expected opening hours like 09:00-12:00"},
      {"TALENTBOT_APPOINTMENTS_SLOT", "90s", "must be whole minutes"},
      {"TALENTBOT_APPOINTMENTS_CAPACITY", "0", "must be between 1 and 100"},
      {"TALENTBOT_APPOINTMENTS_DAYS_AHEAD", "365", "must be between 1 and 90"},
      {"TALENTBOT_APPOINTMENTS_LEAD_TIME", "73h", "must be between 0m and 72h"},
      {"TALENTBOT_APPOINTMENTS_REMINDERS", "1h,60m", "names an offset twice"},
  };
  for (auto const& bad : cases) {
    auto r = load("", env_of({{bad.variable, bad.value}}));
    EXPECT_TRUE(any_error_contains(r, std::string(bad.variable) + ": appointments.")) << bad.variable;
    EXPECT_TRUE(any_error_contains(r, bad.message)) << bad.variable;
  }
  EXPECT_TRUE(any_error_contains(load("", env_of({{"TALENTBOT_APPOINTMENTS_LEAD_TIME", "4d"}})), "expected a duration"));
  auto order = load("", env_of({{"TALENTBOT_APPOINTMENTS_HOURS", "13:30-17:30,09:00-12:00"}}));
  EXPECT_TRUE(any_error_contains(order, "overlaps or precedes the span before it"));
  auto backwards = load("", env_of({{"TALENTBOT_APPOINTMENTS_HOURS", "12:00-09:00"}}));
  EXPECT_TRUE(any_error_contains(backwards, "'12:00-09:00' closes before it opens"));
  auto short_span = load("", env_of({{"TALENTBOT_APPOINTMENTS_HOURS", "09:00-12:00,13:30-13:50"}}));
  EXPECT_TRUE(any_error_contains(short_span, "appointments.hours: 13:30-13:50 is shorter than one slot (30m)"));
}

}  // namespace
}  // namespace talentbot::config
