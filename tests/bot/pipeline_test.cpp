// The inbox → handle → outbox → send pipeline against a real redis-server: order per user,
// exactly-once across a crash, retries and dead letters. The sender here records what the WeCom
// API would receive (the API client itself is tested against the simulator).
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <mutex>

#include "bot/pipeline.hpp"
#include "storage/keys.hpp"
#include "storage/streams.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run.hpp"

namespace talentbot::bot {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using test::sleep_for;

// Payloads are "user|n"; the responder answers "reply:user|n".
asio::awaitable<Handled> echo_responder(std::string const& payload, std::string const&) {
  Handled out;
  out.replies.push_back("reply:" + payload);
  co_return out;
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    options.endpoint = storage::RedisEndpoint::parse(server.url()).value();
    options.reconnect_max = 100ms;
    cfg.partitions = 4;
    cfg.lease = 300ms;
    cfg.retry_base = 10ms;
    cfg.retry_max = 50ms;
    cfg.max_attempts = 3;
    redis.start();
  }

  asio::awaitable<void> accept(std::string const& user, int n) {
    while (!redis.connected()) co_await sleep_for(5ms);  // the first connect is asynchronous
    auto const p = storage::keys::partition_of(user, cfg.partitions);
    auto ok = co_await storage::inbox_accept(redis, p, user + ":" + std::to_string(n), user + "|" + std::to_string(n), 60s);
    EXPECT_TRUE(ok && *ok);
  }

  // Waits until `count` sends were recorded.
  asio::awaitable<bool> wait_sent(std::size_t count, std::chrono::milliseconds limit = 8s) {
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex);
        if (sent.size() >= count) co_return true;
      }
      co_await sleep_for(10ms);
    }
    co_return false;
  }

  Sender recording_sender() {
    return [this](std::string const& payload) -> asio::awaitable<SendOutcome> {
      SendOutcome out;
      std::lock_guard lock(mutex);
      if (auto it = failures.find(payload); it != failures.end() && it->second > 0) {
        --it->second;
        out.status = it->second < 0 ? SendStatus::give_up : SendStatus::retry;
        out.detail = "errcode=45009 \"quoted\" simulated";
        co_return out;
      }
      if (permanent.count(payload)) {
        out.status = SendStatus::give_up;
        out.detail = "errcode=81013 \"quoted\" all recipients invalid";
        co_return out;
      }
      sent.push_back(payload);
      co_return out;
    };
  }

  test::PrivateRedis server;
  asio::io_context ioc;
  Logger log{LogLevel::warn};
  storage::RedisOptions options;
  storage::RedisClient redis{ioc.get_executor(), storage::RedisOptions{storage::RedisEndpoint::parse(server.url()).value()}, log};
  config::QueueConfig cfg;
  std::mutex mutex;
  std::vector<std::string> sent;
  std::map<std::string, int> failures;
  std::set<std::string> permanent;
};

TEST_F(PipelineTest, EveryMessageIsAnsweredOnceAndInOrderPerUser) {
  Pipeline pipeline(ioc.get_executor(), redis, options, cfg, echo_responder, recording_sender(), log);
  pipeline.start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    for (int n = 0; n < 30; ++n)
      for (auto const* user : {"talent1", "talent2", "talent3"}) co_await accept(user, n);
    EXPECT_TRUE(co_await wait_sent(90));
    co_await sleep_for(200ms);  // nothing more arrives
  }(), 15s);
  ASSERT_EQ(sent.size(), 90u);
  std::map<std::string, int> next;
  for (auto const& s : sent) {
    auto const bar = s.find('|');
    auto const user = s.substr(6, bar - 6);
    EXPECT_EQ(std::stoi(s.substr(bar + 1)), next[user]++) << s;
  }
  EXPECT_EQ(pipeline.stats().handled, 90u);
  EXPECT_EQ(pipeline.stats().partitions_held, cfg.partitions);
  pipeline.stop();
}

