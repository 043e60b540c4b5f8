// The listener over real loopback sockets: limits, timeouts, keep-alive, 404/405, graceful stop.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

#include "bot/http.hpp"
#include "bot/metrics.hpp"
#include "tests/support/http_client.hpp"

namespace talentbot::bot {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() : router(metrics) {
    router.add("GET", "/hello", [](HttpRequest&) -> asio::awaitable<HttpResponse> {
      co_return HttpResponse::text(200, "hello");
    });
    router.add("POST", "/echo", [](HttpRequest& req) -> asio::awaitable<HttpResponse> {
      co_return HttpResponse::text(200, req.body);
    });
    router.add("GET", "/slow", [this](HttpRequest&) -> asio::awaitable<HttpResponse> {
      ++slow_started;
      asio::steady_timer t(co_await asio::this_coro::executor, 400ms);
      co_await t.async_wait(asio::use_awaitable);
      co_return HttpResponse::text(200, "finally");
    });
    router.add("GET", "/vanish", [](HttpRequest&) -> asio::awaitable<HttpResponse> {
      HttpResponse r;
      r.close_without_response = true;
      co_return r;
    });
    router.add("GET", "/throws", [](HttpRequest&) -> asio::awaitable<HttpResponse> {
      throw std::runtime_error("boom");
      co_return HttpResponse::text(200, "unreachable");
    });
  }

  void start(config::ServerConfig cfg = {}) {
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    server = std::make_unique<HttpServer>(ioc, cfg, router, log, metrics, true);
    port = server->start();
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run_for(30s); });
  }

  ~HttpServerTest() override {
    ioc.stop();
    for (auto& t : threads) t.join();
  }

  std::vector<std::string> lines;
  std::mutex lines_mutex;
  Logger log{LogLevel::debug, LogFormat::kv, [this](std::string_view l) {
               std::lock_guard lock(lines_mutex);
               lines.emplace_back(l);
             }};
  Metrics metrics;
  Router router;
  asio::io_context ioc{2};
  std::unique_ptr<HttpServer> server;
  std::uint16_t port = 0;
  std::vector<std::thread> threads;
  std::atomic<int> slow_started{0};
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  test::HttpConnection c(port);
  for (int i = 0; i < 3; ++i) {
    auto r = c.request("GET", "/hello");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    EXPECT_TRUE(r->keep_alive);
  }
  auto echo = c.request("POST", "/echo", "落户需要什么材料");
  EXPECT_EQ(echo->body, "落户需要什么材料");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  start();
  auto missing = test::http_request(port, "GET", "/missing");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, R"({"error":"not found"})");
  auto wrong = test::http_request(port, "DELETE", "/hello");
  EXPECT_EQ(wrong->status, 405);
  EXPECT_NE(wrong->headers.find("allow: get"), std::string::npos);
}

