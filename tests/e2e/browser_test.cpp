// The simulator's chat page in headless Chromium: a person types as a talent and sees the reply.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "tests/support/stack.hpp"

namespace talentbot {
namespace {

std::string run(std::string const& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

TEST(ChatPage, TalentTypesAndSeesTheBotsReply) {
  char const* npm = std::getenv("TALENTBOT_NPM_CACHE");
  if (!std::filesystem::exists("/usr/bin/chromium")) GTEST_SKIP() << "chromium is not installed (deploy/test.sh installs it)";
  if (std::system("command -v node >/dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  if (!npm || !std::filesystem::exists(std::string(npm) + "/node_modules/playwright-core"))
    GTEST_SKIP() << "playwright-core is not in TALENTBOT_NPM_CACHE (deploy/test.sh installs it)";

  test::Stack stack;
  auto const shot = test::make_temp_dir() + "/chat.png";
  auto const out = run("node " TALENTBOT_SOURCE_DIR "/tests/e2e/browser/chat_page.js http://127.0.0.1:" +
                       std::to_string(stack.sim_port()) + "/ " + shot + " " + npm + " 2>&1");
  auto const result = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
  ASSERT_FALSE(result.is_discarded()) << out;
  ASSERT_TRUE(result.value("ok", false)) << out << stack.bot().log();
  EXPECT_NE(result.value("me", "").find("落户需要什么材料"), std::string::npos);
  EXPECT_FALSE(result.value("bot", "").empty());
  EXPECT_TRUE(std::filesystem::exists(shot));
  std::printf("screenshot: %s\n", shot.c_str());
}

}  // namespace
}  // namespace talentbot
