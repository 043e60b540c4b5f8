#include "bot/pipeline.hpp"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "bot/metrics.hpp"
#include "storage/keys.hpp"
#include "storage/streams.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
namespace keys = storage::keys;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadBatch = 256;
constexpr auto kBlock = 1000ms;
// About a minute of backoff(3) retries while Redis answers: far past a hiccup (a model reload,
// a failover), short enough that the other users of the partition are not held for long.
constexpr int kPoisonedAfter = 40;

storage::Script const kRenew(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
)lua");

storage::Script const kRelease(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

// Heartbeat and count of live instances, dropping those silent for a lease.
storage::Script const kHeartbeat(R"lua(
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[3])
return redis.call('ZCARD', KEYS[1])
)lua");

std::string make_instance_id() {
  char host[64] = {};
  ::gethostname(host, sizeof host - 1);
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(rd() % 100000);
}

// What the center sees of a reply given up on. Built with a JSON library: the detail carries
// WeCom's errmsg, which may hold quotes, and the payload is kept as the JSON it is.
std::string dead_letter_record(storage::StreamEntry const& entry, std::string const& detail, long long at_ms) {
  auto payload = nlohmann::json::parse(entry.payload, nullptr, false);
  nlohmann::json record{{"entry", entry.id}, {"detail", detail}, {"at", at_ms}};
  record["payload"] = payload.is_discarded() ? nlohmann::json(entry.payload) : payload;
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

storage::RedisOptions quiet(storage::RedisOptions o) {
  o.report_outages = false;
  return o;
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Partition {
  explicit Partition(unsigned i, asio::any_io_executor ex) : index(i), inbox_wake(ex), outbox_wake(ex) {}
  unsigned index;
  bool held = true;
  std::deque<storage::StreamEntry> inbox, outbox;
  // Ids queued or being handled, so a re-claim adds no twin. One set per stream: ids are unique
  // within a stream only, and a reply committed in the same millisecond as its message was
  // appended gets the message's id in the outbox.
  std::set<std::string> queued_inbox, queued_outbox;
  std::set<std::string>& queued(bool inbox) { return inbox ? queued_inbox : queued_outbox; }
  asio::steady_timer inbox_wake, outbox_wake;
  int front_retries = 0;  // how often the first inbox entry asked to be tried again while Redis answered
  bool busy() const { return !inbox.empty() || !outbox.empty(); }
};

struct Pipeline::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, storage::RedisClient& redis, storage::RedisOptions const& redis_options,
       config::QueueConfig cfg, Responder responder, Sender sender, Logger& log)
      : strand(asio::make_strand(ex)),
        redis(redis),
        inbox_reader(ex, quiet(redis_options), log),
        outbox_reader(ex, quiet(redis_options), log),
        cfg(cfg),
        responder(std::move(responder)),
        sender(std::move(sender)),
        log(log),
        instance_id(make_instance_id()),
        lease_timer(strand),
        rng(std::random_device{}()) {}

  asio::strand<asio::any_io_executor> strand;
  storage::RedisClient& redis;
  storage::RedisClient inbox_reader, outbox_reader;  // blocking reads get connections of their own
  config::QueueConfig cfg;
  Responder responder;
  Sender sender;
  Logger& log;
  std::string instance_id;
  asio::steady_timer lease_timer;
  std::minstd_rand rng;
  std::map<unsigned, std::shared_ptr<Partition>> held;
  bool stopping = false;
  std::atomic<std::uint64_t> handled{0}, sent{0}, retries{0}, dead{0}, claimed{0};
  std::atomic<unsigned> held_count{0};

  asio::awaitable<void> lease_loop();

  asio::awaitable<void> release_idle();
  asio::awaitable<void> read_loop(bool inbox);
  asio::awaitable<void> inbox_worker(std::shared_ptr<Partition> p);
  asio::awaitable<void> outbox_worker(std::shared_ptr<Partition> p);
  asio::awaitable<bool> acquire(unsigned index);
  asio::awaitable<void> claim_into(std::shared_ptr<Partition> p, std::chrono::milliseconds min_idle);
  asio::awaitable<void> sleep(std::chrono::milliseconds d);

  void enqueue(storage::StreamEntry entry);
  void drop(unsigned index, char const* why);
  std::chrono::milliseconds backoff(long long attempt);
  void note(LogLevel level, char const* event, unsigned partition, std::string_view key = {},
            std::string_view value = {}) const {
    log.log(level, event, {{"partition", partition}, {key.empty() ? "detail" : key, value}});
  }
};

asio::awaitable<void> Pipeline::Impl::sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(strand, d);
  co_await t.async_wait(kAwait);
}

