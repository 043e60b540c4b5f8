// SimulatorState without sockets: WeCom's token lifecycle, validation and error codes, the
// duplicate check, the per-member rate limit, response codes and injected faults, on a fake clock.
#include "adapters/simulator/state.hpp"

#include <gtest/gtest.h>

#include "adapters/simulator/validate.hpp"

namespace talentbot::sim {
namespace {

using namespace std::chrono_literals;

class SimulatorStateTest : public ::testing::Test {
 protected:
  SimulatorStateTest() : state(settings(), [this] { return now; }) {}

  static SimSettings settings() {
    SimSettings s;
    s.corp_id = "ww5823bf96d3bd56c7";
    s.secret = "app-secret";
    s.agent_id = 1000002;
    return s;
  }

  ApiAnswer api(std::string_view path, std::string const& query, std::string const& body = {}) {
    return state.handle_api(body.empty() ? "GET" : "POST", path, query, body);
  }
  Json gettoken(std::string const& query = "corpid=ww5823bf96d3bd56c7&corpsecret=app-secret") {
    return api("/cgi-bin/gettoken", query).body;
  }
  std::string token() { return gettoken().at("access_token").get<std::string>(); }
  Json send(Json const& request, std::string const& access_token) {
    return api("/cgi-bin/message/send", "access_token=" + access_token, request.dump()).body;
  }
  Json send(Json const& request) { return send(request, token()); }

  static Json text(std::string const& user, std::string const& content) {
    return Json{{"touser", user}, {"msgtype", "text"}, {"agentid", 1000002}, {"text", Json{{"content", content}}}};
  }
  static Json card(std::string const& user, std::string const& task_id) {
    Json c{{"card_type", "button_interaction"},
           {"main_title", Json{{"title", "新案件 GC20261124-0007"}, {"desc", "人才认定"}}},
           {"task_id", task_id},
           {"button_list", Json::array({Json{{"text", "接单"}, {"style", 1}, {"key", "accept:GC20261124-0007"}},
                                        Json{{"text", "转办"}, {"style", 2}, {"key", "transfer:GC20261124-0007"}}})}};
    return Json{{"touser", user}, {"msgtype", "template_card"}, {"agentid", 1000002}, {"template_card", c}};
  }
  std::size_t delivered(std::string const& user) { return state.messages(user, 0, false).size(); }
  int errcode(Json const& answer) { return answer.at("errcode").get<int>(); }

