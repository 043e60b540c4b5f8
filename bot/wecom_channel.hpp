#pragma once
// The WeCom channel as the server sees it: the callback route (verify, decrypt, parse, store
// durably, then ack) and the sender that turns outbox entries into WeCom API calls.
#include <atomic>
#include <memory>

#include "bot/config.hpp"
#include "bot/pipeline.hpp"

namespace talentbot::storage {
class RedisClient;
}
namespace talentbot::wecom {
class CallbackCrypto;
class ApiClient;
}

namespace talentbot::bot {

class Router;
class Metrics;

class WecomChannel {
 public:
  // Throws std::invalid_argument when the WeCom settings cannot make a callback crypto.
  WecomChannel(config::Config const& config, storage::RedisClient& redis, Logger& log);
  ~WecomChannel();

  // GET|POST /wecom/callback.
  void add_routes(Router& router);
  void add_metrics(Metrics& metrics);

  // What the pipeline calls to send one outbox entry through the WeCom API.
  static Sender sender(wecom::ApiClient& api);

 private:
  struct Counters {
    std::atomic<std::uint64_t> accepted{0}, duplicate{0}, refused{0}, verified{0}, store_failed{0};
  };
  config::Config const& config_;
  storage::RedisClient& redis_;
  Logger& log_;
  std::unique_ptr<wecom::CallbackCrypto> crypto_;
  std::shared_ptr<Counters> counters_;
};

}  // namespace talentbot::bot
