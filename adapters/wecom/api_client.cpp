#include "adapters/wecom/api_client.hpp"

#include <nlohmann/json.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/http_client.hpp"
#include "adapters/wecom/crypto.hpp"
#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "storage/redis.hpp"

namespace talentbot::wecom {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::result;

namespace {

constexpr auto kLockLease = 10s;       // one instance fetches; the others wait up to this
constexpr auto kPollInterval = 50ms;

// A token bucket on Redis' clock, so every instance shares one budget. Returns 0 when a token
// was taken, otherwise the milliseconds until one will be there.
storage::Script const kTakeToken(R"lua(
local cap = tonumber(ARGV[1])
local per_ms = cap / tonumber(ARGV[2])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
tokens = math.min(cap, tokens + (now - ts) * per_ms)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / per_ms) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return wait
)lua");

// Drops the cached token only if it is the one that failed: another instance may already have
// stored a fresh one.
storage::Script const kDropIfSame(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

void log_config_error(Logger const& log, ApiResult const& r) {
  log.error("wecom.config_error", {{"detail", r.detail}, {"action", "not retried; check corp_id, secret, trusted IPs"}});
}

void log_token_fetch(Logger const& log, std::string const& outcome, std::string const& detail) {
  log.log(outcome == "ok" ? LogLevel::info : LogLevel::warn, "wecom.token_fetch", {{"outcome", outcome}, {"detail", detail}});
}

}  // namespace

ApiResult classify(unsigned http_status, long errcode, std::string_view errmsg) {
  ApiResult r;
  r.errcode = errcode;
  r.detail = "http=" + std::to_string(http_status) + " errcode=" + std::to_string(errcode) + " " + std::string(errmsg);
  if (http_status >= 500 || http_status == 429) {
    r.verdict = Verdict::retry;
    return r;
  }
  if (http_status != 200) {
    r.verdict = Verdict::give_up;
    return r;
  }
  switch (errcode) {
    case 0: r.verdict = Verdict::sent; break;
    case -1: r.verdict = Verdict::retry; r.retry_after = 1s; break;      // system busy
    case 45009: r.verdict = Verdict::retry; r.retry_after = 30s; break;  // frequency limit: seconds to minutes
    case 45033: r.verdict = Verdict::retry; r.retry_after = 2s; break;   // too many concurrent calls
    case 40014:
    case 42001: r.verdict = Verdict::retry; break;  // token: refetched by call(); retried if still bad
    default: r.verdict = Verdict::give_up; break;    // 40001/40013/60020 config, 81013/301002 recipients, bugs
  }
  return r;
}

ApiClient::ApiClient(net::HttpClient& http, storage::RedisClient& redis, ApiSettings settings, Logger& log)
    : http_(http), redis_(redis), settings_(std::move(settings)), log_(log) {}

asio::awaitable<result<std::string>> ApiClient::fetch_token() {
  auto const url = settings_.api_base + "/cgi-bin/gettoken?corpid=" + settings_.corp_id + "&corpsecret=" + settings_.secret;
  auto answer = co_await http_.request("GET", url);
  if (!answer) {
    log_token_fetch(log_, "failed", answer.error().message());
    co_return answer.error();
  }
  auto j = nlohmann::json::parse(answer->body, nullptr, false);
  if (answer->status != 200 || j.is_discarded() || j.value("errcode", -1L) != 0 || !j.contains("access_token")) {
    auto const code = j.is_discarded() ? -1L : j.value("errcode", -1L);
    log_token_fetch(log_, "refused", "http=" + std::to_string(answer->status) + " errcode=" + std::to_string(code));
    co_return make_error_code(errc::bad_field);
  }
  auto token = j["access_token"].get<std::string>();
  auto const expires_in = std::chrono::seconds(j.value("expires_in", 7200L));
  // Cached for less than WeCom's validity so instances refresh early, never on an expired token.
  auto const keep = std::max(expires_in - settings_.refresh_margin, expires_in / 2);
  co_await redis_.command(storage::args("SET", storage::keys::access_token(settings_.corp_id, settings_.agent_id), token,
                                        "PX", std::to_string(std::chrono::milliseconds(keep).count())));
  log_token_fetch(log_, "ok", "cached_for_s=" + std::to_string(keep.count()));
  co_return token;
}

asio::awaitable<result<std::string>> ApiClient::access_token(std::string const& stale) {
  auto const key = storage::keys::access_token(settings_.corp_id, settings_.agent_id);
  auto const lock = storage::keys::access_token_lock(settings_.corp_id, settings_.agent_id);
  if (!stale.empty()) co_await redis_.eval(kDropIfSame, storage::args(key), storage::args(stale));
  asio::steady_timer pause(co_await asio::this_coro::executor);
  auto const deadline = std::chrono::steady_clock::now() + kLockLease;
  while (std::chrono::steady_clock::now() < deadline) {
    auto cached = co_await redis_.command(storage::args("GET", key));
    if (!cached) co_return cached.error();
    if (cached->type == storage::Reply::Type::string) co_return cached->str;
    // Single flight across instances: whoever takes the lock fetches; the rest wait for the key.
    auto locked = co_await redis_.command(
        storage::args("SET", lock, "1", "NX", "PX", std::to_string(std::chrono::milliseconds(kLockLease).count())));
    if (!locked) co_return locked.error();
    if (!locked->is_nil()) {
      auto token = co_await fetch_token();
      co_await redis_.command(storage::args("DEL", lock));
      co_return token;
    }
    pause.expires_after(kPollInterval);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return make_error_code(net::errc::timeout);
}

asio::awaitable<std::chrono::milliseconds> ApiClient::take_tokens(OutboundRequest const& request) {
  auto app = co_await redis_.eval(kTakeToken, storage::args(storage::keys::app_call_bucket(settings_.agent_id)),
                                  storage::args(std::to_string(settings_.app_per_minute), "60000"));
  if (app && app->integer > 0) co_return std::chrono::milliseconds(app->integer);
  if (request.api != Api::message_send || request.user.empty()) co_return 0ms;
  auto member = co_await redis_.eval(kTakeToken, storage::args(storage::keys::member_send_bucket(request.user)),
                                     storage::args(std::to_string(settings_.member_per_minute), "60000"));
  if (member && member->integer > 0) co_return std::chrono::milliseconds(member->integer);
  co_return 0ms;
}

asio::awaitable<ApiResult> ApiClient::post(OutboundRequest const& request, std::string const& token) {
  std::string url = settings_.api_base + std::string(api_path(request.api));
  url += request.api == Api::webhook_send ? "?key=" + settings_.webhook_key : "?access_token=" + token;
  auto answer = co_await http_.request("POST", url, request.body);
  if (!answer) {
    ApiResult r;
    r.verdict = Verdict::retry;  // timeouts and broken connections: WeCom's duplicate check covers a repeat
    r.detail = answer.error().message();
    co_return r;
  }
  auto j = nlohmann::json::parse(answer->body, nullptr, false);
  long const errcode = j.is_object() ? j.value("errcode", 0L) : (answer->status == 200 ? -1L : 0L);
  auto r = classify(answer->status, errcode, j.is_object() ? j.value("errmsg", "") : std::string("unparseable answer"));
  r.response = std::move(answer->body);
  co_return r;
}

asio::awaitable<ApiResult> ApiClient::call(OutboundRequest const& request) {
  // A member over WeCom's 30/min is dropped silently by WeCom: hold the message instead.
  auto const wait = co_await take_tokens(request);
  if (wait > 0ms) {
    ApiResult r;
    r.verdict = Verdict::wait;
    r.retry_after = wait;
    r.detail = "rate limit";
    co_return r;
  }
  std::string token;
  if (request.api != Api::webhook_send) {
    auto t = co_await access_token();
    if (!t) {
      ApiResult r;
      r.verdict = Verdict::retry;
      r.detail = "no access token: " + t.error().message();
      co_return r;
    }
    token = std::move(*t);
  }
  auto r = co_await post(request, token);
  if (r.errcode == 40014 || r.errcode == 42001) {
    auto fresh = co_await access_token(token);
    if (fresh) r = co_await post(request, *fresh);
  }
  if (r.errcode == 40001 || r.errcode == 40013 || r.errcode == 60020) log_config_error(log_, r);
  co_return r;
}

}  // namespace talentbot::wecom