  Clock::time_point now = Clock::time_point(std::chrono::seconds(1'764'000'000));
  SimulatorState state;
};

TEST_F(SimulatorStateTest, GettokenRejectsWrongCorpIdAndSecret) {
  EXPECT_EQ(errcode(gettoken("corpsecret=app-secret")), kCorpIdMissing);
  EXPECT_EQ(errcode(gettoken("corpid=wwOTHER&corpsecret=app-secret")), 40013);
  EXPECT_EQ(errcode(gettoken("corpid=ww5823bf96d3bd56c7")), kSecretMissing);
  EXPECT_EQ(errcode(gettoken("corpid=ww5823bf96d3bd56c7&corpsecret=wrong")), 40001);
  auto ok = gettoken();
  EXPECT_EQ(errcode(ok), 0);
  EXPECT_EQ(ok.at("expires_in"), 7200);
  EXPECT_EQ(ok.at("access_token").get<std::string>().size(), 64u);
}

TEST_F(SimulatorStateTest, FetchDuringValidityReturnsTheSameTokenWithTheRemainingTime) {
  auto const first = token();
  now += 1000s;
  auto again = gettoken();
  EXPECT_EQ(again.at("access_token"), first);
  EXPECT_EQ(again.at("expires_in"), 6200);
}

TEST_F(SimulatorStateTest, TokenCodesMissingInvalidAndExpired) {
  auto const first = token();
  EXPECT_EQ(errcode(api("/cgi-bin/message/send", "", text("talent1", "hi").dump()).body), 41001);
  EXPECT_EQ(errcode(send(text("talent1", "hi"), "not-a-token")), 40014);
  EXPECT_EQ(errcode(send(text("talent1", "hi"), first)), 0);
  now += 7200s;
  EXPECT_EQ(errcode(send(text("talent1", "hi"), first)), 42001);
  auto const second = token();
  EXPECT_NE(second, first);
  EXPECT_EQ(errcode(send(text("talent1", "hi"), second)), 0);
  EXPECT_EQ(errcode(send(text("talent1", "hi"), first)), 42001);  // an old token stays expired
}

TEST_F(SimulatorStateTest, ExpireTokenFaultExpiresTheCurrentTokenAtOnce) {
  auto const first = token();
  ASSERT_FALSE(state.add_faults(Json{{"kind", "expire_token"}}));
  EXPECT_EQ(errcode(send(text("talent1", "hi"), first)), 42001);
  EXPECT_NE(token(), first);
}

TEST_F(SimulatorStateTest, MessageSendValidatesAgentTypeContentAndRecipients) {
  auto t = token();
  auto no_agent = text("talent1", "hi");
  no_agent.erase("agentid");
  EXPECT_EQ(errcode(send(no_agent, t)), 41011);
  auto wrong_agent = text("talent1", "hi");
  wrong_agent["agentid"] = 1000003;
  EXPECT_EQ(errcode(send(wrong_agent, t)), 40056);
  auto bad_type = text("talent1", "hi");
  bad_type["msgtype"] = "video";
  EXPECT_EQ(errcode(send(bad_type, t)), 40008);
  EXPECT_EQ(errcode(send(text("talent1", ""), t)), 44004);
  EXPECT_EQ(errcode(send(text("talent1", std::string(2049, 'x')), t)), 45002);
  std::string chinese;
  for (int i = 0; i < 682; ++i) chinese += "落";  // 2046 bytes: within the 2048-byte limit
  EXPECT_EQ(errcode(send(text("talent1", chinese), t)), 0);
  EXPECT_EQ(errcode(api("/cgi-bin/message/send", "access_token=" + t, "{not json").body), 47001);
  EXPECT_EQ(errcode(send(text("bad user!", "hi"), t)), 81013);

  auto partly = send(text("talent1|bad user!", "hi"), t);
  EXPECT_EQ(errcode(partly), 0);
  EXPECT_EQ(partly.at("invaliduser"), "bad user!");
  EXPECT_FALSE(partly.at("msgid").get<std::string>().empty());

  Json textcard{{"touser", "talent1"},
                {"msgtype", "textcard"},
                {"agentid", "1000002"},
                {"textcard", Json{{"title", "预约提醒"}, {"description", "明天 9:30"}}}};
  EXPECT_EQ(errcode(send(textcard, t)), kInvalidParameter);  // url is required
  textcard["textcard"]["url"] = "https://example.org/a";
  EXPECT_EQ(errcode(send(textcard, t)), 0);
  Json md{{"touser", "talent1"},
          {"msgtype", "markdown"},
          {"agentid", 1000002},
          {"markdown", Json{{"content", "**已受理**"}}}};
  EXPECT_EQ(errcode(send(md, t)), 0);
  EXPECT_EQ(delivered("talent1"), 4u);
}

TEST_F(SimulatorStateTest, TemplateCardNeedsAValidUniqueTaskIdAndButtonsWithKeys) {
  auto t = token();
  EXPECT_EQ(errcode(send(card("spec1", std::string(129, 'a')), t)), kInvalidParameter);
  EXPECT_EQ(errcode(send(card("spec1", "has space"), t)), kInvalidParameter);
  EXPECT_EQ(errcode(send(card("spec1", "任务1"), t)), kInvalidParameter);
  auto no_key = card("spec1", "case-1");
  no_key["template_card"]["button_list"][0].erase("key");
  EXPECT_EQ(errcode(send(no_key, t)), kInvalidParameter);
  auto no_buttons = card("spec1", "case-1");
  no_buttons["template_card"]["button_list"] = Json::array();
  EXPECT_EQ(errcode(send(no_buttons, t)), kInvalidParameter);

  auto ok = send(card("spec1", "GC20261124-0007_accept@1"), t);
  EXPECT_EQ(errcode(ok), 0);
  EXPECT_EQ(ok.at("response_code").get<std::string>().size(), 64u);
  EXPECT_EQ(errcode(send(card("spec1", "GC20261124-0007_accept@1"), t)), kInvalidParameter);  // task_id reused
  EXPECT_EQ(errcode(send(card("spec1", std::string(128, 'b')), t)), 0);
  auto const items = state.messages("spec1", 0, false);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("task_id"), "GC20261124-0007_accept@1");
  EXPECT_EQ(items[0].at("template_card").at("button_list").size(), 2u);
}

TEST_F(SimulatorStateTest, DuplicateCheckAnswersOkWithoutDeliveringAgain) {
  auto request = text("talent1", "您的案件已受理");
  request["enable_duplicate_check"] = 1;
  request["duplicate_check_interval"] = 600;
  auto const t = token();
  auto first = send(request, t);
  now += 599s;
  auto retry = send(request, t);
  EXPECT_EQ(errcode(retry), 0);
  EXPECT_EQ(retry.at("msgid"), first.at("msgid"));
  EXPECT_EQ(delivered("talent1"), 1u);
  EXPECT_TRUE(state.calls().back().at("duplicate").get<bool>());
  EXPECT_FALSE(state.calls().back().at("delivered").get<bool>());
  now += 2s;  // past the interval: a new message
  EXPECT_NE(send(request, t).at("msgid"), first.at("msgid"));
  EXPECT_EQ(delivered("talent1"), 2u);

  auto unchecked = text("talent1", "same text twice");
  send(unchecked, t);
  send(unchecked, t);
  EXPECT_EQ(delivered("talent1"), 4u);
  request["duplicate_check_interval"] = 4 * 3600 + 1;
  EXPECT_EQ(errcode(send(request, t)), kInvalidParameter);
}

TEST_F(SimulatorStateTest, EachRequestIsRememberedForItsOwnInterval) {
  auto long_lived = text("talent1", "您的案件已受理");
  long_lived["enable_duplicate_check"] = 1;
  long_lived["duplicate_check_interval"] = 600;
  auto short_lived = text("talent1", "预约成功");
  short_lived["enable_duplicate_check"] = 1;
  short_lived["duplicate_check_interval"] = 60;
  auto const t = token();
  auto const first_long = send(long_lived, t).at("msgid");
  now += 10s;
  auto const first_short = send(short_lived, t).at("msgid");
  now += 61s;  // the later, shorter one is forgotten first
  EXPECT_NE(send(short_lived, t).at("msgid"), first_short);
  EXPECT_EQ(send(long_lived, t).at("msgid"), first_long);
  now += 530s;
  EXPECT_NE(send(long_lived, t).at("msgid"), first_long);
  EXPECT_EQ(delivered("talent1"), 4u);
}

TEST_F(SimulatorStateTest, OverThirtyPerMemberPerMinuteIsAnsweredOkButDropped) {
  auto const t = token();
  for (int i = 0; i < 30; ++i)
    ASSERT_EQ(errcode(send(text("talent1|talent2", std::string("m") + std::to_string(i)), t)), 0);
  auto over = send(text("talent1", "one too many"), t);
  EXPECT_EQ(errcode(over), 0);
  EXPECT_EQ(delivered("talent1"), 30u);
  auto const record = state.calls().back();
  EXPECT_FALSE(record.at("delivered").get<bool>());
  EXPECT_EQ(record.at("dropped"), Json::array({"talent1"}));
  EXPECT_EQ(errcode(send(text("talent3", "someone else"), t)), 0);
  EXPECT_EQ(delivered("talent3"), 1u);
  now += 61s;
  send(text("talent1", "a minute later"), t);
  EXPECT_EQ(delivered("talent1"), 31u);
}

TEST_F(SimulatorStateTest, ResponseCodesUpdateACardOnce) {
  auto const t = token();
  auto const sent = send(card("spec1", "case-7"), t);
  auto update = [&](std::string const& code) {
    Json body{{"userids", Json::array({"spec1"})},
              {"agentid", 1000002},
              {"response_code", code},
              {"button", Json{{"replace_name", "已接单"}}}};
    return api("/cgi-bin/message/update_template_card", "access_token=" + t, body.dump()).body;
  };
  EXPECT_EQ(errcode(update(sent.at("response_code"))), 0);
  EXPECT_EQ(errcode(update(sent.at("response_code"))), kInvalidParameter);  // usable once
  auto const click = state.click_response_code("spec1", "case-7");
  EXPECT_EQ(errcode(update(click)), 0);
  EXPECT_EQ(errcode(update(click)), kInvalidParameter);
  EXPECT_EQ(errcode(update("never-issued")), kInvalidParameter);
  auto const late = state.click_response_code("spec1", "case-7");
  now += 73h;
  EXPECT_EQ(errcode(update(late)), 42001);  // the token expired too
  auto const fresh = token();
  Json body{{"agentid", 1000002}, {"response_code", late}, {"button", Json{{"replace_name", "x"}}}};
  EXPECT_EQ(errcode(api("/cgi-bin/message/update_template_card", "access_token=" + fresh, body.dump()).body),
            kInvalidParameter);  // and the code after 72 h

  auto const items = state.messages("spec1", 0, false);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1].at("kind"), "update");
  EXPECT_EQ(items[1].at("task_id"), "case-7");
  EXPECT_EQ(items[1].at("button").at("replace_name"), "已接单");
}

TEST_F(SimulatorStateTest, FaultsApplyInOrderToTheirPathAndAreConsumed) {
  auto const t = token();
  ASSERT_FALSE(
      state.add_faults(Json{{"kind", "errcode"}, {"errcode", 45009}, {"count", 2}, {"path", "/cgi-bin/message/send"}}));
  ASSERT_FALSE(state.add_faults(Json::array({Json{{"kind", "http_status"}, {"status", 500}},
                                             Json{{"kind", "delay"}, {"ms", 3000}}, Json{{"kind", "drop"}}})));
  EXPECT_EQ(state.faults().size(), 4u);
  EXPECT_EQ(errcode(send(text("talent1", "a"), t)), 45009);
  // The errcode fault is for message/send only; the next fault in line, the 500, takes gettoken.
  EXPECT_EQ(api("/cgi-bin/gettoken", "corpid=ww5823bf96d3bd56c7&corpsecret=app-secret").http_status, 500u);
  EXPECT_EQ(errcode(send(text("talent1", "a"), t)), 45009);
  EXPECT_EQ(delivered("talent1"), 0u);
  EXPECT_EQ(api("/cgi-bin/message/send", "access_token=" + t, text("talent1", "b").dump()).http_status, 200u);
  // The delay answers late, but the message is delivered.
  EXPECT_EQ(delivered("talent1"), 1u);
  auto const delayed = state.calls().back();
  EXPECT_EQ(delayed.at("fault"), "delay");
  auto dropped = api("/cgi-bin/message/send", "access_token=" + t, text("talent1", "c").dump());
  EXPECT_TRUE(dropped.drop);
  EXPECT_EQ(delivered("talent1"), 1u);  // a dropped call is lost before it takes effect
  EXPECT_TRUE(state.faults().empty());
  EXPECT_EQ(errcode(send(text("talent1", "d"), t)), 0);

  EXPECT_TRUE(state.add_faults(Json{{"kind", "explode"}}));
  EXPECT_TRUE(state.add_faults(Json{{"kind", "errcode"}}));
  EXPECT_TRUE(state.add_faults(Json::array({Json{{"kind", "drop"}}, Json{{"kind", "delay"}}})));
  EXPECT_TRUE(state.faults().empty());  // a list with one bad fault adds none
  ASSERT_FALSE(state.add_faults(Json{{"kind", "http_status"}, {"status", 503}, {"count", 3}}));
  EXPECT_EQ(api("/cgi-bin/gettoken", "corpid=x").http_status, 503u);
  state.clear_faults();
  EXPECT_EQ(api("/cgi-bin/gettoken", "corpid=x").http_status, 200u);
}

TEST_F(SimulatorStateTest, HttpStatusFaultIsRecordedWithoutAnErrcode) {
  ASSERT_FALSE(state.add_faults(Json{{"kind", "http_status"}, {"status", 500}}));
  EXPECT_EQ(api("/cgi-bin/gettoken", "corpid=ww5823bf96d3bd56c7&corpsecret=app-secret").http_status, 500u);
  auto const record = state.calls().back();
  EXPECT_EQ(record.at("http_status"), 500);
  EXPECT_TRUE(record.at("errcode").is_null());
  EXPECT_EQ(record.at("fault"), "http_status");
}

TEST_F(SimulatorStateTest, CallsAreRecordedWithSecretsMasked) {
  auto const t = token();
  send(text("talent1", "hi"), t);
  auto const calls = state.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("path"), "/cgi-bin/gettoken");
  EXPECT_EQ(calls[0].at("query"), "corpid=ww5823bf96d3bd56c7&corpsecret=***");
  EXPECT_EQ(calls[1].at("query"), "access_token=***");
  EXPECT_EQ(calls[1].at("request").at("text").at("content"), "hi");
  EXPECT_EQ(calls[1].at("errcode"), 0);
  EXPECT_TRUE(calls[1].at("delivered").get<bool>());
  EXPECT_EQ(calls[1].dump().find(t), std::string::npos);
  state.clear_calls();
  EXPECT_TRUE(state.calls().empty());
}

