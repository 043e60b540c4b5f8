// The dialogue step, driven by the real NLU and knowledge base: scripted conversations in Chinese
// and English, with the session stored as JSON between turns as the server does in Redis.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bot/dialogue.hpp"
#include "tests/bot/chat.hpp"
#include "bot/replies.hpp"
#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"

namespace talentbot::bot {
namespace {

using intents::Language;

using namespace test;


std::vector<std::string> keys_of(Reply const& r) {
  std::vector<std::string> keys;
  for (auto const& b : r.buttons) keys.push_back(b.key);
  return keys;
}

TEST(Dialogue, GreetingSaysWhatTheBotCanDoInTheUsersLanguage) {
  Chat zh;
  zh.say("你好");
  ASSERT_EQ(zh.last().replies.size(), 1u);
  EXPECT_TRUE(contains(zh.all(), "材料"));
  EXPECT_EQ(zh.session().language, "zh");
  Chat en;
  en.say("hi there");
  EXPECT_TRUE(contains(en.all(), "Hello"));
  EXPECT_EQ(en.session().language, "en");
}

TEST(Dialogue, HelpListsTheServicesInTheUsersLanguage) {
  Chat zh;
  zh.say("你能做什么");
  EXPECT_TRUE(contains(zh.all(), "人才落户"));
  EXPECT_TRUE(contains(zh.all(), "转人工"));
  Chat en;
  en.say("help");
  EXPECT_TRUE(contains(en.all(), "Household registration"));
  EXPECT_FALSE(contains(en.all(), "人才落户"));
}

TEST(Dialogue, MaterialsThenHowLongCarriesTheServiceInChinese) {
  Chat chat;
  chat.say("落户需要什么材料");
  ASSERT_EQ(chat.last().replies.size(), 1u);
  EXPECT_EQ(chat.last().replies[0].kind, Reply::Kind::markdown);
  EXPECT_TRUE(contains(chat.all(), "身份证原件及复印件"));
  EXPECT_EQ(chat.session().service, "household_registration");
  chat.say("那要多久");
  EXPECT_TRUE(contains(chat.all(), "人才落户 · 办理流程"));
  EXPECT_TRUE(contains(chat.all(), "约 7 个工作日"));
  EXPECT_TRUE(contains(chat.all(), "市公安局"));
}

TEST(Dialogue, HowLongDoesItTakeInEnglishCarriesTheService) {
  Chat chat;
  chat.say("What documents do I need for hukou?");
  EXPECT_TRUE(contains(chat.all(), "ID card (original and copy)"));
  chat.say("and how long does it take?");
  EXPECT_TRUE(contains(chat.all(), "about 7 working days"));
  EXPECT_TRUE(contains(chat.all(), "Household registration"));
  EXPECT_EQ(chat.session().language, "en");
}

// 一次性告知 (article 7): the whole checklist in one reply, with attendance and time limit.
TEST(Dialogue, ChecklistHoldsEveryMaterialOfEveryServiceInOneReply) {
  for (auto lang : {Language::zh, Language::en}) {
    for (auto const& service : kb().services()) {
      intents::Parse parse;
      parse.intent = "ask_materials";
      parse.confidence = 1;
      parse.language = lang;
      parse.service = service.id;
      auto d = decide({}, Turn{"materials", "", parse}, kb(), configured_center());
      ASSERT_EQ(d.replies.size(), 1u) << service.id;
      auto const& md = d.replies[0].content;
      EXPECT_EQ(d.replies[0].kind, Reply::Kind::markdown);
      for (auto const& item : service.materials.items) {
        EXPECT_TRUE(contains(md, lang == Language::en ? item.en : item.zh)) << service.id << ": " << item.zh;
      }
      EXPECT_TRUE(contains(md, std::to_string(service.time_limit.working_days)));
      EXPECT_TRUE(contains(md, lang == Language::en ? "working days" : "个工作日"));
      EXPECT_TRUE(contains(md, lang == Language::en ? "In person:" : "本人到场："));
      if (service.materials.review) {
        EXPECT_TRUE(contains(md, lang == Language::en ? "general guidance" : "一般性指引"));
      }
    }
  }
}

TEST(Dialogue, UnknownServiceAsksWithButtonsAndAClickAnswersThePendingQuestion) {
  Chat chat;
  chat.say("需要什么材料");
  ASSERT_EQ(chat.last().replies.size(), 1u);
  auto const& card = chat.last().replies[0];
  EXPECT_EQ(card.kind, Reply::Kind::buttons);
  EXPECT_FALSE(card.task_tag.empty());
  ASSERT_GE(card.buttons.size(), 2u);
  ASSERT_LE(card.buttons.size(), 3u);
  for (auto const& key : keys_of(card)) EXPECT_TRUE(key.starts_with("svc:")) << key;
  EXPECT_EQ(chat.session().pending_intent, "ask_materials");
  chat.click("svc:household_registration");
  EXPECT_TRUE(contains(chat.all(), "人才落户 · 所需材料"));
  EXPECT_TRUE(chat.session().pending_intent.empty());
}

TEST(Dialogue, AFollowUpNamingTheServiceAnswersThePendingQuestion) {
  for (std::string answer : {"落户", "是落户"}) {
    Chat chat;
    chat.say("要准备哪些材料");
    EXPECT_EQ(chat.session().pending_intent, "ask_materials");
    chat.say(answer);
    EXPECT_TRUE(contains(chat.all(), "人才落户 · 所需材料")) << answer;
  }
}

TEST(Dialogue, ATypedNumberPicksTheCardsButton) {
  Chat chat;
  chat.say("需要什么材料");
  auto keys = keys_of(chat.last().replies.at(0));
  ASSERT_GE(keys.size(), 2u);
  chat.say("2");
  EXPECT_EQ("svc:" + chat.session().service, keys[1]);
  EXPECT_TRUE(contains(chat.all(), "所需材料"));
}

TEST(Dialogue, AnUnsureQuestionAboutAKnownServiceAsksWhichAspect) {
  intents::Parse parse;
  parse.intent = "ask_policy";
  parse.confidence = 0.3;
  parse.service = "housing";
  auto d = decide({}, Turn{"住房的", "", parse}, kb(), configured_center());
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(keys_of(d.replies[0]), (std::vector<std::string>{"svc:housing:ask_policy", "svc:housing:ask_materials",
                                                             "svc:housing:ask_process"}));
  EXPECT_EQ(d.session.misunderstood, 0);  // the topic was understood
  // The key carries its question, so even a click on an old card, in a fresh session, answers it.
  auto answer = decide({}, Turn{"", "svc:housing:ask_process", {}}, kb(), configured_center());
  EXPECT_TRUE(contains(answer.replies.at(0).content, "住房保障 · 办理流程"));
}

TEST(Dialogue, AnEnglishClarificationIsInEnglish) {
  Chat chat;
  chat.say("what do I need to bring");
  auto const& card = chat.last().replies.at(0);
  EXPECT_EQ(card.kind, Reply::Kind::buttons);
  EXPECT_TRUE(contains(card.title, "Which service"));
  chat.click(card.buttons.at(0).key);
  EXPECT_TRUE(contains(chat.all(), "required materials"));
}

TEST(Dialogue, TwoMisunderstandingsOfferAHumanAndYesHandsOff) {
  Chat chat;
  chat.say("随便聊聊");
  EXPECT_EQ(chat.session().misunderstood, 1);
  EXPECT_TRUE(contains(chat.all(), "落户需要什么材料"));  // says what it can do
  chat.say("asdf");
  ASSERT_EQ(chat.last().replies.size(), 1u);
  auto const& offer = chat.last().replies[0];
  EXPECT_EQ(offer.kind, Reply::Kind::buttons);
  EXPECT_EQ(keys_of(offer), (std::vector<std::string>{"human:yes", "human:no"}));
  EXPECT_TRUE(chat.last().action.empty());
  chat.say("好的");
  EXPECT_EQ(chat.last().action, "handoff");
  EXPECT_EQ(chat.session().misunderstood, 0);
}

TEST(Dialogue, DecliningTheHumanOfferCarriesOn) {
  Chat chat;
  chat.say("asdf");
  chat.say("asdf");
  chat.say("不用了");
  EXPECT_TRUE(chat.last().action.empty());
  EXPECT_EQ(chat.session().misunderstood, 0);
  chat.say("asdf");
  EXPECT_EQ(chat.last().replies.at(0).kind, Reply::Kind::text);  // one failure again, not a second offer
}

TEST(Dialogue, AskingForAHumanHandsOffAtOnce) {
  Chat chat;
  chat.say("转人工");
  EXPECT_EQ(chat.last().action, "handoff");
  EXPECT_TRUE(contains(chat.all(), "9:00-17:00"));
  Chat en;
  en.click("human:yes");
  EXPECT_EQ(en.last().action, "handoff");
}

TEST(Dialogue, YesAcceptsTheOfferedNextStep) {
  Chat chat;
  chat.say("绿卡的政策");
  EXPECT_TRUE(contains(chat.all(), "第四条（二）"));  // policy basis
  EXPECT_EQ(chat.session().offer, "ask_materials");
  chat.say("好的");
  EXPECT_TRUE(contains(chat.all(), "所需材料"));
  chat.say("不用了");
  EXPECT_EQ(chat.session().offer, "anything_else");
  chat.say("没有了");
  EXPECT_TRUE(contains(chat.all(), "不客气"));
}

TEST(Dialogue, PolicyAnswerHasSummaryEligibilityAndBasis) {
  Chat chat;
  chat.say("落户政策");
  auto const& s = *kb().service("household_registration");
  EXPECT_TRUE(contains(chat.all(), s.summary.zh));
  EXPECT_TRUE(contains(chat.all(), s.eligibility.zh));
  EXPECT_TRUE(contains(chat.all(), "平人才〔2018〕3号）第四条（六）"));
  Chat en;
  en.say("Who is eligible for the green card?");
  EXPECT_TRUE(contains(en.all(), "Article 4(2)"));
}

TEST(Dialogue, WhatAboutAnotherServiceRepeatsTheLastQuestion) {
  Chat chat;
  chat.say("落户需要什么材料");
  chat.say("那绿卡呢");
  EXPECT_TRUE(contains(chat.all(), "绿卡 · 所需材料"));
  Chat en;
  en.say("What documents do I need for hukou?");
  en.say("and for the green card?");
  EXPECT_TRUE(contains(en.all(), "Eagle City Talent Green Card: required materials"));
}

TEST(Dialogue, ContactShowsEveryConfiguredValue) {
  Chat chat;
  chat.say("你们地址在哪");
  for (auto v : {"测试大道100号", "9:00-17:00", "0375-1234567", "https://talent.example.cn", "市人才交流中心"}) {
    EXPECT_TRUE(contains(chat.all(), v)) << v;
  }
  EXPECT_FALSE(contains(chat.all(), "暂未"));
}

TEST(Dialogue, ContactWithoutConfiguredValuesInventsNothing) {
  for (std::string text : {"你们地址在哪", "what's your phone number?"}) {
    Chat chat(bare_center());
    chat.say(text);
    auto all = chat.all();
    EXPECT_FALSE(has_long_digit_run(all)) << all;
    EXPECT_FALSE(contains(all, "http")) << all;
    EXPECT_TRUE(contains(all, "暂未") || contains(all, "on record")) << all;
  }
}

TEST(Dialogue, AnswersWithoutCenterConfigLeaveNoPlaceholderOrEmptyBracket) {
  for (auto lang : {Language::zh, Language::en}) {
    for (auto const& service : kb().services()) {
      intents::Parse parse;
      parse.intent = "ask_process";
      parse.confidence = 1;
      parse.language = lang;
      parse.service = service.id;
      auto d = decide({}, Turn{"steps", "", parse}, kb(), bare_center());
      for (auto const& r : d.replies) {
        EXPECT_FALSE(contains(r.content, "{center.")) << r.content;
        EXPECT_FALSE(contains(r.content, "（）") || contains(r.content, "()")) << r.content;
      }
    }
  }
}

TEST(Dialogue, FillCenterDropsOnlyTheMissingParts) {
  config::CenterConfig c;
  c.phone = "0375-1234567";
  EXPECT_EQ(replies::fill_center("窗口（地址：{center.address}；办公时间：{center.hours}；电话：{center.phone}）；网上",
                                 c, Language::zh),
            "窗口（电话：0375-1234567）；网上");
  EXPECT_EQ(replies::fill_center("到窗口（{center.address}）提交", c, Language::zh), "到窗口提交");
  EXPECT_EQ(replies::fill_center("the window ({center.address}) or online ({center.website}).", c, Language::en),
            "the window or online.");
  c.address = "A 路 1 号";
  EXPECT_EQ(replies::fill_center("到窗口（{center.address}）提交", c, Language::zh), "到窗口（A 路 1 号）提交");
  EXPECT_EQ(replies::fill_center("见 {center.website} 专页", {}, Language::zh), "见 平顶山公共就业人才网 专页");
}

TEST(Dialogue, LanguageIsStickyForShortNeutralMessages) {
  Chat chat;
  chat.say("What documents do I need for hukou?");
  chat.say("ok");  // accepts the offered steps, still in English
  EXPECT_EQ(chat.session().language, "en");
  EXPECT_TRUE(contains(chat.all(), "how to apply"));
  Chat zh;
  zh.say("需要什么材料");
  zh.say("1");
  EXPECT_EQ(zh.session().language, "zh");
  EXPECT_TRUE(contains(zh.all(), "所需材料"));
  zh.say("How long does it take?");  // a real English sentence switches
  EXPECT_EQ(zh.session().language, "en");
  EXPECT_TRUE(contains(zh.all(), "working days"));
}

TEST(Dialogue, AHomophoneTypoIsAnswered) {
  Chat chat;
  chat.say("落护要什么材料");
  EXPECT_TRUE(contains(chat.all(), "人才落户 · 所需材料"));
}

TEST(Dialogue, ComplaintIsAcknowledgedRecordedAndEscalated) {
  Chat chat;
  chat.say("GC20261124-0007 一直没人处理，推来推去");
  EXPECT_EQ(chat.last().action, "complaint");
  EXPECT_TRUE(contains(chat.all(), "第十一条"));
  EXPECT_TRUE(contains(chat.all(), "抱歉"));
}

TEST(Dialogue, FlowIntentsSetTheActionAndSayWhatIsNeededNext) {
  Chat chat;
  chat.say("我要申请落户");
  EXPECT_EQ(chat.session().flow, "apply");
  EXPECT_TRUE(contains(chat.all(), "人才落户"));
  EXPECT_TRUE(contains(chat.all(), "姓名"));
  chat.say("取消");
  chat.say("明天下午三点去办落户");
  EXPECT_EQ(chat.last().action, "book_appointment");
  EXPECT_EQ(chat.session().service, "household_registration");
  EXPECT_TRUE(chat.last().replies.empty());  // the responder books (appointment_flow.hpp)
  chat.say("GC20261124-0007 进度");
  EXPECT_EQ(chat.last().action, "case_status");
  EXPECT_TRUE(chat.last().replies.empty());  // the responder answers from the archive
  chat.say("我约的是几点");
  EXPECT_EQ(chat.last().action, "query_appointment");
  Chat en;
  en.say("I want to apply");
  EXPECT_EQ(en.last().replies.at(0).kind, Reply::Kind::buttons);
  en.click("svc:green_card");
  EXPECT_EQ(en.session().flow, "apply");
  EXPECT_TRUE(contains(en.all(), "mobile number"));
}

TEST(Dialogue, AnAppointmentButtonGoesToTheAppointmentFlow) {
  Chat chat;
  chat.click("appt:book:household_registration:public_security:20261127T1500");
  EXPECT_EQ(chat.last().action, "appointment_button");
  EXPECT_EQ(chat.last().button, "appt:book:household_registration:public_security:20261127T1500");
  EXPECT_TRUE(chat.last().replies.empty());
  EXPECT_EQ(chat.session().service, "household_registration");  // so "材料" then lists its checklist
  chat.click("appt:cancel:AP000001");
  EXPECT_EQ(chat.last().button, "appt:cancel:AP000001");
  EXPECT_EQ(chat.session().service, "household_registration");
  chat.click("svc:household_registration");
  EXPECT_TRUE(chat.last().button.empty());
}

TEST(Dialogue, SessionJsonRoundTrips) {
  Session s;
  s.language = "en";
  s.service = "housing";
  s.pending_intent = "ask_process";
  s.last_intent = "ask_materials";
  s.offer = "human";
  s.options = {"human:yes", "human:no"};
  s.misunderstood = 2;
  EXPECT_EQ(Session::from_json(s.to_json()), s);
  EXPECT_EQ(Session::from_json(Session{}.to_json()), Session{});
  EXPECT_LT(s.to_json().size(), 256u);
}

TEST(Dialogue, BadSessionJsonGivesAFreshSession) {
  for (std::string bad : {"", "not json", "[1,2]", "{\"lang\":", "null", "42"}) {
    EXPECT_EQ(Session::from_json(bad), Session{}) << bad;
  }
  auto s = Session::from_json(R"({"lang":"fr","svc":7,"miss":"x","opts":"a","last":"ask_policy"})");
  EXPECT_EQ(s.language, "");
  EXPECT_EQ(s.service, "");
  EXPECT_EQ(s.misunderstood, 0);
  EXPECT_TRUE(s.options.empty());
  EXPECT_EQ(s.last_intent, "ask_policy");
  // A stale service id (dropped by a knowledge-base reload) is forgotten, not answered.
  Chat chat;
  Session stale;
  stale.service = "no_such_service";
  auto d = decide(stale, Turn{"click", "svc:no_such_service", {}}, kb(), configured_center());
  EXPECT_TRUE(d.session.service.empty());
}

TEST(Dialogue, LongChecklistIsSplitNeverCut) {
  std::vector<std::string> lines{"**标题**"};
  for (int i = 1; i <= 120; ++i) lines.push_back(std::to_string(i) + ". 材料名称材料名称材料名称材料名称材料名称");
  auto parts = replies::pack_lines(lines, "**标题（续）**");
  ASSERT_GT(parts.size(), 1u);
  std::string joined;
  for (auto const& p : parts) {
    EXPECT_LE(p.size(), wecom::kMaxContentBytes);
    joined += p + "\n";
  }
  for (auto const& line : lines) EXPECT_TRUE(contains(joined, line + "\n")) << line;
  EXPECT_TRUE(parts[1].starts_with("**标题（续）**"));
}

}  // namespace
}  // namespace talentbot::bot
