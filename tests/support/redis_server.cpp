#include "tests/support/redis_server.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace talentbot::test {

namespace {
// As in the server's main(): tests kill redis-server under live hiredis connections, and a
// write to the dead socket must be an EPIPE, not the end of the test binary.
[[maybe_unused]] bool const kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();
}  // namespace

std::string make_temp_dir() {
  // Short paths: a unix socket path must fit in 107 bytes.
  std::string tmpl = "/tmp/tbt.XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

PrivateRedis::PrivateRedis() : dir_(make_temp_dir()) {
  auto started = storage::EmbeddedRedis::start({"redis-server", dir_, false, std::chrono::milliseconds(5000)}, log_);
  if (!started) throw std::runtime_error("could not start redis-server for the test (is it installed?)");
  server_ = std::move(*started);
}

PrivateRedis::~PrivateRedis() {
  server_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string shared_redis_url() {
  if (char const* url = std::getenv("TALENTBOT_TEST_REDIS_URL"); url && *url) return url;
  static PrivateRedis server;  // lives until the test binary exits
  return server.url();
}

}  // namespace talentbot::test