// Stream ids are unique within one stream only: a reply committed in the millisecond its message
// was appended gets the same id in the outbox, and must still be sent at once (not a lease later).
TEST_F(PipelineTest, AReplyWithItsMessagesIdIsSentAtOnce) {
  cfg.lease = 10s;
  Responder same_id = [this](std::string const&, std::string const& entry_id) -> asio::awaitable<Handled> {
    auto const p = storage::keys::partition_of("talent1", cfg.partitions);
    auto added = co_await redis.command(storage::args("XADD", storage::keys::outbox(p), entry_id, "m", "twin"));
    EXPECT_TRUE(added && !added->is_error()) << (added ? added->str : "");
    co_return Handled{};
  };
  Pipeline pipeline(ioc.get_executor(), redis, options, cfg, same_id, recording_sender(), log);
  pipeline.start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    co_await accept("talent1", 0);
    EXPECT_TRUE(co_await wait_sent(1, 3s));
  }(), 15s);
  EXPECT_EQ(sent, std::vector<std::string>{"twin"});
  pipeline.stop();
}

TEST_F(PipelineTest, RetriesThenSendsAndDeadLettersWhatKeepsFailing) {
  failures["reply:talent1|0"] = 2;   // two 45009s, then it goes through
  failures["reply:talent1|1"] = 10;  // never: dead-lettered after max_attempts
  permanent.insert("reply:talent1|2");  // 81013: dead-lettered at once
  Pipeline pipeline(ioc.get_executor(), redis, options, cfg, echo_responder, recording_sender(), log);
  pipeline.start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    for (int n = 0; n < 4; ++n) co_await accept("talent1", n);
    EXPECT_TRUE(co_await wait_sent(2));
    co_await sleep_for(100ms);
    auto const p = storage::keys::partition_of("talent1", cfg.partitions);
    auto dead = co_await redis.command(storage::args("LRANGE", storage::keys::dead_letters(p), "0", "-1"));
    EXPECT_EQ(dead->elements.size(), 2u);
    for (auto const& record : dead->elements) {  // valid JSON even though the detail has quotes
      auto j = nlohmann::json::parse(record.str, nullptr, false);
      EXPECT_FALSE(j.is_discarded()) << record.str;
      EXPECT_NE(j.value("detail", "").find("\"quoted\""), std::string::npos) << record.str;
    }
    auto pending = co_await redis.command(storage::args("XLEN", storage::keys::outbox(p)));
    EXPECT_EQ(pending->integer, 0);  // sent and dead entries are removed from the outbox
  }(), 15s);
  EXPECT_EQ(sent, (std::vector<std::string>{"reply:talent1|0", "reply:talent1|3"}));
  EXPECT_EQ(pipeline.stats().dead_letters, 2u);
  EXPECT_GE(pipeline.stats().retries, 2u + 2u);
  pipeline.stop();
}

TEST_F(PipelineTest, AnotherInstanceTakesOverWhatADeadOneLeftPending) {
  // The first instance handles messages but its sender never gets through (it "dies" mid-send).
  std::vector<std::string> first_sent;
  Sender stuck = [](std::string const&) -> asio::awaitable<SendOutcome> {
    asio::steady_timer t(co_await asio::this_coro::executor, 1h);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    SendOutcome o;
    o.status = SendStatus::retry;
    co_return o;
  };
  auto first = std::make_unique<Pipeline>(ioc.get_executor(), redis, options, cfg, echo_responder, stuck, log);
  first->start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    for (int n = 0; n < 5; ++n) co_await accept("talent9", n);
    while (first->stats().handled < 5) co_await sleep_for(10ms);
  }(), 10s);
  // The first instance stops renewing (as if killed); its leases lapse.
  first->stop();
  Pipeline second(ioc.get_executor(), redis, options, cfg, echo_responder, recording_sender(), log);
  second.start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_sent(5));
    co_await sleep_for(300ms);
  }(), 15s);
  EXPECT_EQ(sent, (std::vector<std::string>{"reply:talent9|0", "reply:talent9|1", "reply:talent9|2", "reply:talent9|3",
                                            "reply:talent9|4"}));
  EXPECT_GE(second.stats().claimed, 1u);
  second.stop();
}

