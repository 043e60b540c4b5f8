#pragma once
// A test suite against its own real redis-server: one private server per suite, several client
// connections to it (standing for several bot instances) and an empty database for every test.
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "storage/log.hpp"
#include "storage/redis.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run.hpp"

namespace talentbot::test {

class RedisSuite : public ::testing::Test {
 protected:
  static constexpr std::size_t kClients = 4;

  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // Client i (modulo kClients): different indices are different connections.
  storage::RedisClient& db(std::size_t i = 0) { return *clients_[i % clients_.size()]; }

  template <class T>
  T run(boost::asio::awaitable<T> work) {
    return run_for(ioc_, std::move(work), std::chrono::seconds(20));
  }

  boost::asio::io_context ioc_;

 private:
  boost::asio::awaitable<void> wait_connected();

  static PrivateRedis* redis_;
  Logger log_{LogLevel::warn};
  std::vector<std::unique_ptr<storage::RedisClient>> clients_;
};

// Runs `tasks` concurrently on the calling coroutine's executor and returns their results in
// order, once all are done (a task that throws leaves a default value).
template <class T>
boost::asio::awaitable<std::vector<T>> all(std::vector<std::function<boost::asio::awaitable<T>()>> tasks) {
  namespace asio = boost::asio;
  auto const ex = co_await asio::this_coro::executor;
  auto results = std::make_shared<std::vector<T>>(tasks.size());
  auto left = std::make_shared<std::size_t>(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(ex, tasks[i](), [results, left, i](std::exception_ptr e, T value) {
      if (!e) (*results)[i] = std::move(value);
      --*left;
    });
  }
  asio::steady_timer timer(ex);
  while (*left > 0) {
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return std::move(*results);
}

}  // namespace talentbot::test
