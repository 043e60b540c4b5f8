#pragma once
// An asynchronous Redis client for the Asio event loop: one long-lived connection per client,
// automatic pipelining of concurrent commands, reconnect with backoff, fail-fast while down.
// hiredis stays behind this header (storage/detail/); callers see awaitables and value types.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/error.hpp"

namespace talentbot {
class Logger;
}

namespace talentbot::storage {

namespace detail {
class Connection;
}

struct Reply {
  enum class Type { nil, integer, string, status, error, array };
  Type type = Type::nil;
  long long integer = 0;
  std::string str;  // string, status or error text
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::nil; }
  bool is_error() const { return type == Type::error; }
};

// Where Redis is: `redis://[:password@]host[:port][/db]` or `unix:///path/to.sock[?db=N&password=P]`.
struct RedisEndpoint {
  std::string host;
  std::uint16_t port = 6379;
  std::string unix_path;
  std::string password;
  int db = 0;

  static boost::system::result<RedisEndpoint> parse(std::string_view url);
  std::string describe() const;  // for logs: never includes the password
};

// Per-call limits, passed as a value (userver's CommandControl).
struct CallPolicy {
  std::chrono::milliseconds timeout{1000};
};

struct RedisOptions {
  RedisEndpoint endpoint;
  std::chrono::milliseconds connect_timeout{1000};
  CallPolicy default_policy{};
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{5000};
  // Secondary connections (blocking stream readers) set this false: an outage is then logged
  // once by the main connection, not once per connection.
  bool report_outages = true;
};

struct RedisStats {
  std::uint64_t commands = 0;
  std::uint64_t failed_fast = 0;  // refused while disconnected
  std::uint64_t timeouts = 0;
  std::uint64_t connection_lost = 0;
  std::uint64_t connects = 0;
  std::uint64_t connect_failures = 0;
};

// A Lua script run with EVALSHA, falling back to EVAL (which also caches it) after a NOSCRIPT,
// e.g. after the server restarted or SCRIPT FLUSH.
class Script {
 public:
  explicit Script(std::string source);
  std::string const& source() const { return source_; }
  std::string const& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

using Args = std::vector<std::string>;

// Builds Args without a braced list: g++ 12 rejects initializer lists of std::string inside
// coroutine bodies ("array used as initializer"), and most callers are coroutines.
template <class... Parts>
Args args(Parts&&... parts) {
  Args out;
  out.reserve(sizeof...(parts));
  (out.emplace_back(std::forward<Parts>(parts)), ...);
  return out;
}

class RedisClient {
 public:
  RedisClient(boost::asio::any_io_executor executor, RedisOptions options, Logger& log);
  ~RedisClient();
  RedisClient(RedisClient const&) = delete;
  RedisClient& operator=(RedisClient const&) = delete;

  void start();  // connect in the background and keep reconnecting until cancel()
  void cancel();  // fail what is pending and stop reconnecting
  bool connected() const;

  // Transport failures are errors (storage::errc); a Redis error reply is a Reply of type error.
  boost::asio::awaitable<boost::system::result<Reply>> command(Args args);
  boost::asio::awaitable<boost::system::result<Reply>> command(Args args, CallPolicy policy);
  boost::asio::awaitable<boost::system::result<Reply>> eval(Script const& script, Args keys, Args argv);

  RedisStats stats() const;

 private:
  std::shared_ptr<detail::Connection> impl_;
};

}  // namespace talentbot::storage
