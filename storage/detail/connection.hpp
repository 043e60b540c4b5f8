#pragma once
// The hiredis ⇄ Asio bridge (the adapter-hook pattern of hiredis' adapters/libevent.h, for 0.14.1:
// addRead/delRead/addWrite/delWrite/cleanup, no timer hook). Everything here runs on one strand.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <deque>
#include <optional>

#include "storage/log.hpp"
#include "storage/redis.hpp"

struct redisAsyncContext;

namespace talentbot::storage::detail {

// Wraps a completion handler so it is resumed through a post to its own executor: a coroutine is
// never resumed inside a hiredis callback, where it could free the context it is called from.
template <class CompletionHandler>
auto posting(CompletionHandler handler) {
  auto ex = boost::asio::get_associated_executor(handler);
  return [ex, h = std::move(handler)](boost::system::error_code ec, Reply reply) mutable {
    boost::asio::post(ex, boost::asio::append(std::move(h), ec, std::move(reply)));
  };
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Handler = boost::asio::any_completion_handler<void(boost::system::error_code, Reply)>;

  Connection(boost::asio::any_io_executor executor, RedisOptions options, Logger& log);
  ~Connection();

  void start();
  void cancel();
  bool connected() const { return connected_.load(std::memory_order_acquire); }
  // Thread-safe: hops onto the connection's strand.
  void submit(Args args, CallPolicy policy, Handler handler);
  RedisStats stats() const;
  CallPolicy default_policy() const { return options_.default_policy; }

 private:
  struct Pending {
    Handler handler;
    std::chrono::steady_clock::time_point deadline;
  };
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;

 public:
  boost::asio::awaitable<void> run();  // the connect/reconnect loop; start() spawns it

 private:
  boost::asio::awaitable<bool> connect_once();
  boost::asio::awaitable<boost::system::result<Reply>> internal_command(Args args);
  void send(Args const& args, CallPolicy policy, Handler handler);
  void complete(std::uint64_t id, boost::system::error_code ec, Reply reply);
  void fail_all(boost::system::error_code ec);
  void drop_context(char const* reason);
  void arm_read();
  void arm_write();
  void start_sweep();
  void notify();  // wakes run() after a state change
  void report(char const* event, LogLevel level, int attempt, std::chrono::milliseconds retry_in = {},
              std::string const& error = {});

  // hiredis hooks and callbacks: C entry points, noexcept.
  static void hook_add_read(void* self) noexcept;
  static void hook_del_read(void* self) noexcept;
  static void hook_add_write(void* self) noexcept;
  static void hook_del_write(void* self) noexcept;
  static void hook_cleanup(void* self) noexcept;
  static void on_connect(redisAsyncContext const* ac, int status) noexcept;
  static void on_disconnect(redisAsyncContext const* ac, int status) noexcept;
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata) noexcept;

  Strand strand_;
  RedisOptions options_;
  Logger& log_;
  redisAsyncContext* ac_ = nullptr;
  std::optional<boost::asio::posix::stream_descriptor> fd_;
  std::uint64_t generation_ = 0;  // bumps per context so late fd events of an old one are ignored
  bool want_read_ = false, want_write_ = false, reading_ = false, writing_ = false;
  bool handshake_done_ = false, connect_result_ = false, connect_reported_ = false;
  bool stopping_ = false, sweeping_ = false;
  // In send order: Redis answers in order, so the reply almost always belongs to the front.
  std::deque<std::pair<std::uint64_t, Pending>> pending_;
  std::uint64_t next_id_ = 1;
  boost::asio::steady_timer wakeup_;
  boost::asio::steady_timer sweep_timer_;
  std::atomic<bool> connected_{false};

  struct Counters {
    std::atomic<std::uint64_t> commands{0}, failed_fast{0}, timeouts{0}, connection_lost{0}, connects{0},
        connect_failures{0};
  } counters_;
};

}  // namespace talentbot::storage::detail
