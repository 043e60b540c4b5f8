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

// 专员办理 and 集中反馈: the department's specialists get the new case with buttons, every step they
// take reaches the talent, and a needs_materials note is asked for and passed on word for word.
TEST(CaseFlowEndToEnd, SpecialistsMoveTheCaseAndTheTalentIsToldEachStep) {
  test::Stack stack;
  Talent talent(stack, "talent_hukou");
  talent.say("我要申请人才落户");
  talent.say("王芳");
  talent.say("13912345678");
  talent.say("市第一人民医院");
  talent.say("11010519491231002X");
  auto const id = case_id_in(talent.say("确认"));
  ASSERT_FALSE(id.empty()) << stack.bot().log();

  // Both public-security specialists of deploy/roster.yaml get the case; the lead is not the talent.
  auto lead_inbox = stack.wait_messages("ps_lead01", 2);
  ASSERT_GE(lead_inbox.size(), 2u) << stack.bot().log();
  EXPECT_TRUE(has(lead_inbox.dump(), id));
  Talent specialist(stack, "ps_svc01");
  auto const notice = specialist.say("/cases");
  EXPECT_TRUE(has(notice, id)) << notice;

  auto pushes = [&](std::size_t n) { return stack.wait_messages("talent_hukou", n).dump(); };
  auto const before = stack.wait_messages("talent_hukou", 0).size();
  // The lead accepts on the card's button.
  std::string task;
  for (auto const& m : lead_inbox)
    if (m.contains("template_card")) task = m["template_card"].value("task_id", "");
  ASSERT_FALSE(task.empty()) << lead_inbox.dump();
  EXPECT_TRUE(has(lead_inbox.dump(), "case:" + id + ":accepted"));
  EXPECT_EQ(stack.click("ps_lead01", task, "case:" + id + ":accepted").value("status", 0), 200);
  EXPECT_TRUE(has(pushes(before + 1), "已受理")) << stack.bot().log();
  // The lead is told it is done, with the next steps as buttons.
  auto const lead_next = stack.wait_messages("ps_lead01", 4).dump();
  EXPECT_TRUE(has(lead_next, "已更新")) << lead_next;
  EXPECT_TRUE(has(lead_next, "case:" + id + ":in_progress")) << lead_next;
  auto const next = specialist.say("/status " + id + " in_progress");
  EXPECT_TRUE(has(pushes(before + 2), "办理中"));
  // A note the talent must read is asked for when the button gives none.
  auto const asked = specialist.say("/status " + id + " needs_materials");
  EXPECT_TRUE(has(asked, "一次性列出")) << asked;
  specialist.say("请补交学位证书复印件和单位介绍信");
  auto const told = pushes(before + 3);
  EXPECT_TRUE(has(told, "需补充材料")) << told;
  EXPECT_TRUE(has(told, "学位证书复印件和单位介绍信")) << told;

  // Another department's specialist cannot touch it, and learns nothing about it.
  Talent outsider(stack, "hrss_lead01");
  auto const refused = outsider.say("/status " + id + " in_progress");
  EXPECT_TRUE(has(refused, "没有找到本部门的案件")) << refused;
  EXPECT_FALSE(has(refused, "王芳"));

  specialist.say("/status " + id + " in_progress");
  EXPECT_TRUE(has(specialist.say("/note " + id + " 已电话联系，周五补交"), "内部备注"));
  specialist.say("/status " + id + " result_ready 户口迁移证已办好，请本人携身份证到窗口领取");
  EXPECT_TRUE(has(pushes(before + 5), "户口迁移证已办好"));
  auto const progress = talent.say(id + " 进度");
  EXPECT_TRUE(has(progress, "办理结果已出")) << progress;
  EXPECT_TRUE(has(progress, "请补交学位证书复印件")) << progress;  // the history keeps every note
  EXPECT_FALSE(has(progress, "已电话联系")) << progress;          // but internal notes stay inside
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