TEST_F(PipelineTest, TwoInstancesShareThePartitions) {
  Pipeline a(ioc.get_executor(), redis, options, cfg, echo_responder, recording_sender(), log);
  Pipeline b(ioc.get_executor(), redis, options, cfg, echo_responder, recording_sender(), log);
  a.start();
  b.start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline &&
           !(a.stats().partitions_held == 2 && b.stats().partitions_held == 2))
      co_await sleep_for(20ms);
    EXPECT_EQ(a.stats().partitions_held, 2u);
    EXPECT_EQ(b.stats().partitions_held, 2u);
    for (int n = 0; n < 10; ++n)
      for (auto const* user : {"u1", "u2", "u3", "u4", "u5"}) co_await accept(user, n);
    EXPECT_TRUE(co_await wait_sent(50));
  }(), 15s);
  EXPECT_EQ(sent.size(), 50u);
  a.stop();
  b.stop();
}

// A graceful stop gives its idle partitions back at once: a rolling restart does not leave users
// unanswered for a whole lease.
TEST_F(PipelineTest, AStoppingInstanceHandsItsIdlePartitionsOverAtOnce) {
  cfg.lease = 20s;
  Pipeline a(ioc.get_executor(), redis, options, cfg, echo_responder, recording_sender(), log);
  Pipeline b(ioc.get_executor(), redis, options, cfg, echo_responder, recording_sender(), log);
  a.start();
  b.start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline &&
           a.stats().partitions_held + b.stats().partitions_held < cfg.partitions)
      co_await sleep_for(20ms);
    EXPECT_GT(a.stats().partitions_held, 0u);
    a.stop();
    co_await a.release_idle();
    EXPECT_EQ(a.stats().partitions_held, 0u);
    auto const quickly = std::chrono::steady_clock::now() + 10s;  // well under the 20 s lease
    while (std::chrono::steady_clock::now() < quickly && b.stats().partitions_held < cfg.partitions)
      co_await sleep_for(20ms);
    EXPECT_EQ(b.stats().partitions_held, cfg.partitions);
    for (auto const* user : {"u1", "u2", "u3", "u4", "u5"}) co_await accept(user, 0);
    EXPECT_TRUE(co_await wait_sent(5, 3s));
  }(), 30s);
  b.stop();
}

// A message its handler can never finish (while Redis answers) must not stop the users behind it.
TEST_F(PipelineTest, APoisonedMessageGoesToTheDeadLettersAndTheRestFlow) {
  Responder picky = [](std::string const& payload, std::string const&) -> asio::awaitable<Handled> {
    Handled out;
    if (payload == "talent1|0") out.retry = true;
    else out.replies.push_back("reply:" + payload);
    co_return out;
  };
  Pipeline pipeline(ioc.get_executor(), redis, options, cfg, picky, recording_sender(), log);
  pipeline.start();
  test::run_for(ioc, [&]() -> asio::awaitable<void> {
    co_await accept("talent1", 0);
    co_await accept("talent1", 1);
    EXPECT_TRUE(co_await wait_sent(1, 10s));
  }(), 20s);
  EXPECT_EQ(sent, std::vector<std::string>{"reply:talent1|1"});
  auto const p = storage::keys::partition_of("talent1", cfg.partitions);
  auto dead = test::run_for(ioc, redis.command(storage::args("LRANGE", storage::keys::dead_letters(p), "0", "-1")));
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->elements.size(), 1u);
  EXPECT_NE(dead->elements[0].str.find("talent1|0"), std::string::npos);
  EXPECT_EQ(pipeline.stats().dead_letters, 1u);
  pipeline.stop();
}

}  // namespace
}  // namespace talentbot::bot
