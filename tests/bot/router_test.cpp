#include <gtest/gtest.h>

#include "bot/http.hpp"
#include "bot/metrics.hpp"

namespace talentbot::bot {
namespace {

boost::asio::awaitable<HttpResponse> ok(HttpRequest&) { co_return HttpResponse::text(200, "ok"); }

TEST(Router, MatchesMethodAndPath) {
  Metrics metrics;
  Router router(metrics);
  router.add("GET", "/healthz", ok);
  router.add("POST", "/wecom/callback", ok);
  router.add("GET", "/wecom/callback", ok);
  EXPECT_NE(router.match("GET", "/healthz").handler, nullptr);
  EXPECT_NE(router.match("POST", "/wecom/callback").handler, nullptr);
  EXPECT_NE(router.match("HEAD", "/healthz").handler, nullptr);
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Metrics metrics;
  Router router(metrics);
  router.add("GET", "/wecom/callback", ok);
  router.add("POST", "/wecom/callback", ok);
  auto missing = router.match("GET", "/nope");
  EXPECT_EQ(missing.handler, nullptr);
  EXPECT_EQ(missing.status, 404u);
  auto wrong = router.match("DELETE", "/wecom/callback");
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(wrong.allow, "GET, POST");
}

TEST(Router, RoutesShareOneMetricsSeriesPerPath) {
  Metrics metrics;
  Router router(metrics);
  router.add("GET", "/a", ok);
  router.add("POST", "/a", ok);
  auto get = router.match("GET", "/a");
  auto post = router.match("POST", "/a");
  EXPECT_EQ(get.route_id, post.route_id);
  metrics.observe(get.route_id, 200, std::chrono::microseconds(300));
  metrics.observe(get.route_id, 503, std::chrono::milliseconds(2));
  auto const text = metrics.render();
  EXPECT_NE(text.find("talentbot_http_requests_total{route=\"/a\",status=\"200\"} 1"), std::string::npos);
  EXPECT_NE(text.find("talentbot_http_requests_total{route=\"/a\",status=\"503\"} 1"), std::string::npos);
  EXPECT_NE(text.find("talentbot_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("talentbot_http_request_duration_seconds_count{route=\"/a\"} 2"), std::string::npos);
}

}  // namespace
}  // namespace talentbot::bot
