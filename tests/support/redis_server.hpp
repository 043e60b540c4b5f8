#pragma once
// Real redis-server processes for tests: a private one per fixture (unix socket in a fresh temp
// dir, killable), and the shared one deploy/test.sh starts on a loopback TCP port.
#include <memory>
#include <string>

#include "storage/embedded_redis.hpp"
#include "storage/log.hpp"

namespace talentbot::test {

class PrivateRedis {
 public:
  PrivateRedis();  // starts at once; fails the test if it cannot
  ~PrivateRedis();
  std::string url() const { return server_->url(); }
  storage::EmbeddedRedis& server() { return *server_; }

 private:
  std::string dir_;
  Logger log_{LogLevel::warn};
  std::unique_ptr<storage::EmbeddedRedis> server_;
};

// TALENTBOT_TEST_REDIS_URL (set by deploy/test.sh, a TCP server), else a private server kept for
// the whole test binary. Tests using it must use keys of their own or FLUSHDB a db of their own.
std::string shared_redis_url();

// A fresh directory under /tmp, removed by the caller.
std::string make_temp_dir();

}  // namespace talentbot::test
