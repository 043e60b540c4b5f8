#include "bot/wecom_channel.hpp"

#include "adapters/wecom/api_client.hpp"
#include "adapters/wecom/callback.hpp"
#include "bot/http.hpp"
#include "bot/metrics.hpp"
#include "storage/keys.hpp"
#include "storage/streams.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;

namespace {

void log_refused(Logger const& log, wecom::CallbackOutcome const& out, std::string_view method) {
  // Once per refused request, with the reason only: never the signature, the body or the key.
  log.warn("wecom.callback_refused", {{"method", method}, {"status", out.http_status}, {"reason", out.reason}});
}

void log_store_failed(Logger const& log, wecom::InboundMessage const& m, std::string const& error) {
  log.error("wecom.inbox_store_failed",
            {{"user", mask_user(m.user)}, {"error", error}, {"answer", "503, WeCom retries"}});
}

}  // namespace

WecomChannel::WecomChannel(config::Config const& config, storage::RedisClient& redis, Logger& log)
    : config_(config), redis_(redis), log_(log), counters_(std::make_shared<Counters>()) {
  auto crypto = wecom::CallbackCrypto::create(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id);
  if (!crypto) throw std::invalid_argument("wecom settings: " + crypto.error().message());
  crypto_ = std::make_unique<wecom::CallbackCrypto>(std::move(*crypto));
}

WecomChannel::~WecomChannel() = default;

void WecomChannel::add_routes(Router& router) {
  router.add("GET", "/wecom/callback", [this](HttpRequest& req) -> asio::awaitable<HttpResponse> {
    auto out = wecom::verify_url(*crypto_, wecom::parse_callback_query(req.query()));
    if (out.http_status != 200) {
      ++counters_->refused;
      log_refused(log_, out, "GET");
      co_return HttpResponse::error(out.http_status, out.reason);
    }
    ++counters_->verified;
    co_return HttpResponse::text(200, std::move(out.body));
  });

  router.add("POST", "/wecom/callback", [this](HttpRequest& req) -> asio::awaitable<HttpResponse> {
    auto out = wecom::open_callback(*crypto_, wecom::parse_callback_query(req.query()), req.body);
    if (!out.message) {
      ++counters_->refused;
      log_refused(log_, out, "POST");
      co_return HttpResponse::error(out.http_status, out.reason);
    }
    auto const& m = *out.message;
    // Durable before ack: only a stored message is answered 200. If Redis is down the 503 makes
    // WeCom retry, so nothing that was acknowledged can be lost.
    auto const partition = storage::keys::partition_of(m.user, config_.queue.partitions);
    auto stored = co_await storage::inbox_accept(redis_, partition, m.msg_id, wecom::to_json(m),
                                                 config_.queue.dedupe_window);
    if (!stored) {
      ++counters_->store_failed;
      log_store_failed(log_, m, stored.error().message());
      co_return HttpResponse::error(503, "temporarily unavailable");
    }
    ++(*stored ? counters_->accepted : counters_->duplicate);
    co_return HttpResponse::text(200, "");
  });
}

void WecomChannel::add_metrics(Metrics& metrics) {
  metrics.add_provider([c = counters_](std::string& out) {
    out += "# HELP talentbot_wecom_callbacks_total WeCom callbacks by outcome.\n";
    out += "# TYPE talentbot_wecom_callbacks_total counter\n";
    append_sample(out, "talentbot_wecom_callbacks_total", "outcome=\"accepted\"", c->accepted.load());
    append_sample(out, "talentbot_wecom_callbacks_total", "outcome=\"duplicate\"", c->duplicate.load());
    append_sample(out, "talentbot_wecom_callbacks_total", "outcome=\"refused\"", c->refused.load());
    append_sample(out, "talentbot_wecom_callbacks_total", "outcome=\"store_failed\"", c->store_failed.load());
    append_sample(out, "talentbot_wecom_callbacks_total", "outcome=\"url_verified\"", c->verified.load());
  });
}

}  // namespace talentbot::bot

namespace talentbot::bot {

Sender WecomChannel::sender(wecom::ApiClient& api) {
  return [&api](std::string const& payload) -> asio::awaitable<SendOutcome> {
    SendOutcome out;
    auto request = wecom::from_outbox(payload);
    if (!request) {
      out.status = SendStatus::give_up;
      out.detail = "unreadable outbox entry";
      co_return out;
    }
    auto const r = co_await api.call(*request);
    out.detail = r.detail;
    out.retry_after = r.retry_after;
    switch (r.verdict) {
      case wecom::Verdict::sent: out.status = SendStatus::sent; break;
      case wecom::Verdict::retry: out.status = SendStatus::retry; break;
      case wecom::Verdict::wait: out.status = SendStatus::wait; break;
      case wecom::Verdict::give_up: out.status = SendStatus::give_up; break;
    }
    co_return out;
  };
}

}  // namespace talentbot::bot
