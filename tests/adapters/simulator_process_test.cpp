// The real talentbot-wecom-sim binary over HTTP: the WeCom API, its records and faults, the chat
// page, and callbacks that a stand-in bot verifies and decrypts with the bot's own crypto.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "adapters/simulator/wire.hpp"
#include "adapters/wecom/crypto.hpp"
#include "adapters/wecom/message.hpp"
#include "bot/http.hpp"
#include "bot/metrics.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot {
namespace {

namespace asio = boost::asio;
using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr char kCorpId[] = "wx5823bf96d3bd56c7";
constexpr char kToken[] = "QDG6eK";
constexpr char kAesKey[] = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

// The bot's side of a callback, reduced to what WeCom's retries and the tests need to see.
struct Received {
  std::string target, body;
  wecom::InboundMessage message;
};

// Plays the bot: verifies and decrypts each callback as the real route does, and answers 200.
class StandInBot {
 public:
  StandInBot() : router_(metrics_), crypto_(wecom::CallbackCrypto::create(kToken, kAesKey, kCorpId).value()) {
    router_.add("POST", "/wecom/callback",
                [this](bot::HttpRequest& req) -> asio::awaitable<bot::HttpResponse> { co_return handle(req); });
    config::ServerConfig cfg;
    cfg.port = 0;
    server_ = std::make_unique<bot::HttpServer>(ioc_, cfg, router_, log_, metrics_, false);
    port_ = server_->start();
    thread_ = std::thread([this] { ioc_.run_for(60s); });
  }
  ~StandInBot() {
    ioc_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  bool wait_for(std::size_t count) {
    for (int i = 0; i < 500; ++i) {
      if (received().size() >= count) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

 private:
  bot::HttpResponse handle(bot::HttpRequest const& req) {
    auto const q = sim::parse_query(req.query());
    auto const encrypt = wecom::extract_encrypt(req.body);
    if (!encrypt || !q.contains("msg_signature") || !q.contains("timestamp") || !q.contains("nonce"))
      return bot::HttpResponse::text(400, "bad callback");
    auto const xml = crypto_.verify_and_decrypt(q.at("msg_signature"), q.at("timestamp"), q.at("nonce"), *encrypt);
    if (!xml) return bot::HttpResponse::text(401, "signature or decryption failed");
    auto message = wecom::parse_inbound(*xml);
    if (!message) return bot::HttpResponse::text(400, "bad xml");
    std::lock_guard lock(mutex_);
    received_.push_back(Received{req.target, req.body, *message});
    return bot::HttpResponse::text(200, "");
  }

  Logger log_{LogLevel::warn};
  bot::Metrics metrics_;
  bot::Router router_;
  wecom::CallbackCrypto crypto_;
  asio::io_context ioc_;
  std::unique_ptr<bot::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Received> received_;
};

class Simulator {
 public:
  explicit Simulator(std::string const& bot_url) : dir_(test::make_temp_dir()) {
    std::ofstream(dir_ + "/talentbot.yaml")
        << "wecom:\n  corp_id: " << kCorpId << "\n  token: " << kToken << "\n  encoding_aes_key: " << kAesKey
        << "\n  agent_id: 1000002\n  secret: sim-secret\n";
    process_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{TALENTBOT_SIM_BINARY, "--config", dir_ + "/talentbot.yaml", "--listen", "127.0.0.1:0",
                                 "--bot-url", bot_url},
        std::map<std::string, std::string>{});
    if (auto rest = process_->wait_for_log("event=simulator.listening address=127.0.0.1:")) port_ = std::stoi(*rest);
  }
  ~Simulator() { std::filesystem::remove_all(dir_); }
  std::uint16_t port() const { return port_; }
  test::ChildProcess& process() { return *process_; }

  std::pair<int, Json> call(std::string const& method, std::string const& target, std::string const& body = {}) {
    auto reply = test::http_request(port_, method, target, body);
    if (!reply) return {0, Json()};
    return {reply->status, Json::parse(reply->body, nullptr, false)};
  }

 private:
  std::string dir_;
  std::unique_ptr<test::ChildProcess> process_;
  std::uint16_t port_ = 0;
};

std::string bot_url(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port) + "/wecom/callback"; }

TEST(SimulatorProcess, ServesGettokenAndSendAndRecordsTheCalls) {
  StandInBot bot;
  Simulator sim(bot_url(bot.port()));
  ASSERT_NE(sim.port(), 0) << sim.process().log();

  auto [status, token] = sim.call("GET", "/cgi-bin/gettoken?corpid=wx5823bf96d3bd56c7&corpsecret=sim-secret");
  ASSERT_EQ(status, 200);
  ASSERT_EQ(token.at("errcode"), 0) << token;
  auto const access_token = token.at("access_token").get<std::string>();
  EXPECT_EQ(token.at("expires_in"), 7200);
  EXPECT_EQ(sim.call("GET", "/cgi-bin/gettoken?corpid=wx5823bf96d3bd56c7&corpsecret=wrong").second.at("errcode"),
            40001);

  Json message{{"touser", "talent1"},
               {"msgtype", "text"},
               {"agentid", 1000002},
               {"text", Json{{"content", "您好，请问需要办理什么业务？"}}}};
  auto [send_status, sent] = sim.call("POST", "/cgi-bin/message/send?access_token=" + access_token, message.dump());
  EXPECT_EQ(send_status, 200);
  EXPECT_EQ(sent.at("errcode"), 0) << sent;
  EXPECT_EQ(sim.call("POST", "/cgi-bin/message/send?access_token=nope", message.dump()).second.at("errcode"), 40014);

  auto calls = sim.call("GET", "/sim/calls").second;
  ASSERT_EQ(calls.size(), 4u) << calls;
  EXPECT_EQ(calls[2].at("path"), "/cgi-bin/message/send");
  EXPECT_EQ(calls[2].at("query"), "access_token=***");
  EXPECT_EQ(calls[2].at("errcode"), 0);
  EXPECT_TRUE(calls[2].at("delivered").get<bool>());
  auto const delivered = sim.call("GET", "/sim/messages?user=talent1&since=0").second;
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].at("text").at("content"), "您好，请问需要办理什么业务？");

