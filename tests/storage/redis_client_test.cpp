// The async Redis client against real redis-server processes.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/detached.hpp>

#include "storage/redis.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run.hpp"

namespace talentbot::storage {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::run_for;

using test::sleep_for;

// Waits until the client reports a connection (the first connect is asynchronous).
asio::awaitable<bool> wait_connected(RedisClient& c, std::chrono::milliseconds limit = 5s) {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  while (!c.connected()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    co_await sleep_for(10ms);
  }
  co_return true;
}

RedisOptions options_for(std::string const& url) {
  RedisOptions o;
  o.endpoint = RedisEndpoint::parse(url).value();
  o.reconnect_max = 200ms;
  return o;
}

class RedisClientTest : public ::testing::Test {
 protected:
  asio::io_context ioc;
  Logger log{LogLevel::warn};
};

TEST(RedisEndpoint, ParsesTcpUnixPasswordAndDb) {
  auto tcp = RedisEndpoint::parse("redis://:s3cret@127.0.0.1:6380/2").value();
  EXPECT_EQ(tcp.host, "127.0.0.1");
  EXPECT_EQ(tcp.port, 6380);
  EXPECT_EQ(tcp.password, "s3cret");
  EXPECT_EQ(tcp.db, 2);
  EXPECT_EQ(tcp.describe().find("s3cret"), std::string::npos);
  auto unix_ep = RedisEndpoint::parse("unix:///tmp/r.sock?db=3&password=p").value();
  EXPECT_EQ(unix_ep.unix_path, "/tmp/r.sock");
  EXPECT_EQ(unix_ep.db, 3);
  EXPECT_EQ(unix_ep.password, "p");
  EXPECT_EQ(RedisEndpoint::parse("redis://localhost").value().port, 6379);
}

TEST(RedisEndpoint, RejectsMalformedUrls) {
  EXPECT_FALSE(RedisEndpoint::parse("http://x:1"));
  EXPECT_FALSE(RedisEndpoint::parse("redis://:1"));
  EXPECT_FALSE(RedisEndpoint::parse("redis://h:99999"));
  EXPECT_FALSE(RedisEndpoint::parse("redis://h:1/x"));
  EXPECT_FALSE(RedisEndpoint::parse("unix://relative.sock"));
  EXPECT_FALSE(RedisEndpoint::parse("unix:///a.sock?color=red"));
}

TEST_F(RedisClientTest, CommandsReturnEveryReplyType) {
  RedisClient redis(ioc.get_executor(), options_for(test::shared_redis_url()), log);
  redis.start();
  run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_connected(redis));
    auto key = std::string("test:types:") + std::to_string(::getpid());
    auto set = co_await redis.command(args("SET", key, "值 value"));
    EXPECT_EQ(set->type, Reply::Type::status);
    auto get = co_await redis.command(args("GET", key));
    EXPECT_EQ(get->str, "值 value");
    auto missing = co_await redis.command(args("GET", key + ":missing"));
    EXPECT_TRUE(missing->is_nil());
    auto incr = co_await redis.command(args("INCRBY", key + ":n", "5"));
    EXPECT_EQ(incr->integer, 5);
    auto wrong = co_await redis.command(args("LPUSH", key, "x"));
    EXPECT_TRUE(wrong->is_error());
    EXPECT_TRUE(wrong->str.starts_with("WRONGTYPE"));
    co_await redis.command(args("RPUSH", key + ":l", "a", "b"));
    auto range = co_await redis.command(args("LRANGE", key + ":l", "0", "-1"));
    EXPECT_EQ(range->type, Reply::Type::array);
    EXPECT_EQ(range->elements.size(), 2u);
    co_await redis.command(args("DEL", key, key + ":n", key + ":l"));
    redis.cancel();
  }());
}

TEST_F(RedisClientTest, ConcurrentCommandsArePipelinedAndAllAnswered) {
  RedisClient redis(ioc.get_executor(), options_for(test::shared_redis_url()), log);
  redis.start();
  auto const key = std::string("test:pipeline:") + std::to_string(::getpid());
  int ok = 0;
  run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_connected(redis));
    co_await redis.command(args("DEL", key));
  }());
  for (int i = 0; i < 2000; ++i)
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
      auto r = co_await redis.command(args("INCR", key));
      if (r && r->type == Reply::Type::integer) ++ok;
    }, asio::detached);
  run_for(ioc, [&]() -> asio::awaitable<void> {
    while (ok < 2000) co_await sleep_for(5ms);
    auto total = co_await redis.command(args("GET", key));
    EXPECT_EQ(total->str, "2000");
    co_await redis.command(args("DEL", key));
    redis.cancel();
  }());
  EXPECT_EQ(ok, 2000);
  EXPECT_GE(redis.stats().commands, 2000u);
}