std::chrono::milliseconds Pipeline::Impl::backoff(long long attempt) {
  // Exponential with full jitter on the upper half: retries of many replies spread out.
  long long const cap = cfg.retry_max.count();
  long long base = cfg.retry_base.count();
  for (long long i = 1; i < attempt && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  std::uniform_int_distribution<long long> jitter(base / 2, base);
  return std::chrono::milliseconds(jitter(rng));
}

void Pipeline::Impl::enqueue(storage::StreamEntry entry) {
  bool const is_inbox = entry.stream.ends_with(":inbox");
  for (auto& [index, p] : held) {
    if (entry.stream != (is_inbox ? keys::inbox(index) : keys::outbox(index))) continue;
    if (!p->queued(is_inbox).insert(entry.id).second) return;  // already here
    (is_inbox ? p->inbox : p->outbox).push_back(std::move(entry));
    (is_inbox ? p->inbox_wake : p->outbox_wake).cancel();
    return;
  }
  // Not ours (any more): it stays pending and the partition's owner claims it after a lease.
}

void Pipeline::Impl::drop(unsigned index, char const* why) {
  auto it = held.find(index);
  if (it == held.end()) return;
  it->second->held = false;
  it->second->inbox_wake.cancel();
  it->second->outbox_wake.cancel();
  held.erase(it);
  held_count = static_cast<unsigned>(held.size());
  note(LogLevel::info, "pipeline.partition_released", index, "reason", why);
}

asio::awaitable<void> Pipeline::Impl::claim_into(std::shared_ptr<Partition> p, std::chrono::milliseconds min_idle) {
  for (int side = 0; side < 2; ++side) {
    bool const inbox = side == 0;
    auto const group = inbox ? keys::kInboxGroup : keys::kOutboxGroup;
    // Named, not inline: g++ 12 miscompiles a ?: of std::string temporaries inside co_await.
    std::string stream = inbox ? keys::inbox(p->index) : keys::outbox(p->index);
    auto entries = co_await storage::claim_pending(redis, std::move(stream), group, instance_id, min_idle);
    if (!entries) co_return;
    for (auto& e : *entries) {
      if (p->queued(inbox).count(e.id)) continue;
      ++claimed;
      enqueue(std::move(e));
    }
  }
}

asio::awaitable<bool> Pipeline::Impl::acquire(unsigned index) {
  auto got = co_await redis.command(storage::args("SET", keys::partition_lease(index), instance_id, "NX", "PX",
                                                  std::to_string(cfg.lease.count())));
  if (!got || got->is_nil() || got->is_error()) co_return false;
  for (int side = 0; side < 2; ++side) {
    bool const inbox = side == 0;
    std::string stream = inbox ? keys::inbox(index) : keys::outbox(index);
    auto ok = co_await storage::ensure_group(redis, std::move(stream), inbox ? keys::kInboxGroup : keys::kOutboxGroup);
    if (!ok) co_return false;
  }
  auto p = std::make_shared<Partition>(index, strand);
  held.emplace(index, p);
  held_count = static_cast<unsigned>(held.size());
  note(LogLevel::info, "pipeline.partition_acquired", index, "instance", instance_id);
  // Whatever the previous owner left unacknowledged comes first, in stream order.
  co_await claim_into(p, 0ms);
  asio::co_spawn(strand, inbox_worker(p), asio::detached);
  asio::co_spawn(strand, outbox_worker(p), asio::detached);
  co_return true;
}

asio::awaitable<void> Pipeline::Impl::lease_loop() {
  auto self = shared_from_this();
  auto const period = std::max(cfg.lease / 3, std::chrono::milliseconds(50));
  std::uniform_int_distribution<unsigned> pick(0, cfg.partitions - 1);
  while (!stopping) {
    auto live = co_await redis.eval(kHeartbeat, storage::args(keys::instances()),
                                    storage::args(std::to_string(now_ms()), instance_id, std::to_string(cfg.lease.count())));
    if (live && !live->is_error() && live->integer > 0) {
      std::vector<unsigned> mine;
      for (auto const& [index, p] : held) mine.push_back(index);
      for (unsigned index : mine) {
        auto renewed = co_await redis.eval(kRenew, storage::args(keys::partition_lease(index)),
                                           storage::args(instance_id, std::to_string(cfg.lease.count())));
        if (renewed && !renewed->is_error() && renewed->integer == 0) drop(index, "lease lost");
      }
      auto const target = (cfg.partitions + static_cast<unsigned>(live->integer) - 1) / static_cast<unsigned>(live->integer);
      unsigned const start = pick(rng);
      for (unsigned k = 0; k < cfg.partitions && held.size() < target && !stopping; ++k) {
        unsigned const index = (start + k) % cfg.partitions;
        if (!held.count(index)) co_await acquire(index);
      }
      // Give back what is above our fair share, once its queues are empty.
      for (auto it = held.rbegin(); held.size() > target && it != held.rend();) {
        auto const index = it->first;
        auto const idle = !it->second->busy();
        ++it;
        if (!idle) continue;
        co_await redis.eval(kRelease, storage::args(keys::partition_lease(index)), storage::args(instance_id));
        drop(index, "rebalance");
        it = held.rbegin();
      }
      // Entries delivered to an instance that then died stay pending: take them after a lease.
      for (auto const& [index, p] : std::map<unsigned, std::shared_ptr<Partition>>(held)) co_await claim_into(p, cfg.lease);
    }
    // Until Redis answers (start-up, outage) look again soon instead of a whole period later.
    lease_timer.expires_after(live && !live->is_error() ? period : std::chrono::milliseconds(100));
    co_await lease_timer.async_wait(kAwait);
  }
}

asio::awaitable<void> Pipeline::Impl::read_loop(bool inbox) {
  auto self = shared_from_this();
  auto& reader = inbox ? inbox_reader : outbox_reader;
  auto const group = inbox ? keys::kInboxGroup : keys::kOutboxGroup;
  while (!stopping) {
    std::vector<std::string> streams;
    for (auto const& [index, p] : held) streams.push_back(inbox ? keys::inbox(index) : keys::outbox(index));
    if (streams.empty() || !reader.connected()) {
      co_await sleep(100ms);
      continue;
    }
    auto entries = co_await storage::read_group(reader, group, instance_id, streams, kReadBatch, kBlock);
    if (!entries) {
      co_await sleep(200ms);
      continue;
    }
    for (auto& e : *entries) enqueue(std::move(e));
  }
}

asio::awaitable<void> Pipeline::Impl::inbox_worker(std::shared_ptr<Partition> p) {
  auto self = shared_from_this();
  while (p->held && !stopping) {
    if (p->inbox.empty()) {
      p->inbox_wake.expires_at(Clock::time_point::max());
      co_await p->inbox_wake.async_wait(kAwait);
      continue;
    }
    auto const entry = p->inbox.front();
    Handled handled_message;
    try {
      handled_message = co_await responder(entry.payload, entry.id);
    } catch (std::exception const& e) {
      // A message that makes the handler throw would otherwise block its partition forever.
      note(LogLevel::error, "pipeline.handler_failed", p->index, "error", e.what());
    }
    if (handled_message.retry) {
      // Retrying is right while Redis is away; a message that keeps failing while Redis answers
      // is poisoned and would stop every user of its partition: it goes to the dead letters.
      if (redis.connected() && ++p->front_retries >= kPoisonedAfter) {
        std::string const record = dead_letter_record(entry, "handler asked to retry " + std::to_string(p->front_retries) +
                                                                 " times while Redis answered", now_ms());
        if (co_await storage::inbox_dead_letter(redis, p->index, entry.id, record)) {
          ++dead;
          note(LogLevel::error, "pipeline.message_given_up", p->index, "entry", entry.id);
          p->front_retries = 0;
          p->inbox.pop_front();
          p->queued_inbox.erase(entry.id);
        }
        continue;
      }
      co_await sleep(backoff(3));
      continue;
    }
    p->front_retries = 0;
    for (;;) {
      auto committed =
          co_await storage::inbox_commit(redis, p->index, entry.id, handled_message.replies, handled_message.state);
      if (committed) break;
      if (!p->held || stopping) co_return;  // stays pending; the next owner handles it
      co_await sleep(backoff(2));
    }
    p->inbox.pop_front();
    p->queued_inbox.erase(entry.id);
    ++handled;
  }
}

asio::awaitable<void> Pipeline::Impl::outbox_worker(std::shared_ptr<Partition> p) {
  auto self = shared_from_this();
  while (p->held && !stopping) {
    if (p->outbox.empty()) {
      p->outbox_wake.expires_at(Clock::time_point::max());
      co_await p->outbox_wake.async_wait(kAwait);
      continue;
    }
    auto const entry = p->outbox.front();
    auto outcome = co_await sender(entry.payload);
    if (outcome.status == SendStatus::wait) {
      co_await sleep(outcome.retry_after);
      continue;
    }
    if (outcome.status == SendStatus::retry) {
      auto attempts = co_await storage::outbox_attempt(redis, p->index, entry.id);
      if (!attempts) {
        co_await sleep(backoff(2));
        continue;
      }
      if (*attempts < cfg.max_attempts) {
        ++retries;
        // WeCom's hint (30 s after a 45009) is a floor; queue.retry_max caps every wait.
        auto const wait = std::min(std::max(outcome.retry_after, backoff(*attempts)), cfg.retry_max);
        note(LogLevel::warn, "outbox.retry", p->index, "detail", outcome.detail + " attempt=" + std::to_string(*attempts) +
                                                                     " retry_in_ms=" + std::to_string(wait.count()));
        co_await sleep(wait);
        continue;
      }
      outcome.status = SendStatus::give_up;
      outcome.detail += " (after " + std::to_string(*attempts) + " attempts)";
    }
    bool done = false;
    while (!done && p->held && !stopping) {
      if (outcome.status == SendStatus::sent) {
        done = static_cast<bool>(co_await storage::outbox_done(redis, p->index, entry.id));
      } else {
        std::string const record = dead_letter_record(entry, outcome.detail, now_ms());
        done = static_cast<bool>(co_await storage::outbox_dead_letter(redis, p->index, entry.id, record));
      }
      if (!done) co_await sleep(backoff(2));
    }
    if (!done) co_return;
    if (outcome.status == SendStatus::sent) {
      ++sent;
    } else {
      ++dead;
      note(LogLevel::error, "outbox.dead_letter", p->index, "detail", outcome.detail);
    }
    p->outbox.pop_front();
    p->queued_outbox.erase(entry.id);
  }
}

asio::awaitable<void> Pipeline::Impl::release_idle() {
  auto self = shared_from_this();
  std::vector<unsigned> idle;
  for (auto const& [index, p] : held)
    if (!p->busy()) idle.push_back(index);
  for (unsigned index : idle) {
    co_await redis.eval(kRelease, storage::args(keys::partition_lease(index)), storage::args(instance_id));
    drop(index, "stopping");
  }
  // No longer counted among the live: the others' fair share grows to all partitions at once.
  co_await redis.command(storage::args("ZREM", keys::instances(), instance_id));
}

Pipeline::Pipeline(asio::any_io_executor executor, storage::RedisClient& redis,
                   storage::RedisOptions const& redis_options, config::QueueConfig config, Responder responder,
                   Sender sender, Logger& log)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, redis_options, config, std::move(responder),
                                   std::move(sender), log)) {}

