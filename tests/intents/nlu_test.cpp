#include "intents/nlu.hpp"

#include "intents/classifier.hpp"
#include "intents/cli.hpp"
#include "intents/knowledge.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <thread>

namespace talentbot::intents {
namespace {

namespace fs = std::filesystem;

const fs::path kSource(TALENTBOT_SOURCE_DIR);

const Nlu& nlu() {
  static const auto instance = Nlu::load(kSource / kDefaultKnowledgeDir, kSource / kDefaultTrainingTsv);
  return *instance;
}

ReferenceTime now() { return *parse_iso8601("2026-11-25T10:00:00+08:00"); }

TEST(ToJsonLine, WritesTheContractFieldsInOrderAndOmitsAbsentEntities) {
  Parse p;
  p.text = "明天下午三点约落户";
  p.intent = "book_appointment";
  p.confidence = 0.98765;
  p.service = "household_registration";
  p.datetime = "2026-11-26T15:00:00+08:00";
  EXPECT_EQ(to_json_line(p),
            R"({"text":"明天下午三点约落户","intent":"book_appointment","confidence":0.988,)"
            R"("entities":{"service":"household_registration","datetime":"2026-11-26T15:00:00+08:00"}})");
}

TEST(ToJsonLine, KeepsAnEmptyEntitiesObject) {
  Parse p;
  p.text = "你好";
  p.intent = "greet";
  p.confidence = 1;
  EXPECT_EQ(to_json_line(p), R"({"text":"你好","intent":"greet","confidence":0.999,"entities":{}})");
}

TEST(ToJsonLine, NeverPrintsACertainty) {
  Parse p;
  p.text = "你好";
  p.intent = "greet";
  p.confidence = 0.99971;
  EXPECT_EQ(nlohmann::json::parse(to_json_line(p))["confidence"].get<double>(), 0.999);
}

TEST(ToJsonLine, EscapesQuotesAndReplacesInvalidUtf8) {
  Parse p;
  p.text = "say \"hi\"\xff";
  p.intent = "greet";
  const auto j = nlohmann::json::parse(to_json_line(p));
  EXPECT_EQ(j["text"].get<std::string>(), "say \"hi\"\xEF\xBF\xBD");  // U+FFFD
}

TEST(Nlu, ExtractsServiceDateTimeAndIntent) {
  const Parse p = nlu().parse("明天下午三点帮我约一下落户", now());
  EXPECT_EQ(p.intent, "book_appointment");
  EXPECT_EQ(p.service, "household_registration");
  EXPECT_EQ(p.datetime, "2026-11-26T15:00:00+08:00");
  EXPECT_EQ(p.date, std::nullopt);
  EXPECT_GT(p.confidence, 0.5);
}

TEST(Nlu, ReportsADayWithoutATimeAsDate) {
  const Parse p = nlu().parse("周五能预约社保窗口吗", now());
  EXPECT_EQ(p.date, "2026-11-27");
  EXPECT_EQ(p.datetime, std::nullopt);
}

TEST(Nlu, ReadsCaseIdsAndStatusQueries) {
  const Parse p = nlu().parse("gc 20261124 0007 进度", now());
  EXPECT_EQ(p.intent, "case_status");
  EXPECT_EQ(p.case_id, "GC20261124-0007");
}

TEST(Nlu, UnderstandsTraditionalCharactersAndHomophones) {
  EXPECT_EQ(nlu().parse("戶口遷移需要什麼材料", now()).service, "household_registration");
  EXPECT_EQ(nlu().parse("落护需要什么材料", now()).service, "household_registration");
  EXPECT_EQ(nlu().parse("落护需要什么材料", now()).intent, "ask_materials");
}

TEST(Nlu, FollowsTheUsersLanguage) {
  EXPECT_EQ(nlu().parse("What documents do I need for a work permit?", now()).language, Language::en);
  EXPECT_EQ(nlu().parse("工作许可要什么材料", now()).language, Language::zh);
}

TEST(Nlu, SendsTalkToAHumanToHumanAgent) {
  EXPECT_EQ(nlu().parse("转人工", now()).intent, "human_agent");
  EXPECT_EQ(nlu().parse("I want to talk to a human", now()).intent, "human_agent");
}

TEST(Nlu, GivesRuleDecisionsAConfidenceBelowCertainty) {
  const Parse yes = nlu().parse("好的", now());
  EXPECT_EQ(yes.intent, "affirm");
  EXPECT_DOUBLE_EQ(yes.confidence, Nlu::kRuleConfidence);
  EXPECT_LT(yes.confidence, 1.0);
}

TEST(Nlu, GuessesNoServiceForOffTopicMessages) {
  // The service model alone would read 银行卡丢了 as the 绿卡丢了 it was trained on.
  const Parse p = nlu().parse("银行卡丢了怎么挂失", now());
  EXPECT_EQ(p.intent, "out_of_scope");
  EXPECT_EQ(p.service, std::nullopt);
}

TEST(Nlu, ReadsTheQuestionAfterALongStory) {
  const Parse p = nlu().parse(
      "我是今年从德国回来的博士后 现在在平顶山一家医院做科研 医院人事说我可以做人才认定 "
      "我想问一下需要准备哪些材料",
      now());
  EXPECT_EQ(p.intent, "ask_materials");
  EXPECT_EQ(p.service, "talent_recognition");
}

TEST(Nlu, CallsEmptyInputOutOfScope) { EXPECT_EQ(nlu().parse("   ", now()).intent, "out_of_scope"); }

TEST(Nlu, GivesRankedCandidatesForAnAmbiguousDepartment) {
  const Parse p = nlu().parse("公安局", now());
  ASSERT_GE(p.service_candidates.size(), 2u);
  EXPECT_FALSE(p.intent_candidates.empty());
}

TEST(Nlu, ParsesIdenticallyFromSeveralThreads) {
  const std::vector<std::string> texts = {"你好", "落护要带什么", "明天下午三点约社保", "GC20261124-0007", "转人工",
                                          "What documents do I need?", "今天天气怎么样", "卫计委电话"};
  std::vector<std::string> expected;
  for (const auto& t : texts) expected.push_back(to_json_line(nlu().parse(t, now())));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) mismatches[t] += to_json_line(nlu().parse(texts[i], now())) != expected[i];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(RuleIntent, SendsRequestsForAPersonToHumanAgent) {
  EXPECT_EQ(rule_intent("转人工", "转人工"), "human_agent");
  EXPECT_EQ(rule_intent("我要人工客服", "我要人工客服"), "human_agent");
  EXPECT_EQ(rule_intent("can i talk to a human", "can i talk to a human"), "human_agent");
  EXPECT_EQ(rule_intent("i'm a human resources manager", "i'm a human resources manager"), std::nullopt);
  EXPECT_EQ(rule_intent("人工客服电话多少", "人工客服电话多少"), std::nullopt);  // ask_contact, for the model
}

TEST(RuleIntent, ReadsABareCaseIdAsAStatusQuery) {
  const std::string slot(kCaseIdSlot);
  EXPECT_EQ(rule_intent("gc20261124-0007", slot), "case_status");
  EXPECT_EQ(rule_intent("gc20261124-0007 进度", slot + " 进度"), "case_status");
  EXPECT_EQ(rule_intent("gc20261124-0007 status?", slot + " status?"), "case_status");
  EXPECT_EQ(rule_intent("gc20261124-0007 取消预约", slot + " 取消预约"), std::nullopt);
}

TEST(RuleIntent, ReadsOneWordAnswersAsAffirmOrDeny) {
  for (const char* yes : {"好的", "可以", "对", "是的", "嗯嗯", "yes", "ok", "OK!", "好的呀"}) {
    const std::string text(yes);
    EXPECT_EQ(rule_intent(text == "OK!" ? "ok!" : text, text), "affirm") << yes;
  }
  for (const char* no : {"不用了", "不是", "no", "不用了哈", "nope"}) {
    EXPECT_EQ(rule_intent(no, no), "deny") << no;
  }
  EXPECT_EQ(rule_intent("好的谢谢再见", "好的谢谢再见"), std::nullopt);
}

TEST(RuleIntent, ReadsARepeatedYesOrNoAsOne) {
  for (const char* yes : {"对对", "好好好好", "okok", "👌👌", "中中中"}) EXPECT_EQ(rule_intent(yes, yes), "affirm") << yes;
  for (const char* no : {"nonono", "不要不要不要"}) EXPECT_EQ(rule_intent(no, no), "deny") << no;
  EXPECT_EQ(rule_intent("...", "..."), std::nullopt);  // punctuation alone is no answer
  EXPECT_EQ(rule_intent("好不好", "好不好"), std::nullopt);
}

TEST(RunNlu, WritesOneJsonObjectPerLine) {
  std::istringstream in("你好\n明天下午三点约落户\r\n\nGC20261124-0007\n");
  std::ostringstream out, err;
  ASSERT_EQ(run_nlu(in, out, err, "2026-11-25T10:00:00+08:00", kSource / kDefaultKnowledgeDir,
                    kSource / kDefaultTrainingTsv), 0);
  std::istringstream lines(out.str());
  std::vector<nlohmann::json> parsed;
  for (std::string line; std::getline(lines, line);) parsed.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(parsed.size(), 4u);
  EXPECT_EQ(parsed[1]["text"], "明天下午三点约落户");
  EXPECT_EQ(parsed[1]["entities"]["datetime"], "2026-11-26T15:00:00+08:00");
  EXPECT_EQ(parsed[3]["entities"]["case_id"], "GC20261124-0007");
  for (const auto& j : parsed) {
    EXPECT_TRUE(j.contains("intent") && j.contains("confidence") && j["entities"].is_object());
  }
}

TEST(RunNlu, RejectsABadNowWithExitCode2) {
  std::istringstream in("你好\n");
  std::ostringstream out, err;
  EXPECT_EQ(run_nlu(in, out, err, "yesterday", kSource / kDefaultKnowledgeDir, kSource / kDefaultTrainingTsv), 2);
  EXPECT_TRUE(out.str().empty());
  EXPECT_NE(err.str().find("--now"), std::string::npos);
}

TEST(RunNlu, ReportsAMissingKnowledgeBase) {
  std::istringstream in("你好\n");
  std::ostringstream out, err;
  EXPECT_EQ(run_nlu(in, out, err, "2026-11-25T10:00:00+08:00", "/nonexistent", kSource / kDefaultTrainingTsv), 1);
  EXPECT_NE(err.str().find("/nonexistent"), std::string::npos);
}

}  // namespace
}  // namespace talentbot::intents
