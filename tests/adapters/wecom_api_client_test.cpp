// The WeCom API client against the simulator process and a real redis-server: the shared token
// (one fetch for many callers and instances), re-fetch on expiry, the per-member limit, and the
// verdict for each kind of answer.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/http_client.hpp"
#include "adapters/wecom/api_client.hpp"
#include "storage/redis.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run.hpp"

namespace talentbot::wecom {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using nlohmann::json;

class ApiClientTest : public ::testing::Test {
 protected:
  ApiClientTest()
      : sim_({TALENTBOT_SIM_BINARY, "--config", TALENTBOT_SOURCE_DIR "/deploy/talentbot.example.yaml", "--listen",
              "127.0.0.1:0", "--bot-url", "http://127.0.0.1:9/wecom/callback"},
             test::test_server_env()) {
    auto port = sim_.wait_for_log("event=simulator.listening address=127.0.0.1:");
    if (!port) throw std::runtime_error("simulator did not start: " + sim_.log());
    sim_port_ = static_cast<std::uint16_t>(std::stoi(*port));
    storage::RedisOptions o;
    o.endpoint = storage::RedisEndpoint::parse(redis_server_.url()).value();
    redis_ = std::make_unique<storage::RedisClient>(ioc_.get_executor(), o, log_);
    redis_->start();
    http_ = std::make_unique<net::HttpClient>(ioc_.get_executor(), net::HttpClientOptions{}, log_);
    settings_.api_base = "http://127.0.0.1:" + std::to_string(sim_port_);
    settings_.corp_id = "wx5823bf96d3bd56c7";  // test_server_env()'s WeCom settings
    settings_.secret = "test-secret";
    settings_.agent_id = 1000002;
    test::run_for(ioc_, [this]() -> asio::awaitable<void> {
      while (!redis_->connected()) co_await asio::steady_timer(ioc_, 5ms).async_wait(asio::use_awaitable);
    }());
  }

  OutboundRequest text_to(std::string const& user, std::string const& content) {
    return OutboundRequest{Api::message_send, user, text_message(user, settings_.agent_id, content)};
  }

  json sim_calls() { return json::parse(test::http_request(sim_port_, "GET", "/sim/calls")->body); }
  std::size_t count_calls(std::string const& path) {
    std::size_t n = 0;
    auto all = sim_calls();
    for (auto const& c : all.is_array() ? all : all.value("calls", json::array()))
      if (c.value("path", "") == path) ++n;
    return n;
  }
  void fault(json const& spec) { test::http_request(sim_port_, "POST", "/sim/faults", spec.dump()); }

