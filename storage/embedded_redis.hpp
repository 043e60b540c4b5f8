#pragma once
// A private redis-server child for the zero-setup default (no `redis.url` configured) and for tests:
// AOF on, data and a unix socket in one directory, stopped with its parent.
#include <boost/system/result.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace talentbot {
class Logger;
}

namespace talentbot::storage {

struct EmbeddedRedisOptions {
  std::string binary = "redis-server";
  std::filesystem::path dir = "var/redis";
  bool append_only = true;
  std::chrono::milliseconds start_timeout{5000};
};

class EmbeddedRedis {
 public:
  // Blocks until the server answers PING (start-up only, before the event loop runs).
  static boost::system::result<std::unique_ptr<EmbeddedRedis>> start(EmbeddedRedisOptions options, Logger& log);
  ~EmbeddedRedis();
  EmbeddedRedis(EmbeddedRedis const&) = delete;
  EmbeddedRedis& operator=(EmbeddedRedis const&) = delete;

  std::string url() const;  // unix:///…/redis.sock
  std::filesystem::path const& socket_path() const { return socket_; }
  int pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // True once the child has died on its own (it is reaped here). Never blocks.
  bool exited();
  void stop();   // SIGTERM, then SIGKILL after a bound; waits for the child
  void kill();   // SIGKILL at once (tests simulate a crash)
  boost::system::error_code restart();  // start again with the same directory and socket

 private:
  EmbeddedRedis(EmbeddedRedisOptions options, Logger& log);
  boost::system::error_code launch();

  EmbeddedRedisOptions options_;
  Logger& log_;
  std::filesystem::path socket_;
  int pid_ = -1;
};

}  // namespace talentbot::storage
