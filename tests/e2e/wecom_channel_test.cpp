// The WeCom channel end to end over real sockets: simulator → bot → Redis → outbox → simulator.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/stack.hpp"

namespace talentbot {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::size_t delivered_sends(json const& calls) {
  std::size_t n = 0;
  for (auto const& c : calls.is_array() ? calls : calls.value("calls", json::array()))
    if (c.value("path", "") == "/cgi-bin/message/send" && c.value("delivered", false)) ++n;
  return n;
}

TEST(WecomEndToEnd, TalentMessageIsAnsweredInTheChat) {
  test::Stack stack;
  auto sent = stack.send_text("talent1", "落户需要什么材料");
  EXPECT_EQ(sent.value("status", 0), 200);
  auto got = stack.wait_messages("talent1", 1);
  ASSERT_GE(got.size(), 1u) << stack.bot().log();
}

TEST(WecomEndToEnd, CardClickIsHandled) {
  test::Stack stack;
  auto clicked = stack.click("specialist1", "task_1", "accept");
  EXPECT_EQ(clicked.value("status", 0), 200);
  auto got = stack.wait_messages("specialist1", 1);
  EXPECT_GE(got.size(), 1u) << stack.bot().log();
}

TEST(WecomEndToEnd, SameCallbackDeliveredThreeTimesIsAnsweredOnce) {
  test::Stack stack;
  EXPECT_EQ(stack.send_text("talent2", "你好，我想问问社保").value("status", 0), 200);
  EXPECT_EQ(stack.replay(), 200);  // WeCom's retries: same bytes, answered 200, not handled again
  EXPECT_EQ(stack.replay(), 200);
  auto got = stack.wait_messages("talent2", 1);
  std::this_thread::sleep_for(1500ms);  // time for a wrong second answer to show up
  auto again = stack.wait_messages("talent2", 1);
  auto const first_count = got.size();
  EXPECT_EQ(again.size(), first_count);
  EXPECT_EQ(delivered_sends(stack.calls()), first_count);
}

TEST(WecomEndToEnd, ReplyThroughTokenExpiry45009AndA500IsDeliveredOnce) {
  test::Stack stack(test::Stack::Env{{"TALENTBOT_QUEUE_RETRY_BASE", "50ms"}, {"TALENTBOT_QUEUE_RETRY_MAX", "200ms"}});
  // Warm up: a first message gets the bot a token.
  stack.send_text("talent3", "hello");
  ASSERT_GE(stack.wait_messages("talent3", 1).size(), 1u);
  auto const before = stack.messages("talent3").size();
  stack.fault({{"kind", "expire_token"}});
  stack.fault({{"kind", "errcode"}, {"errcode", 45009}, {"count", 1}, {"path", "/cgi-bin/message/send"}});
  stack.fault({{"kind", "http_status"}, {"status", 500}, {"count", 1}, {"path", "/cgi-bin/message/send"}});
  stack.send_text("talent3", "住房补贴怎么申请");
  auto got = stack.wait_messages("talent3", before + 1, 20s);
  ASSERT_EQ(got.size(), before + 1) << stack.bot().log();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(stack.messages("talent3").size(), before + 1);
  auto const log = stack.bot().log();
  EXPECT_NE(log.find("event=outbox.retry"), std::string::npos);
}

TEST(WecomEndToEnd, BotKilledAfterAckingAnswersThePendingMessageOnceAfterRestart) {
  test::Stack stack(test::Stack::Env{{"TALENTBOT_QUEUE_LEASE", "1s"}});
  stack.send_text("talent4", "warm up");
  ASSERT_GE(stack.wait_messages("talent4", 1).size(), 1u);
  auto const before = stack.messages("talent4").size();
  // WeCom is slow: the bot acks the callback, handles it, and is killed while sending.
  stack.fault({{"kind", "delay"}, {"ms", 3000}, {"count", 1}, {"path", "/cgi-bin/message/send"}});
  EXPECT_EQ(stack.send_text("talent4", "职称评审需要多久").value("status", 0), 200);
  std::this_thread::sleep_for(500ms);
  stack.kill_bot();
  stack.restart_bot();
  auto got = stack.wait_messages("talent4", before + 1, 20s);
  ASSERT_GE(got.size(), before + 1) << stack.bot().log();
  std::this_thread::sleep_for(4s);  // the delayed first send lands too; WeCom's duplicate check drops it
  EXPECT_EQ(stack.messages("talent4").size(), before + 1);
}

TEST(WecomEndToEnd, BadCallbacksAreRefusedWithoutCrashing) {
  test::Stack stack;
  auto const port = stack.bot_port();
  auto bad_sig = test::http_request(port, "POST", "/wecom/callback?msg_signature=00&timestamp=1&nonce=2",
                                    "<xml><Encrypt><![CDATA[abcd]]></Encrypt></xml>");
  EXPECT_EQ(bad_sig->status, 401);
  auto broken = test::http_request(port, "POST", "/wecom/callback?msg_signature=00&timestamp=1&nonce=2", "<xml><Enc");
  EXPECT_EQ(broken->status, 400);
  auto huge = test::http_request(port, "POST", "/wecom/callback?msg_signature=00&timestamp=1&nonce=2",
                                 std::string(200 * 1024, 'x'));
  EXPECT_EQ(huge->status, 413);
  auto verify = test::http_request(port, "GET", "/wecom/callback?msg_signature=00&timestamp=1&nonce=2&echostr=abc");
  EXPECT_EQ(verify->status, 401);
  EXPECT_EQ(test::http_request(port, "GET", "/healthz")->status, 200);
  auto const log = stack.bot().log();
  EXPECT_EQ(log.find("QDG6eK"), std::string::npos);  // the token never reaches the log
}

}  // namespace
}  // namespace talentbot

