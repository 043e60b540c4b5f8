#include "tests/support/redis_fixture.hpp"

namespace talentbot::test {

PrivateRedis* RedisSuite::redis_ = nullptr;

void RedisSuite::SetUpTestSuite() { redis_ = new PrivateRedis(); }

void RedisSuite::TearDownTestSuite() {
  delete redis_;
  redis_ = nullptr;
}

void RedisSuite::SetUp() {
  for (std::size_t i = 0; i < kClients; ++i) {
    storage::RedisOptions o;
    o.endpoint = storage::RedisEndpoint::parse(redis_->url()).value();
    clients_.push_back(std::make_unique<storage::RedisClient>(ioc_.get_executor(), o, log_));
    clients_.back()->start();
  }
  run_for(ioc_, wait_connected());
  auto flushed = run_for(ioc_, db().command(storage::args("FLUSHDB")));
  ASSERT_TRUE(flushed);
}

void RedisSuite::TearDown() {
  for (auto& c : clients_) c->cancel();
  ioc_.run_for(std::chrono::milliseconds(50));
}

boost::asio::awaitable<void> RedisSuite::wait_connected() {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
  for (auto& c : clients_) {
    while (!c->connected()) {
      t.expires_after(std::chrono::milliseconds(5));
      co_await t.async_wait(boost::asio::use_awaitable);
    }
  }
}

}  // namespace talentbot::test