TEST_F(HttpServerTest, OversizedBodyGets413AndTheConnectionCloses) {
  config::ServerConfig cfg;
  cfg.body_limit = 1024;
  start(cfg);
  test::HttpConnection c(port);
  auto r = c.request("POST", "/echo", std::string(4096, 'x'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, R"({"error":"request body too large"})");
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(c.closed_by_peer(1s));
  auto fits = test::http_request(port, "POST", "/echo", std::string(1024, 'y'));
  EXPECT_EQ(fits->status, 200);
}

TEST_F(HttpServerTest, OversizedHeaderGets413) {
  config::ServerConfig cfg;
  cfg.header_limit = 1024;
  start(cfg);
  test::HttpConnection c(port);
  auto r = c.request("GET", "/hello", "", "X-Big: " + std::string(4096, 'h') + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
  start();
  test::HttpConnection c(port);
  c.send_raw("GET /hello HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpServerTest, ClientThatTricklesBytesIsCutOff) {
  config::ServerConfig cfg;
  cfg.read_timeout = 300ms;
  start(cfg);
  test::HttpConnection c(port);
  std::string const request = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(40, 'a') + "\r\n\r\n";
  auto const t0 = std::chrono::steady_clock::now();
  bool closed = false;
  for (char ch : request) {
    if (!c.send_raw(std::string(1, ch)) || c.closed_by_peer(50ms)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed);
  auto const took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2s);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterTheReadTimeout) {
  config::ServerConfig cfg;
  cfg.read_timeout = 200ms;
  start(cfg);
  test::HttpConnection c(port);
  EXPECT_EQ(c.request("GET", "/hello")->status, 200);
  EXPECT_TRUE(c.closed_by_peer(1s));
}

TEST_F(HttpServerTest, HandlerCanCloseTheConnectionWithoutAnswering) {
  start();
  test::HttpConnection c(port);
  ASSERT_TRUE(c.send_raw("GET /vanish HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_FALSE(c.read_reply());  // EOF, not a response
  EXPECT_EQ(test::http_request(port, "GET", "/hello")->status, 200);
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500AndIsLogged) {
  start();
  auto r = test::http_request(port, "GET", "/throws");
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, R"({"error":"internal error"})");
  std::lock_guard lock(lines_mutex);
  bool logged = false;
  for (auto const& l : lines) logged |= l.find("event=http.handler_failed") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST_F(HttpServerTest, AccessLogHasPathWithoutQueryAndLatency) {
  start();
  test::http_request(port, "GET", "/hello?msg_signature=secret");
  // The line is written after the response, so the client may see the answer first.
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(lines_mutex);
      if (std::any_of(lines.begin(), lines.end(), [](auto const& l) { return l.find("event=http.request") != std::string::npos; }))
        break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::lock_guard lock(lines_mutex);
  bool found = false;
  for (auto const& l : lines) {
    if (l.find("event=http.request") == std::string::npos) continue;
    found = true;
    EXPECT_NE(l.find("path=/hello status=200 latency_us="), std::string::npos) << l;
    EXPECT_EQ(l.find("secret"), std::string::npos) << l;
  }
  EXPECT_TRUE(found);
}

TEST_F(HttpServerTest, GracefulStopFinishesInFlightRequestsAndRefusesNewOnes) {
  start();
  std::optional<test::HttpReply> slow_reply;
  std::thread client([&] { slow_reply = test::http_request(port, "GET", "/slow"); });
  test::HttpConnection idle(port);
  EXPECT_EQ(idle.request("GET", "/hello")->status, 200);
  while (slow_started == 0) std::this_thread::sleep_for(5ms);

  server->stop_accepting();
  auto drained = asio::co_spawn(ioc, server->drain(5s), asio::use_future);
  EXPECT_TRUE(idle.closed_by_peer(1s));  // idle keep-alive connections go at once
  client.join();
  ASSERT_TRUE(slow_reply);
  EXPECT_EQ(slow_reply->status, 200);  // the in-flight request was answered
  EXPECT_EQ(slow_reply->body, "finally");
  EXPECT_EQ(drained.wait_for(2s), std::future_status::ready);
  EXPECT_TRUE(drained.get());
  test::HttpConnection late(port);
  EXPECT_FALSE(late.connected() && late.request("GET", "/hello").has_value());
}

TEST_F(HttpServerTest, DrainClosesWhatOutlivesTheGrace) {
  start();
  std::optional<test::HttpReply> slow_reply;
  std::thread client([&] { slow_reply = test::http_request(port, "GET", "/slow"); });
  while (slow_started == 0) std::this_thread::sleep_for(5ms);
  server->stop_accepting();
  auto drained = asio::co_spawn(ioc, server->drain(100ms), asio::use_future);
  EXPECT_EQ(drained.wait_for(2s), std::future_status::ready);
  EXPECT_FALSE(drained.get());
  client.join();
  EXPECT_FALSE(slow_reply);
}

}  // namespace
}  // namespace talentbot::bot
