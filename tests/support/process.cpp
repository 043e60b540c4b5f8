#include "tests/support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace talentbot::test {
using namespace std::chrono_literals;

ChildProcess::ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env) {
  char tmpl[] = "/tmp/tbt-log.XXXXXX";
  int const log_fd = ::mkstemp(tmpl);
  if (log_fd < 0) throw std::runtime_error("mkstemp failed");
  log_path_ = tmpl;
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    for (auto const& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::unlink(log_path_.c_str());
}

std::string ChildProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> ChildProcess::wait_for_log(std::string const& needle, std::chrono::milliseconds limit) const {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto const text = log();
    if (auto p = text.find(needle); p != std::string::npos) {
      auto const start = p + needle.size();
      return text.substr(start, text.find('\n', start) - start);
    }
    std::this_thread::sleep_for(10ms);
  }
  return std::nullopt;
}

void ChildProcess::signal(int signo) {
  if (pid_ > 0) ::kill(pid_, signo);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds limit) {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  while (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
  return std::nullopt;
}

std::optional<std::uint16_t> wait_listening_port(ChildProcess const& server) {
  auto rest = server.wait_for_log("event=server.listening address=127.0.0.1:");
  if (!rest) return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(*rest));
}

std::map<std::string, std::string> test_server_env() {
  return {{"TALENTBOT_SERVER_LISTEN", "127.0.0.1:0"},
          {"TALENTBOT_WECOM_CORP_ID", "wx5823bf96d3bd56c7"},
          {"TALENTBOT_WECOM_TOKEN", "QDG6eK"},
          {"TALENTBOT_WECOM_ENCODING_AES_KEY", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"},
          {"TALENTBOT_WECOM_AGENT_ID", "1000002"},
          {"TALENTBOT_WECOM_SECRET", "test-secret"},
          {"TALENTBOT_WECOM_API_BASE", "http://127.0.0.1:9"},
          {"TALENTBOT_REDIS_RECONNECT_MAX", "200ms"}};
}

}  // namespace talentbot::test