TEST_F(SimulatorStateTest, CallsRecordTheirArrivalToTheMicrosecond) {
  auto const t = token();
  now += 1234567us;
  send(text("talent1", "hi"), t);
  auto const calls = state.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("time_us").get<std::int64_t>(), 1'764'000'000'000'000);
  EXPECT_EQ(calls[1].at("time_us").get<std::int64_t>(), 1'764'000'001'234'567);
  EXPECT_EQ(calls[1].at("time").get<std::int64_t>(), 1'764'000'001'234);
}

TEST_F(SimulatorStateTest, GroupRobotTakesTwentyAMinute) {
  Json message{{"msgtype", "text"},
               {"text", Json{{"content", "今日新案件 3 件"}, {"mentioned_list", Json::array({"@all"})}}}};
  EXPECT_EQ(errcode(api("/cgi-bin/webhook/send", "", message.dump()).body), kBadWebhookKey);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(errcode(api("/cgi-bin/webhook/send", "key=robot-1", message.dump()).body), 0);
  EXPECT_EQ(errcode(api("/cgi-bin/webhook/send", "key=robot-1", message.dump()).body), 45009);
  EXPECT_EQ(delivered("webhook:robot-1"), 20u);
  now += 60s;
  EXPECT_EQ(errcode(api("/cgi-bin/webhook/send", "key=robot-1", message.dump()).body), 0);
}

TEST_F(SimulatorStateTest, MessagesComeInOrderAfterSinceWithSentItemsOnRequest) {
  state.record_sent("talent1", Json{{"kind", "sent"}, {"msgtype", "text"}, {"text", Json{{"content", "你好"}}}});
  auto const t = token();
  send(text("talent1", "您好，请问办理什么业务？"), t);
  send(text("talent2", "other chat"), t);
  auto const mine = state.messages("talent1", 0, true);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].at("kind"), "sent");
  EXPECT_LT(mine[0].at("seq").get<int>(), mine[1].at("seq").get<int>());
  EXPECT_EQ(state.messages("talent1", 0, false).size(), 1u);
  EXPECT_TRUE(state.messages("talent1", mine[1].at("seq"), true).empty());
  EXPECT_EQ(state.messages("", 0, true).size(), 3u);
  EXPECT_GT(state.next_msg_id(), 1'764'000'000'000'000LL - 1);
  auto const a = state.next_msg_id();
  EXPECT_GT(state.next_msg_id(), a);
}

}  // namespace
}  // namespace talentbot::sim