  test::PrivateRedis redis_server_;
  test::ChildProcess sim_;
  std::uint16_t sim_port_ = 0;
  asio::io_context ioc_;
  Logger log_{LogLevel::warn};
  std::unique_ptr<storage::RedisClient> redis_;
  std::unique_ptr<net::HttpClient> http_;
  ApiSettings settings_;
};

TEST_F(ApiClientTest, ManyConcurrentCallersAndTwoInstancesFetchTheTokenOnce) {
  ApiClient first(*http_, *redis_, settings_, log_);
  ApiClient second(*http_, *redis_, settings_, log_);  // another instance sharing Redis
  int sent = 0;
  for (int i = 0; i < 20; ++i) {
    auto& api = i % 2 ? first : second;
    asio::co_spawn(ioc_, [&, i]() -> asio::awaitable<void> {
      auto r = co_await api.call(text_to("member" + std::to_string(i), "你好 " + std::to_string(i)));
      if (r.verdict == Verdict::sent) ++sent;
    }, asio::detached);
  }
  test::run_for(ioc_, [&]() -> asio::awaitable<void> {
    while (sent < 20) co_await asio::steady_timer(ioc_, 10ms).async_wait(asio::use_awaitable);
  }());
  EXPECT_EQ(sent, 20);
  EXPECT_EQ(count_calls("/cgi-bin/gettoken"), 1u);
}

TEST_F(ApiClientTest, ExpiredTokenIsFetchedAgainAndTheSameRequestSentOnce) {
  ApiClient api(*http_, *redis_, settings_, log_);
  test::run_for(ioc_, [&]() -> asio::awaitable<void> {
    auto warm = co_await api.call(text_to("talent1", "first"));
    EXPECT_EQ(warm.verdict, Verdict::sent);
    fault({{"kind", "expire_token"}});
    auto r = co_await api.call(text_to("talent1", "second"));
    EXPECT_EQ(r.verdict, Verdict::sent) << r.detail;
  }());
  EXPECT_EQ(count_calls("/cgi-bin/gettoken"), 2u);
  EXPECT_EQ(count_calls("/cgi-bin/message/send"), 3u);  // first, second (42001), second again
}

TEST_F(ApiClientTest, BusyAndLimitAnswersAreRetriedRecipientErrorsAreNot) {
  ApiClient api(*http_, *redis_, settings_, log_);
  test::run_for(ioc_, [&]() -> asio::awaitable<void> {
    fault({{"kind", "errcode"}, {"errcode", 45009}, {"count", 1}, {"path", "/cgi-bin/message/send"}});
    auto limited = co_await api.call(text_to("talent1", "a"));
    EXPECT_EQ(limited.verdict, Verdict::retry);
    EXPECT_GE(limited.retry_after, 1s);
    fault({{"kind", "http_status"}, {"status", 500}, {"count", 1}, {"path", "/cgi-bin/message/send"}});
    auto server_error = co_await api.call(text_to("talent1", "b"));
    EXPECT_EQ(server_error.verdict, Verdict::retry);
    fault({{"kind", "errcode"}, {"errcode", 81013}, {"count", 1}, {"path", "/cgi-bin/message/send"}});
    auto invalid_user = co_await api.call(text_to("talent1", "c"));
    EXPECT_EQ(invalid_user.verdict, Verdict::give_up);
    auto fine = co_await api.call(text_to("talent1", "d"));
    EXPECT_EQ(fine.verdict, Verdict::sent);
  }());
}

TEST_F(ApiClientTest, DroppedConnectionIsNoticedAtOnce) {
  ApiClient api(*http_, *redis_, settings_, log_);
  test::run_for(ioc_, [&]() -> asio::awaitable<void> {
    EXPECT_EQ((co_await api.call(text_to("talent1", "warm"))).verdict, Verdict::sent);
    fault({{"kind", "drop"}, {"count", 1}, {"path", "/cgi-bin/message/send"}});
    auto const t0 = std::chrono::steady_clock::now();
    auto r = co_await api.call(text_to("talent1", "after a drop"));
    auto const took = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(took, 2s) << r.detail;
  }(), 30s);
}

TEST_F(ApiClientTest, The31stMessageToOneMemberInAMinuteWaits) {
  ApiClient api(*http_, *redis_, settings_, log_);
  test::run_for(ioc_, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 30; ++i) {
      auto r = co_await api.call(text_to("busy_member", "第" + std::to_string(i) + "条"));
      EXPECT_EQ(r.verdict, Verdict::sent) << i << " " << r.detail;
    }
    auto held = co_await api.call(text_to("busy_member", "第31条"));
    EXPECT_EQ(held.verdict, Verdict::wait);
    EXPECT_GT(held.retry_after, 0ms);
    EXPECT_LE(held.retry_after, 2100ms);  // one token comes back every 2 s
    auto other = co_await api.call(text_to("quiet_member", "hello"));
    EXPECT_EQ(other.verdict, Verdict::sent);  // the limit is per member
  }(), 20s);
  EXPECT_EQ(count_calls("/cgi-bin/message/send"), 31u);  // the held one never reached WeCom
}

