#pragma once
// The message pipeline between the durable inbox and the WeCom API: partitions of the inbox and
// outbox streams are leased to one instance at a time, and in each partition messages are handled
// and replies sent strictly in order, so a talent's messages are answered in the order written.
//
//   callback route ──XADD──▶ inbox:{p} ──handle──▶ outbox:{p} ──send──▶ WeCom
//                  (dedupe)          (one atomic commit)        (retry, backoff, dead letters)
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bot/config.hpp"
#include "storage/redis.hpp"
#include "storage/streams.hpp"

namespace talentbot::bot {

class Metrics;

// What handling one inbox message produced: the outbox payloads to send, in order, and state to
// save with them (committed in one atomic step with the acknowledgement).
struct Handled {
  std::vector<std::string> replies;
  std::vector<storage::SavedState> state;
  bool retry = false;  // could not be handled now (Redis hiccup, no model): keep it and try again
};
// Handles one inbox payload (a stored InboundMessage); `entry_id` is stable across re-handling.
using Responder =
    std::function<boost::asio::awaitable<Handled>(std::string const& payload, std::string const& entry_id)>;

// wait: not attempted (a rate limit said not yet); it does not count as an attempt.
enum class SendStatus { sent, retry, wait, give_up };
struct SendOutcome {
  SendStatus status = SendStatus::sent;
  std::chrono::milliseconds retry_after{0};  // a floor for the next attempt (e.g. after 45009)
  std::string detail;                        // for logs and dead letters: errcode and message
};
using Sender = std::function<boost::asio::awaitable<SendOutcome>(std::string const& payload)>;

struct PipelineStats {
  std::uint64_t handled = 0, sent = 0, retries = 0, dead_letters = 0, claimed = 0;
  unsigned partitions_held = 0;
};

class Pipeline {
 public:
  Pipeline(boost::asio::any_io_executor executor, storage::RedisClient& redis, storage::RedisOptions const& redis_options,
           config::QueueConfig config, Responder responder, Sender sender, Logger& log);
  ~Pipeline();

  void start();
  void stop();  // stops taking work; unacknowledged entries stay pending for the next owner
  // After stop(): gives back the leases of partitions with nothing in hand, so another instance
  // (or this one restarted) takes them at once instead of after queue.lease. A partition still
  // handling a message keeps its lease until it runs out, so nothing is handled twice.
  boost::asio::awaitable<void> release_idle();
  PipelineStats stats() const;
  std::string const& instance_id() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Publishes the pipeline counters on /metrics.
void add_pipeline_metrics(Metrics& metrics, Pipeline const& pipeline);

}  // namespace talentbot::bot
