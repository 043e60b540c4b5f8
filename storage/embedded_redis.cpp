#include "storage/embedded_redis.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "storage/error.hpp"
#include "storage/log.hpp"

namespace talentbot::storage {
using namespace std::chrono_literals;

namespace {

// sockaddr_un.sun_path is 108 bytes including the terminator.
constexpr std::size_t kMaxSocketPath = 107;

bool answers_ping(std::filesystem::path const& socket) {
  timeval tv{0, 200'000};
  redisContext* c = redisConnectUnixWithTimeout(socket.c_str(), tv);
  if (c == nullptr) return false;
  bool ok = false;
  if (!c->err) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
    if (reply) freeReplyObject(reply);
  }
  redisFree(c);
  return ok;
}

bool wait_exit(int pid, std::chrono::milliseconds bound) {
  auto const deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    int const rc = ::waitpid(pid, &status, WNOHANG);
    if (rc == pid || rc < 0) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

EmbeddedRedis::EmbeddedRedis(EmbeddedRedisOptions options, Logger& log)
    : options_(std::move(options)), log_(log) {}

boost::system::result<std::unique_ptr<EmbeddedRedis>> EmbeddedRedis::start(EmbeddedRedisOptions options, Logger& log) {
  std::error_code fs_ec;
  std::filesystem::create_directories(options.dir, fs_ec);
  auto dir = std::filesystem::absolute(options.dir, fs_ec);
  if (fs_ec) {
    log.error("redis.embedded_dir_failed", {{"dir", options.dir.string()}, {"error", fs_ec.message()}});
    return errc::spawn_failed;
  }
  options.dir = dir;
  std::unique_ptr<EmbeddedRedis> server(new EmbeddedRedis(std::move(options), log));
  server->socket_ = server->options_.dir / "redis.sock";
  if (server->socket_.string().size() > kMaxSocketPath) {
    log.error("redis.embedded_socket_path_too_long",
              {{"path", server->socket_.string()}, {"limit", kMaxSocketPath}, {"hint", "set redis.data_dir to a shorter path"}});
    return errc::spawn_failed;
  }
  if (auto ec = server->launch()) return ec;
  return server;
}

boost::system::error_code EmbeddedRedis::launch() {
  std::vector<std::string> args = {options_.binary,
                                   "--port", "0",  // no TCP listener: the unix socket is private to this host
                                   "--unixsocket", socket_.string(),
                                   "--unixsocketperm", "700",
                                   "--dir", options_.dir.string(),
                                   "--appendonly", options_.append_only ? "yes" : "no",
                                   "--appendfsync", "everysec",
                                   "--save", "",
                                   "--logfile", (options_.dir / "redis.log").string(),
                                   "--daemonize", "no"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int const parent = ::getpid();
  int const pid = ::fork();
  if (pid < 0) {
    log_.error("redis.embedded_fork_failed", {{"errno", errno}});
    return errc::spawn_failed;
  }
  if (pid == 0) {
    // The child goes when we go, even on SIGKILL, so a crashed bot leaves no stray server behind.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  auto const deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping(socket_)) {
      log_.info("redis.embedded_started", {{"pid", pid_}, {"socket", socket_.string()}});
      return {};
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      log_.error("redis.embedded_exited",
                 {{"binary", options_.binary}, {"status", WIFEXITED(status) ? WEXITSTATUS(status) : -1},
                  {"log", (options_.dir / "redis.log").string()}});
      return errc::spawn_failed;
    }
    std::this_thread::sleep_for(10ms);
  }
  log_.error("redis.embedded_start_timeout", {{"timeout_ms", options_.start_timeout.count()}});
  kill();
  return errc::spawn_failed;
}

EmbeddedRedis::~EmbeddedRedis() { stop(); }

std::string EmbeddedRedis::url() const { return "unix://" + socket_.string(); }

void EmbeddedRedis::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);  // redis flushes the AOF on SIGTERM
  if (!wait_exit(pid_, 5s)) {
    log_.warn("redis.embedded_stop_timeout", {{"pid", pid_}, {"action", "SIGKILL"}});
    ::kill(pid_, SIGKILL);
    wait_exit(pid_, 2s);
  }
  log_.info("redis.embedded_stopped", {{"pid", pid_}});
  pid_ = -1;
}

bool EmbeddedRedis::exited() {
  if (pid_ <= 0) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
  log_.warn("redis.embedded_died", {{"pid", pid_},
                                    {"status", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)},
                                    {"log", (options_.dir / "redis.log").string()}});
  pid_ = -1;
  return true;
}

void EmbeddedRedis::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit(pid_, 2s);
  pid_ = -1;
}

boost::system::error_code EmbeddedRedis::restart() {
  if (pid_ > 0) return {};
  return launch();
}

}  // namespace talentbot::storage