Pipeline::~Pipeline() { stop(); }

void Pipeline::start() {
  impl_->inbox_reader.start();
  impl_->outbox_reader.start();
  asio::co_spawn(impl_->strand, impl_->lease_loop(), asio::detached);
  asio::co_spawn(impl_->strand, impl_->read_loop(true), asio::detached);
  asio::co_spawn(impl_->strand, impl_->read_loop(false), asio::detached);
}

void Pipeline::stop() {
  asio::dispatch(impl_->strand, [impl = impl_] {
    if (impl->stopping) return;
    impl->stopping = true;
    impl->lease_timer.cancel();
    for (auto& [index, p] : impl->held) {
      p->inbox_wake.cancel();
      p->outbox_wake.cancel();
    }
    impl->inbox_reader.cancel();
    impl->outbox_reader.cancel();
  });
}

PipelineStats Pipeline::stats() const {
  return {impl_->handled.load(), impl_->sent.load(), impl_->retries.load(), impl_->dead.load(),
          impl_->claimed.load(), impl_->held_count.load()};
}

std::string const& Pipeline::instance_id() const { return impl_->instance_id; }

asio::awaitable<void> Pipeline::release_idle() {
  auto impl = impl_;
  co_await asio::co_spawn(impl->strand, impl->release_idle(), asio::use_awaitable);
}

void add_pipeline_metrics(Metrics& metrics, Pipeline const& pipeline) {
  metrics.add_provider([&pipeline](std::string& out) {
    auto const s = pipeline.stats();
    out += "# HELP talentbot_pipeline_messages_total Inbox messages handled and outbox replies by outcome.\n";
    out += "# TYPE talentbot_pipeline_messages_total counter\n";
    append_sample(out, "talentbot_pipeline_messages_total", "stage=\"handled\"", s.handled);
    append_sample(out, "talentbot_pipeline_messages_total", "stage=\"sent\"", s.sent);
    append_sample(out, "talentbot_pipeline_messages_total", "stage=\"retried\"", s.retries);
    append_sample(out, "talentbot_pipeline_messages_total", "stage=\"dead_lettered\"", s.dead_letters);
    append_sample(out, "talentbot_pipeline_messages_total", "stage=\"claimed\"", s.claimed);
    out += "# HELP talentbot_pipeline_partitions_held Partitions this instance works now.\n";
    out += "# TYPE talentbot_pipeline_partitions_held gauge\n";
    append_sample(out, "talentbot_pipeline_partitions_held", "", std::uint64_t{s.partitions_held});
  });
}

}  // namespace talentbot::bot
