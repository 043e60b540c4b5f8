#pragma once
// Starts the real talentbot binary (or any program) as a child process for service-level tests,
// with extra environment variables and its stderr captured to a file the test can read.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace talentbot::test {

class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env);
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(ChildProcess const&) = delete;
  ChildProcess& operator=(ChildProcess const&) = delete;

  int pid() const { return pid_; }
  std::string log() const;  // everything written to stderr and stdout so far
  // Waits until the log contains `needle`; returns the rest of that line.
  std::optional<std::string> wait_for_log(std::string const& needle,
                                          std::chrono::milliseconds limit = std::chrono::seconds(10)) const;
  void signal(int signo);
  // Exit status after waiting up to `limit`; nullopt if still running.
  std::optional<int> wait_exit(std::chrono::milliseconds limit);

 private:
  int pid_ = -1;
  std::string log_path_;
};

// The port from the server's "server.listening address=127.0.0.1:PORT" line.
std::optional<std::uint16_t> wait_listening_port(ChildProcess const& server);

// Environment with a complete WeCom section (the test vectors' credentials), for a server under test.
std::map<std::string, std::string> test_server_env();

}  // namespace talentbot::test