TEST_F(RedisClientTest, FailsFastWhileDownAndRecoversWhenRedisReturns) {
  test::PrivateRedis server;
  RedisClient redis(ioc.get_executor(), options_for(server.url()), log);
  redis.start();
  run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_connected(redis));
    EXPECT_TRUE(co_await redis.command(args("SET", "k", "before")));
    server.server().kill();
    // The drop is noticed by the next read; commands then fail at once instead of queueing.
    while (redis.connected()) co_await sleep_for(5ms);
    auto const t0 = std::chrono::steady_clock::now();
    auto down = co_await redis.command(args("PING"));
    auto const took = std::chrono::steady_clock::now() - t0;
    EXPECT_FALSE(down);
    EXPECT_EQ(down.error(), make_error_code(errc::disconnected));
    EXPECT_LT(took, 100ms);
    EXPECT_FALSE(server.server().restart());
    EXPECT_TRUE(co_await wait_connected(redis));
    auto pong = co_await redis.command(args("PING"));
    EXPECT_TRUE(pong);
    EXPECT_EQ(pong->str, "PONG");
    redis.cancel();
  }(), 20s);
  EXPECT_GE(redis.stats().connects, 2u);
  EXPECT_GE(redis.stats().failed_fast, 1u);
}

TEST_F(RedisClientTest, StartsBeforeRedisAndConnectsWhenItAppears) {
  test::PrivateRedis server;
  auto const url = server.url();
  server.server().kill();
  RedisClient redis(ioc.get_executor(), options_for(url), log);
  redis.start();
  run_for(ioc, [&]() -> asio::awaitable<void> {
    co_await sleep_for(100ms);
    EXPECT_FALSE(redis.connected());
    EXPECT_FALSE(server.server().restart());
    EXPECT_TRUE(co_await wait_connected(redis));
    redis.cancel();
  }(), 20s);
}

TEST_F(RedisClientTest, TimedOutCommandFailsAndConnectionIsRebuilt) {
  test::PrivateRedis server;
  RedisClient redis(ioc.get_executor(), options_for(server.url()), log);
  redis.start();
  run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_connected(redis));
    // A script that keeps the server busy for 500 ms (DEBUG SLEEP is disabled in Redis 7).
    auto slow = co_await redis.command(
        args("EVAL",
             "local s=redis.call('TIME') while true do local n=redis.call('TIME') "
             "if (n[1]-s[1])*1000000+(n[2]-s[2]) > 500000 then return 1 end end",
             "0"),
        CallPolicy{100ms});
    EXPECT_FALSE(slow);
    EXPECT_EQ(slow.error(), make_error_code(errc::timeout));
    EXPECT_TRUE(co_await wait_connected(redis));
    auto after = co_await redis.command(args("PING"));
    // The reply to the timed-out command never surfaces as the answer to a later one.
    EXPECT_TRUE(after);
    EXPECT_EQ(after->str, "PONG");
    redis.cancel();
  }(), 20s);
  EXPECT_EQ(redis.stats().timeouts, 1u);
}

TEST_F(RedisClientTest, AuthenticatesAndSelectsTheConfiguredDb) {
  test::PrivateRedis server;
  {
    RedisClient admin(ioc.get_executor(), options_for(server.url()), log);
    admin.start();
    run_for(ioc, [&]() -> asio::awaitable<void> {
      EXPECT_TRUE(co_await wait_connected(admin));
      co_await admin.command(args("SELECT", "3"));
      co_await admin.command(args("SET", "where", "db3"));
      co_await admin.command(args("CONFIG", "SET", "requirepass", "pa55"));
      admin.cancel();
    }());
  }
  RedisClient redis(ioc.get_executor(), options_for(server.url() + "?db=3&password=pa55"), log);
  redis.start();
  run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_connected(redis));
    auto v = co_await redis.command(args("GET", "where"));
    EXPECT_EQ(v->str, "db3");
    redis.cancel();
  }());
  RedisClient wrong(ioc.get_executor(), options_for(server.url() + "?password=nope"), log);
  wrong.start();
  run_for(ioc, [&]() -> asio::awaitable<void> {
    co_await sleep_for(300ms);
    EXPECT_FALSE(wrong.connected());
    wrong.cancel();
  }());
}

TEST_F(RedisClientTest, ScriptRunsAgainAfterTheServerForgetsIt) {
  test::PrivateRedis server;
  RedisClient redis(ioc.get_executor(), options_for(server.url()), log);
  redis.start();
  Script const script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_connected(redis));
    auto first = co_await redis.eval(script, args("counter"), args("2"));
    EXPECT_EQ(first->integer, 2);
    co_await redis.command(args("SCRIPT", "FLUSH"));
    auto second = co_await redis.eval(script, args("counter"), args("3"));
    EXPECT_EQ(second->integer, 5);
    redis.cancel();
  }());
}

TEST_F(RedisClientTest, CancelFailsPendingAndStopsReconnecting) {
  test::PrivateRedis server;
  RedisClient redis(ioc.get_executor(), options_for(server.url()), log);
  redis.start();
  run_for(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await wait_connected(redis));
    redis.cancel();
    co_await sleep_for(50ms);
    EXPECT_FALSE(redis.connected());
    auto r = co_await redis.command(args("PING"));
    EXPECT_FALSE(r);
    co_await sleep_for(300ms);
    EXPECT_FALSE(redis.connected());
  }());
}

}  // namespace
}  // namespace talentbot::storage
