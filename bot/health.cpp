#include "bot/health.hpp"

#include "bot/http.hpp"
#include "bot/metrics.hpp"
#include "storage/redis.hpp"

namespace talentbot::bot {

void add_health_routes(Router& router, storage::RedisClient& redis, Metrics& metrics) {
  router.add("GET", "/healthz", [](HttpRequest&) -> boost::asio::awaitable<HttpResponse> {
    co_return HttpResponse::text(200, "ok");
  });
  router.add("GET", "/readyz", [&redis](HttpRequest&) -> boost::asio::awaitable<HttpResponse> {
    if (!redis.connected()) co_return HttpResponse::error(503, "redis unavailable");
    auto pong = co_await redis.command(storage::args("PING"), storage::CallPolicy{std::chrono::milliseconds(500)});
    if (!pong || pong->is_error()) co_return HttpResponse::error(503, "redis unavailable");
    co_return HttpResponse::text(200, "ready");
  });
  router.add("GET", "/metrics", [&metrics](HttpRequest&) -> boost::asio::awaitable<HttpResponse> {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics.render();
    co_return r;
  });
}

void add_process_metrics(Metrics& metrics, storage::RedisClient& redis) {
  metrics.add_provider([&redis](std::string& out) {
    auto const s = redis.stats();
    out += "# HELP talentbot_redis_connected 1 while the Redis connection is up.\n";
    out += "# TYPE talentbot_redis_connected gauge\n";
    append_sample(out, "talentbot_redis_connected", "", std::uint64_t{redis.connected() ? 1u : 0u});
    out += "# HELP talentbot_redis_commands_total Commands sent to Redis.\n";
    out += "# TYPE talentbot_redis_commands_total counter\n";
    append_sample(out, "talentbot_redis_commands_total", "", s.commands);
    out += "# HELP talentbot_redis_errors_total Redis commands that failed, by reason.\n";
    out += "# TYPE talentbot_redis_errors_total counter\n";
    append_sample(out, "talentbot_redis_errors_total", "reason=\"disconnected\"", s.failed_fast);
    append_sample(out, "talentbot_redis_errors_total", "reason=\"timeout\"", s.timeouts);
    append_sample(out, "talentbot_redis_errors_total", "reason=\"connection_lost\"", s.connection_lost);
    out += "# HELP talentbot_redis_connects_total Successful (re)connections and failed attempts.\n";
    out += "# TYPE talentbot_redis_connects_total counter\n";
    append_sample(out, "talentbot_redis_connects_total", "result=\"ok\"", s.connects);
    append_sample(out, "talentbot_redis_connects_total", "result=\"failed\"", s.connect_failures);
    out += "# HELP talentbot_build_info Build information.\n";
    out += "# TYPE talentbot_build_info gauge\n";
    append_sample(out, "talentbot_build_info", "version=\"" TALENTBOT_VERSION "\"", std::uint64_t{1});
  });
}

}  // namespace talentbot::bot