TEST(ApiClassify, MapsTheDocumentedErrorCodes) {
  EXPECT_EQ(classify(200, 0, "ok").verdict, Verdict::sent);
  EXPECT_EQ(classify(200, -1, "busy").verdict, Verdict::retry);
  EXPECT_EQ(classify(200, 45009, "freq").verdict, Verdict::retry);
  EXPECT_EQ(classify(200, 45033, "concurrent").verdict, Verdict::retry);
  EXPECT_EQ(classify(200, 42001, "expired").verdict, Verdict::retry);
  EXPECT_EQ(classify(502, 0, "").verdict, Verdict::retry);
  EXPECT_EQ(classify(429, 0, "").verdict, Verdict::retry);
  for (long code : {40001L, 40013L, 41001L, 60020L, 81013L, 301002L})
    EXPECT_EQ(classify(200, code, "").verdict, Verdict::give_up) << code;
  EXPECT_EQ(classify(404, 0, "").verdict, Verdict::give_up);
  EXPECT_NE(classify(200, 45009, "api freq out of limit").detail.find("errcode=45009"), std::string::npos);
}

TEST(OutboundPayloads, EachReplyGetsItsOwnStableDuplicateWindow) {
  auto const request = text_message("talent1", 1000002, "您的申请已提交");
  auto const first = with_reply_identity(request, "r_p3_1700000000000-0_0");
  auto const again = with_reply_identity(request, "r_p3_1700000000000-0_0");
  auto const other = with_reply_identity(request, "r_p3_1700000000500-0_0");
  EXPECT_EQ(first, again);  // a resend of one reply is byte-identical
  EXPECT_NE(first, other);  // the same text answering another message is another request
  for (auto const& r : {first, other}) {
    auto const window = json::parse(r)["duplicate_check_interval"].get<int>();
    EXPECT_GE(window, kDuplicateCheckSeconds);
    EXPECT_LT(window, 2 * kDuplicateCheckSeconds);
    EXPECT_LE(window, 4 * 3600);  // WeCom's maximum
  }
  EXPECT_EQ(json::parse(first)["text"]["content"], "您的申请已提交");
}

TEST(OutboundPayloads, CarryTheDuplicateCheckAndRoundTripThroughTheOutbox) {
  auto body = json::parse(text_message("talent1", 1000002, "你好"));
  EXPECT_EQ(body["touser"], "talent1");
  EXPECT_EQ(body["msgtype"], "text");
  EXPECT_EQ(body["agentid"], 1000002);
  EXPECT_EQ(body["text"]["content"], "你好");
  EXPECT_EQ(body["enable_duplicate_check"], 1);
  EXPECT_EQ(body["duplicate_check_interval"], kDuplicateCheckSeconds);
  auto card = json::parse(button_card_message("s1", 1, "新案件", "落户", "task_1", {{"接单", "accept", 1}}));
  EXPECT_EQ(card["template_card"]["card_type"], "button_interaction");
  EXPECT_EQ(card["template_card"]["task_id"], "task_1");
  EXPECT_EQ(card["template_card"]["button_list"][0]["key"], "accept");
  auto update = json::parse(update_card_buttons({"s1"}, 1, "rc123", "已接单"));
  EXPECT_EQ(update["response_code"], "rc123");
  EXPECT_EQ(update["button"]["replace_name"], "已接单");

  OutboundRequest request{Api::update_template_card, "s1", update.dump()};
  auto back = from_outbox(to_outbox(request));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->api, Api::update_template_card);
  EXPECT_EQ(back->user, "s1");
  EXPECT_EQ(back->body, request.body);  // byte-identical: a resend is the same request
  EXPECT_FALSE(from_outbox("{\"api\":\"nope\",\"body\":\"{}\"}"));
  EXPECT_FALSE(from_outbox("not json"));
}

TEST(OutboundPayloads, LongTextIsCutAtACharacterBoundaryWithinTheLimit) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "落户";  // 6000 bytes
  auto body = json::parse(text_message("u", 1, text));
  auto const content = body["text"]["content"].get<std::string>();
  EXPECT_LE(content.size(), kMaxContentBytes);
  EXPECT_EQ(content.size() % 3, 0u);  // whole 3-byte characters only
  EXPECT_EQ(truncate_utf8("abc", 10), "abc");
}

}  // namespace
}  // namespace talentbot::wecom