namespace talentbot {
namespace {

TEST(WecomEndToEnd, ComplaintIsAcknowledgedRecordedAndSentToTheCenterGroup) {
  test::Stack stack(test::Stack::Env{{"TALENTBOT_WECOM_WEBHOOK_KEY", "center-robot"}});
  stack.send_text("talent5", "我的落户申请 GC20261101-0003 交上去一个月了一直没人处理，推来推去的");
  auto to_talent = stack.wait_messages("talent5", 1);
  ASSERT_GE(to_talent.size(), 1u) << stack.bot().log();
  auto to_center = stack.wait_messages("webhook:center-robot", 1);
  ASSERT_GE(to_center.size(), 1u) << stack.bot().log();
  auto const notice = to_center[0].dump();
  EXPECT_NE(notice.find("talent5"), std::string::npos);
  EXPECT_NE(notice.find("推来推去"), std::string::npos);
  EXPECT_NE(stack.bot().log().find("event=complaint.escalated"), std::string::npos);
  // Recorded for the half-year accountability report, with the department of the service.
  auto const socket = stack.redis().url().substr(std::string("unix://").size());
  std::string record;
  if (FILE* p = ::popen(("redis-cli -s " + socket + " --scan --pattern 'tb:*:complaint:*' | head -1 | "
                         "xargs -r redis-cli -s " + socket + " GET").c_str(), "r")) {
    char buf[4096] = {};
    while (std::fgets(buf, sizeof buf, p)) record += buf;
    ::pclose(p);
  }
  EXPECT_NE(record.find("household_registration"), std::string::npos) << record;
  EXPECT_NE(record.find("\"department_id\":\"public_security\""), std::string::npos) << record;
  EXPECT_NE(record.find("talent5"), std::string::npos) << record;
  EXPECT_NE(record.find("\"case_id\":\"GC20261101-0003\""), std::string::npos) << record;  // against the case
  EXPECT_NE(notice.find("GC20261101-0003"), std::string::npos);
}

}  // namespace
}  // namespace talentbot
