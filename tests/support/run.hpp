#pragma once
// Runs a coroutine on an io_context with a hard time limit, so no test can hang.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <stdexcept>

namespace talentbot::test {

template <class T>
T run_for(boost::asio::io_context& ioc, boost::asio::awaitable<T> work,
          std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto future = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
  ioc.restart();
  auto const deadline = std::chrono::steady_clock::now() + limit;
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() >= deadline) throw std::runtime_error("test coroutine timed out");
    ioc.run_for(std::chrono::milliseconds(10));
  }
  return future.get();
}

// A pause inside a test coroutine (tests poll real processes; business time is injected).
inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

}  // namespace talentbot::test
