// A person in the same chat, end to end through the simulator: a talent asks for a person, two
// specialists accept at once and one wins, the messages written while waiting reach the winner,
// they talk both ways through a restart, and the specialist hands back to the bot.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/stack.hpp"

namespace talentbot {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

bool has(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

// Waits until `user` has more than `before` messages containing `needle`; returns them all.
std::string wait_for(test::Stack& stack, std::string const& user, std::string const& needle,
                     std::chrono::milliseconds limit = 15s) {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  std::string all;
  while (std::chrono::steady_clock::now() < deadline) {
    all = stack.wait_messages(user, 0).dump();
    if (has(all, needle)) return all;
    std::this_thread::sleep_for(100ms);
  }
  return all;
}

std::string task_with(json const& messages, std::string const& key) {
  for (auto const& m : messages)
    if (m.contains("template_card") && has(m["template_card"].dump(), key)) return m["template_card"].value("task_id", "");
  return {};
}

TEST(HandoffEndToEnd, TalentAndSpecialistTalkInTheSameChatThenBackToTheBot) {
  test::Stack stack;
  stack.send_text("talent_h", "落户需要什么材料");
  ASSERT_TRUE(has(wait_for(stack, "talent_h", "所需材料"), "所需材料"));
  stack.send_text("talent_h", "转人工");
  auto const key = "handoff:talent_h:accept";
  auto const lead_cards = wait_for(stack, "ps_lead01", key);
  auto const svc_cards = wait_for(stack, "ps_svc01", key);
  ASSERT_TRUE(has(lead_cards, key)) << stack.bot().log();
  ASSERT_TRUE(has(svc_cards, key));
  EXPECT_FALSE(has(wait_for(stack, "hrss_lead01", key, 500ms), key));  // another department is not asked

  // Written while nobody has accepted yet: kept, said once.
  stack.send_text("talent_h", "我是医院的博士，想问问配偶能不能一起落户");
  EXPECT_TRUE(has(wait_for(stack, "talent_h", "已记录"), "已记录"));

  // Both accept at once: one wins, the other is told.
  auto const lead_task = task_with(json::parse(lead_cards), key);
  auto const svc_task = task_with(json::parse(svc_cards), key);
  std::thread a([&] { stack.click("ps_lead01", lead_task, key); });
  std::thread b([&] { stack.click("ps_svc01", svc_task, key); });
  a.join();
  b.join();
  auto const lead_now = wait_for(stack, "ps_lead01", "接入。");
  auto const svc_now = wait_for(stack, "ps_svc01", "接入。");
  bool const lead_won = has(lead_now, "已接入 #talent_h");
  bool const svc_won = has(svc_now, "已接入 #talent_h");
  ASSERT_NE(lead_won, svc_won) << lead_now << "\n" << svc_now;
  std::string const winner = lead_won ? "ps_lead01" : "ps_svc01";
  std::string const loser = lead_won ? "ps_svc01" : "ps_lead01";
  EXPECT_TRUE(has(wait_for(stack, loser, "该对话已由"), "该对话已由"));
  EXPECT_TRUE(has(wait_for(stack, winner, "配偶能不能一起落户"), "配偶能不能一起落户"));  // the waiting message
  EXPECT_TRUE(has(wait_for(stack, "talent_h", "我已接入"), "市公安局"));

  // Both ways, with the prefixes; the bot stays silent meanwhile.
  stack.send_text("talent_h", "配偶需要带结婚证吗");
  EXPECT_TRUE(has(wait_for(stack, winner, "【#talent_h】配偶需要带结婚证吗"), "【#talent_h】配偶需要带结婚证吗"));
  stack.send_text(winner, "需要，带结婚证原件和复印件");
  auto const relayed = wait_for(stack, "talent_h", "结婚证原件");
  EXPECT_TRUE(has(relayed, "【市公安局 "));
  EXPECT_TRUE(has(relayed, "专员】需要，带结婚证原件和复印件"));

  // A restart in the middle of the relay loses nothing.
  stack.restart_bot();
  stack.send_text("talent_h", "好的谢谢，那多久能办好");
  EXPECT_TRUE(has(wait_for(stack, winner, "多久能办好"), "多久能办好")) << stack.bot().log();

  stack.send_text(winner, "/handback");
  EXPECT_TRUE(has(wait_for(stack, "talent_h", "本次人工服务结束"), "本次人工服务结束"));
  EXPECT_TRUE(has(wait_for(stack, winner, "已交还机器人"), "已交还机器人"));
  stack.send_text("talent_h", "落户要多久");
  EXPECT_TRUE(has(wait_for(stack, "talent_h", "办理流程"), "办理流程")) << stack.bot().log();
  EXPECT_FALSE(has(wait_for(stack, winner, "落户要多久", 1s), "落户要多久"));
}

}  // namespace
}  // namespace talentbot