  auto [fault_status, faults] =
      sim.call("POST", "/sim/faults", R"({"kind":"errcode","errcode":45009,"count":1,"path":"/cgi-bin/message/send"})");
  EXPECT_EQ(fault_status, 200) << faults;
  EXPECT_EQ(sim.call("POST", "/cgi-bin/message/send?access_token=" + access_token, message.dump()).second.at("errcode"),
            45009);
  EXPECT_EQ(sim.call("POST", "/sim/faults", R"({"kind":"nonsense"})").first, 400);
  EXPECT_EQ(sim.call("DELETE", "/sim/calls").first, 200);
  EXPECT_TRUE(sim.call("GET", "/sim/calls").second.empty());

  sim.process().signal(SIGTERM);
  EXPECT_EQ(sim.process().wait_exit(10s), 0);
}

TEST(SimulatorProcess, SendPostsASignedEncryptedCallbackAndReplayRepeatsItByteForByte) {
  StandInBot bot;
  Simulator sim(bot_url(bot.port()));
  ASSERT_NE(sim.port(), 0) << sim.process().log();

  auto [status, answer] = sim.call("POST", "/sim/send", R"({"user":"talent1","text":"落户需要什么材料？"})");
  ASSERT_EQ(status, 200) << answer;
  EXPECT_EQ(answer.at("status"), 200);
  ASSERT_TRUE(bot.wait_for(1));
  auto const first = bot.received().at(0);
  EXPECT_EQ(first.message.user, "talent1");
  EXPECT_EQ(first.message.kind, "text");
  EXPECT_EQ(first.message.text, "落户需要什么材料？");
  EXPECT_EQ(first.message.msg_id, answer.at("msg_id").get<std::string>());
  EXPECT_EQ(first.message.agent_id, "1000002");
  EXPECT_NEAR(static_cast<double>(first.message.created_at), static_cast<double>(std::time(nullptr)), 5.0);

  auto [replay_status, replayed] = sim.call("POST", "/sim/replay");
  EXPECT_EQ(replay_status, 200) << replayed;
  ASSERT_TRUE(bot.wait_for(2));
  auto const second = bot.received().at(1);
  EXPECT_EQ(second.target, first.target);
  EXPECT_EQ(second.body, first.body);

  auto [click_status, click] =
      sim.call("POST", "/sim/click", R"({"user":"specialist1","task_id":"GC20261124-0007","event_key":"accept"})");
  EXPECT_EQ(click_status, 200) << click;
  ASSERT_TRUE(bot.wait_for(3));
  auto const event = bot.received().at(2).message;
  EXPECT_EQ(event.event, "template_card_event");
  EXPECT_EQ(event.task_id, "GC20261124-0007");
  EXPECT_EQ(event.event_key, "accept");
  EXPECT_EQ(event.response_code, click.at("response_code").get<std::string>());

  auto const mine = sim.call("GET", "/sim/messages?user=talent1&include_sent=1").second;
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].at("kind"), "sent");
  EXPECT_EQ(sim.call("POST", "/sim/send", R"({"user":"","text":"x"})").first, 400);
}

TEST(SimulatorProcess, UnreachableBotIsReportedAsBadGateway) {
  std::uint16_t closed_port = 0;
  {
    asio::io_context ioc;
    asio::ip::tcp::acceptor probe(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  Simulator sim(bot_url(closed_port));
  ASSERT_NE(sim.port(), 0) << sim.process().log();
  auto [status, answer] = sim.call("POST", "/sim/send", R"({"user":"talent1","text":"hello"})");
  EXPECT_EQ(status, 502);
  EXPECT_EQ(answer.at("status"), 0);
  EXPECT_EQ(sim.call("POST", "/sim/replay").first, 502);  // the last callback is kept for a later retry
}

TEST(SimulatorProcess, ServesTheChatPageAsUtf8) {
  Simulator sim(bot_url(9));
  ASSERT_NE(sim.port(), 0) << sim.process().log();
  auto page = test::http_request(sim.port(), "GET", "/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->headers.find("content-type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(page->body.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(page->body.find("企业微信模拟器"), std::string::npos);
  for (char const* asset : {"/app.js", "/style.css"})
    EXPECT_EQ(test::http_request(sim.port(), "GET", asset)->status, 200);
  auto const info = Json::parse(test::http_request(sim.port(), "GET", "/sim/info")->body);
  EXPECT_EQ(info.at("users"), Json::array({"talent1", "specialist1"}));
}

TEST(SimulatorProcess, MissingConfigIsAUsageError) {
  test::ChildProcess sim({TALENTBOT_SIM_BINARY, "--listen", "127.0.0.1:0"}, {});
  EXPECT_EQ(sim.wait_exit(10s), 2);
  EXPECT_NE(sim.log().find("usage:"), std::string::npos);
}

}  // namespace
}  // namespace talentbot
