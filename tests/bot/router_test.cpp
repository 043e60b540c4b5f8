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

namespace talentbot::bot {
namespace {

TEST(Router, PatternSegmentsMatchOneNonEmptySegment) {
  Metrics metrics;
  Router router(metrics);
  router.add("GET", "/api/v1/cases/{id}", ok);
  router.add("POST", "/api/v1/cases/{id}/status", ok);
  EXPECT_NE(router.match("GET", "/api/v1/cases/GC20261124-0007").handler, nullptr);
  EXPECT_NE(router.match("POST", "/api/v1/cases/GC20261124-0007/status").handler, nullptr);
  EXPECT_EQ(router.match("GET", "/api/v1/cases/").status, 404u);
  EXPECT_EQ(router.match("GET", "/api/v1/cases").status, 404u);
  EXPECT_EQ(router.match("GET", "/api/v1/cases/a/b").status, 404u);
  EXPECT_EQ(router.match("GET", "/api/v1/cases/a/status").status, 405u);
  EXPECT_EQ(router.match("GET", "/api/v1/cases/a").route_id, router.match("GET", "/api/v1/cases/b").route_id);
  EXPECT_EQ(path_segment("/api/v1/cases/GC20261124-0007/status", 3), "GC20261124-0007");
  EXPECT_EQ(path_segment("/api/v1/cases", 3), "");
}

}  // namespace
}  // namespace talentbot::bot
