// The application flow in chat: one question at a time, validation, questions in between, a
// confirmation, a way out, and the ID number only where the service needs it (and only masked).
#include <gtest/gtest.h>

#include "bot/apply_flow.hpp"
#include "tests/bot/chat.hpp"

namespace talentbot::bot {
namespace {

using namespace test;

TEST(ApplyFlow, AsksOneDetailAtATimeThenConfirmsAndRequestsTheCase) {
  Chat chat;
  chat.say("我要申请人才认定");
  EXPECT_EQ(chat.session().flow, "apply");
  EXPECT_TRUE(contains(chat.last().replies.back().content, "姓名是"));
  EXPECT_FALSE(contains(chat.last().replies.back().content, "手机"));
  chat.say("我叫张伟");
  EXPECT_TRUE(contains(chat.all(), "手机号码"));
  chat.say("13812345678");
  EXPECT_TRUE(contains(chat.all(), "工作单位"));
  chat.say("平顶山学院");
  // Talent recognition does not need the ID number: straight to the confirmation.
  EXPECT_TRUE(contains(chat.all(), "请核对申请信息"));
  EXPECT_TRUE(contains(chat.all(), "张伟"));
  EXPECT_TRUE(contains(chat.all(), "138****5678"));
  EXPECT_FALSE(contains(chat.all(), "13812345678"));
  EXPECT_FALSE(chat.last().open_case);
  chat.say("确认");
  ASSERT_TRUE(chat.last().open_case);
  auto const& request = *chat.last().open_case;
  EXPECT_EQ(request.service, "talent_recognition");
  EXPECT_EQ(request.name, "张伟");
  EXPECT_EQ(request.phone, "13812345678");
  EXPECT_EQ(request.employer, "平顶山学院");
  EXPECT_TRUE(request.id_number_masked.empty());
  EXPECT_TRUE(chat.session().flow.empty());
  EXPECT_TRUE(chat.session().slots.empty());
}

TEST(ApplyFlow, BadDetailsAreAskedAgainWithAHint) {
  Chat chat;
  chat.say("我要申请人才认定");
  chat.say("张伟");
  chat.say("1381234");  // too short for a mobile number
  EXPECT_TRUE(contains(chat.all(), "没能识别手机号码"));
  EXPECT_TRUE(contains(chat.all(), "取消"));
  EXPECT_EQ(chat.session().slots.at("await"), "phone");
  chat.say("我的手机是 138 1234 5678");
  EXPECT_EQ(chat.session().slots.at("phone"), "13812345678");
}

TEST(ApplyFlow, TheIdNumberIsAskedOnlyWhereNeededAndKeptMasked) {
  Chat chat;
  chat.say("我要办落户");
  EXPECT_TRUE(contains(chat.all(), "工作单位和身份证号码"));  // said up front
  chat.say("张伟");
  chat.say("13812345678");
  chat.say("平顶山学院");
  EXPECT_TRUE(contains(chat.all(), "身份证号码"));
  chat.say("11010519491231002Y");  // fails the checksum
  EXPECT_TRUE(contains(chat.all(), "校验未通过"));
  chat.say("11010519491231002X");
  EXPECT_TRUE(contains(chat.all(), "请核对申请信息"));
  EXPECT_FALSE(contains(chat.all(), "11010519491231002X"));
  EXPECT_FALSE(contains(chat.session().to_json(), "11010519491231002X"));
  chat.click("apply:confirm");
  ASSERT_TRUE(chat.last().open_case);
  EXPECT_EQ(chat.last().open_case->service, "household_registration");
  EXPECT_FALSE(chat.last().open_case->id_number_masked.empty());
  EXPECT_EQ(chat.last().open_case->id_number_masked.find("0519491231"), std::string::npos);
}

TEST(ApplyFlow, AQuestionInBetweenIsAnsweredAndTheFlowContinues) {
  Chat chat;
  chat.say("我要申请人才认定");
  chat.say("张伟");
  chat.say("需要带什么材料？");
  EXPECT_TRUE(contains(chat.all(), "所需材料"));
  EXPECT_TRUE(contains(chat.all(), "我们继续申请"));
  EXPECT_TRUE(contains(chat.all(), "手机号码"));
  chat.say("13812345678");
  EXPECT_TRUE(contains(chat.all(), "工作单位"));
}

TEST(ApplyFlow, CancelLeavesNothingAndALapsedCardSaysSo) {
  Chat chat;
  chat.say("我要申请人才认定");
  chat.say("张伟");
  chat.say("算了不申请了");
  EXPECT_TRUE(contains(chat.all(), "已取消"));
  EXPECT_TRUE(chat.session().flow.empty());
  EXPECT_FALSE(chat.last().open_case);
  chat.click("apply:confirm");
  EXPECT_FALSE(chat.last().open_case);
  EXPECT_TRUE(contains(chat.all(), "失效"));
}

TEST(ApplyFlow, DenyingTheConfirmationCancels) {
  Chat chat;
  chat.say("我要申请人才认定");
  chat.say("张伟");
  chat.say("13812345678");
  chat.say("无");
  EXPECT_TRUE(contains(chat.all(), "单位：无"));
  chat.say("不用了");
  EXPECT_FALSE(chat.last().open_case);
  EXPECT_TRUE(chat.session().flow.empty());
}

TEST(ApplyFlow, EnglishAllTheWayAndNumberPicksTheButton) {
  Chat chat;
  chat.say("I'd like to apply for a work permit");
  EXPECT_EQ(chat.session().flow, "apply");
  EXPECT_TRUE(contains(chat.all(), "full name"));
  chat.say("My name is Anna Schmidt");
  EXPECT_EQ(chat.session().slots.at("name"), "Anna Schmidt");
  chat.say("13812345678");
  chat.say("I work at Pingdingshan University");
  EXPECT_TRUE(contains(chat.all(), "Please check your application"));
  chat.say("1");
  ASSERT_TRUE(chat.last().open_case);
  EXPECT_EQ(chat.last().open_case->service, "foreign_expert_permit");
  EXPECT_EQ(chat.last().open_case->employer, "Pingdingshan University");
}

TEST(ApplyFlow, ReadsNamesAndEmployers) {
  EXPECT_EQ(apply::read_name("我叫王小明。"), "王小明");
  EXPECT_EQ(apply::read_name("欧阳·娜娜"), "欧阳·娜娜");
  EXPECT_EQ(apply::read_name("John O'Brien"), "John O'Brien");
  EXPECT_EQ(apply::read_name("王"), "");
  EXPECT_EQ(apply::read_name("13812345678"), "");
  EXPECT_EQ(apply::read_name("张三abc"), "");
  EXPECT_EQ(apply::read_employer("单位是市第一人民医院"), "市第一人民医院");
  EXPECT_EQ(apply::read_employer("none"), "无");
  EXPECT_EQ(apply::read_employer("13812345678"), "");
}

}  // namespace
}  // namespace talentbot::bot
