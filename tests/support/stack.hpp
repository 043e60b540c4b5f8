#pragma once
// The whole product as a newcomer runs it, for end-to-end tests: a private redis-server, the
// WeCom simulator and the real talentbot binary wired to each other over loopback.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot::test {

class Stack {
 public:
  // Extra TALENTBOT_* variables for the bot (e.g. a short queue lease for crash tests).
  using Env = std::map<std::string, std::string>;
  explicit Stack(Env bot_env = {});
  ~Stack();

  std::uint16_t bot_port() const { return bot_port_; }
  std::uint16_t sim_port() const { return sim_port_; }
  PrivateRedis& redis() { return redis_; }
  ChildProcess& bot() { return *bot_; }
  ChildProcess& sim() { return *sim_; }

  void kill_bot();     // SIGKILL, no goodbye
  void restart_bot();  // same port, same Redis

  // The simulator's test API.
  nlohmann::json send_text(std::string const& user, std::string const& text);  // {"status", "msg_id"}
  nlohmann::json click(std::string const& user, std::string const& task_id, std::string const& key);
  int replay();  // re-sends the last callback as is; returns the bot's HTTP status
  void fault(nlohmann::json const& spec);
  nlohmann::json messages(std::string const& user);  // what the user has received so far
  nlohmann::json calls();                            // every WeCom API call the bot made
  // Waits until the user has received at least `count` messages; returns them.
  nlohmann::json wait_messages(std::string const& user, std::size_t count,
                               std::chrono::milliseconds limit = std::chrono::seconds(15));

 private:
  void start_bot();

  PrivateRedis redis_;
  std::map<std::string, std::string> bot_env_;
  std::uint16_t bot_port_ = 0, sim_port_ = 0;
  std::unique_ptr<ChildProcess> sim_, bot_;
};

// A port that was free a moment ago (bound to 0 and released).
std::uint16_t pick_free_port();

}  // namespace talentbot::test
