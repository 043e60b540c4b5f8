// Applying and following a case through the simulator: the real bot, Redis and WeCom protocol.
#include <gtest/gtest.h>

#include <regex>

#include "tests/support/stack.hpp"
#include "tests/support/talent.hpp"

namespace talentbot {
namespace {

using test::Talent;

std::string case_id_in(std::string const& text) {
  std::smatch m;
  return std::regex_search(text, m, std::regex("GC[0-9]{8}-[0-9]{4}")) ? m.str() : std::string();
}

bool has(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

TEST(CaseFlowEndToEnd, ApplyConfirmFollowAndNoSecondCase) {
  test::Stack stack;
  Talent talent(stack, "talent_apply");
  EXPECT_TRUE(has(talent.say("我要申请人才落户"), "姓名"));
  EXPECT_TRUE(has(talent.say("张伟"), "手机号码"));
  EXPECT_TRUE(has(talent.say("13812345678"), "工作单位"));
  EXPECT_TRUE(has(talent.say("平顶山学院"), "身份证"));
  auto const confirm = talent.say("11010519491231002X");
  EXPECT_TRUE(has(confirm, "请核对申请信息")) << confirm;
  EXPECT_FALSE(has(confirm, "11010519491231002X"));
  auto const receipt = talent.click("apply:confirm");
  auto const id = case_id_in(receipt);
  ASSERT_FALSE(id.empty()) << receipt << stack.bot().log();
  EXPECT_TRUE(has(receipt, "公安")) << receipt;  // the responsible department
  EXPECT_TRUE(has(receipt, "个工作日")) << receipt;

  auto const progress = talent.say(id + " 进度");
  EXPECT_TRUE(has(progress, "已提交")) << progress;
  EXPECT_TRUE(has(progress, "办理记录")) << progress;
  EXPECT_TRUE(has(talent.say("我的申请到哪一步了"), id));

  // Applying again for the same service while it is open gives the open case, not a second one.
  talent.say("我要申请人才落户");
  talent.say("张伟");
  talent.say("13812345678");
  talent.say("平顶山学院");
  talent.say("11010519491231002X");
  auto const again = talent.say("确认");
  EXPECT_TRUE(has(again, "无需重复提交")) << again;
  EXPECT_EQ(case_id_in(again), id);
  // The log never holds the ID number or the phone number.
  EXPECT_FALSE(has(stack.bot().log(), "0519491231"));
  EXPECT_FALSE(has(stack.bot().log(), "13812345678"));
}

TEST(CaseFlowEndToEnd, SomeoneElsesCaseAndAnUnknownIdGetTheSameAnswer) {
  test::Stack stack;
  Talent owner(stack, "talent_owner");
  owner.say("I want to apply for a work permit");
  owner.say("Anna Schmidt");
  owner.say("13812345678");
  owner.say("Pingdingshan University");
  auto const receipt = owner.say("yes");
  auto const id = case_id_in(receipt);
  ASSERT_FALSE(id.empty()) << receipt << stack.bot().log();
  EXPECT_TRUE(has(receipt, "working days")) << receipt;

  Talent other(stack, "talent_other");
  auto const theirs = other.say(id + " 进度");
  EXPECT_TRUE(has(theirs, "没有找到")) << theirs;
  EXPECT_FALSE(has(theirs, "Schmidt"));
  EXPECT_FALSE(has(theirs, "外国"));
  auto unknown_id = id;
  unknown_id.back() = unknown_id.back() == '9' ? '8' : '9';
  auto const unknown = other.say(unknown_id + " 进度");
  auto strip = [](std::string s, std::string const& what) {
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what)) s.erase(at, what.size());
    return s;
  };
  EXPECT_EQ(strip(theirs, id), strip(unknown, unknown_id));
}

TEST(CaseFlowEndToEnd, ARestartInTheMiddleOfTheFlowContinuesIt) {
  test::Stack stack;
  Talent talent(stack, "talent_restart");
  talent.say("我要申请人才认定");
  talent.say("李娜");
  stack.restart_bot();
  EXPECT_TRUE(has(talent.say("13912345678"), "工作单位"));
  EXPECT_TRUE(has(talent.say("市第一人民医院"), "请核对申请信息"));
  EXPECT_FALSE(case_id_in(talent.say("确认")).empty()) << stack.bot().log();
}

}  // namespace
}  // namespace talentbot
