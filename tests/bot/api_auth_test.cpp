// Center API tokens: the `api.tokens` syntax, its one-line errors that never show a token, and
// the bearer check.
#include <gtest/gtest.h>

#include "bot/api_auth.hpp"
#include "bot/config.hpp"

namespace talentbot::bot {
namespace {

constexpr char kCenter[] = "c3ntre-0123456789abcdef";
constexpr char kAuditor[] = "aud1tor-0123456789abcdef";

std::vector<config::ApiToken> parse_ok(std::string const& text) {
  std::vector<config::ApiToken> out;
  auto e = config::parse_api_tokens(text, out);
  EXPECT_FALSE(e) << *e;
  return out;
}

std::string parse_error(std::string const& text) {
  std::vector<config::ApiToken> out;
  auto e = config::parse_api_tokens(text, out);
  EXPECT_TRUE(e) << text;
  return e.value_or("");
}

TEST(ApiTokens, NamedTokensWithRoles) {
  auto t = parse_ok(std::string(" center=") + kCenter + " , auditor=" + kAuditor + ":read,ops=" + kCenter + "x:write");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].name, "center");
  EXPECT_EQ(t[0].secret, kCenter);
  EXPECT_TRUE(t[0].write);
  EXPECT_EQ(t[1].name, "auditor");
  EXPECT_EQ(t[1].secret, kAuditor);
  EXPECT_FALSE(t[1].write);
  EXPECT_TRUE(t[2].write);
  EXPECT_TRUE(parse_ok("").empty());
  EXPECT_TRUE(parse_ok("  ").empty());
}

TEST(ApiTokens, MistakesAreOneLineThatNeverShowsTheToken) {
  std::string const secret = "S3cretValue_0123456789";
  for (auto const& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {secret, "entry 1: expected name=TOKEN or name=TOKEN:read"},
           {"center=short", "entry 1 ('center'): the token must be 16 to 256 characters"},
           {"center=" + secret + ":admin", "entry 1 ('center'): the role after ':' must be read or write"},
           {"center=" + secret + ",center=" + secret + "x", "entry 2: the name 'center' is used twice"},
           {"a=" + secret + ",b=" + secret, "entry 2 ('b'): the same token as 'a'"},
           {"a b=" + secret, "entry 1: the name must be"},
           {"a=" + secret + "!", "entry 1 ('a'): the token may hold only"},
       }) {
    auto const e = parse_error(text);
    EXPECT_EQ(e.find(expected), 0u) << e;
    EXPECT_EQ(e.find(secret), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
}

TEST(ApiTokens, ComeFromTheEnvironmentAndAreNeverListed) {
  auto env = [](std::string const& name) -> std::optional<std::string> {
    if (name == "TALENTBOT_API_TOKENS") return std::string("center=") + kCenter;
    return std::nullopt;
  };
  auto loaded = config::load("", env, false);
  ASSERT_TRUE(loaded.config);
  ASSERT_EQ(loaded.config->api.tokens.size(), 1u);
  auto const listing = config::describe(*loaded.config);
  EXPECT_NE(listing.find("api.tokens = (set, hidden)"), std::string::npos);
  EXPECT_EQ(listing.find(kCenter), std::string::npos);
}

class ApiAuthTest : public ::testing::Test {
 protected:
  ApiAuth auth{parse_ok(std::string("center=") + kCenter + ",auditor=" + kAuditor + ":read")};
};

TEST_F(ApiAuthTest, NoHeaderIsMissingAndOtherSchemesAreMalformed) {
  EXPECT_EQ(auth.check("").outcome, ApiAuth::Outcome::missing);
  EXPECT_EQ(auth.check(std::string("Basic ") + kCenter).outcome, ApiAuth::Outcome::malformed);
  EXPECT_EQ(auth.check(kCenter).outcome, ApiAuth::Outcome::malformed);
  EXPECT_EQ(auth.check("Bearer ").outcome, ApiAuth::Outcome::malformed);
}

TEST_F(ApiAuthTest, WrongTokensAreInvalidIncludingPrefixesAndExtensions) {
  std::string const center = kCenter;
  for (auto const& t : {std::string("nope"), center.substr(0, center.size() - 1), center + "0"})
    EXPECT_EQ(auth.check("Bearer " + t).outcome, ApiAuth::Outcome::invalid) << t;
}

TEST_F(ApiAuthTest, ConfiguredTokensNameTheCallerAndItsRole) {
  auto c = auth.check(std::string("Bearer ") + kCenter);
  EXPECT_EQ(c.outcome, ApiAuth::Outcome::ok);
  EXPECT_EQ(c.name, "center");
  EXPECT_TRUE(c.write);
  auto a = auth.check(std::string("bearer  ") + kAuditor);  // the scheme is case-insensitive
  EXPECT_EQ(a.outcome, ApiAuth::Outcome::ok);
  EXPECT_EQ(a.name, "auditor");
  EXPECT_FALSE(a.write);
  EXPECT_TRUE(auth.enabled());
  EXPECT_FALSE(ApiAuth({}).enabled());
}

}  // namespace
}  // namespace talentbot::bot
