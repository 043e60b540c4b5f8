#include "tests/support/stack.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "tests/support/http_client.hpp"

namespace talentbot::test {
using namespace std::chrono_literals;
using nlohmann::json;

std::uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

namespace {

json call(std::uint16_t port, std::string const& method, std::string const& target, std::string const& body = {}) {
  auto r = http_request(port, method, target, body);
  if (!r) throw std::runtime_error("no answer from 127.0.0.1:" + std::to_string(port) + target);
  if (r->body.empty()) return json::object();
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(target + " answered " + std::to_string(r->status) + ": " + r->body);
  return j;
}

}  // namespace

Stack::Stack(Env bot_env) : bot_env_(std::move(bot_env)) {
  bot_port_ = pick_free_port();
  auto env = test_server_env();
  sim_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{TALENTBOT_SIM_BINARY, "--config", TALENTBOT_SOURCE_DIR "/deploy/talentbot.example.yaml",
                               "--listen", "127.0.0.1:0", "--bot-url",
                               "http://127.0.0.1:" + std::to_string(bot_port_) + "/wecom/callback"},
      env);
  auto port = sim_->wait_for_log("event=simulator.listening address=127.0.0.1:");
  if (!port) throw std::runtime_error("simulator did not start: " + sim_->log());
  sim_port_ = static_cast<std::uint16_t>(std::stoi(*port));
  start_bot();
}

Stack::~Stack() = default;

void Stack::start_bot() {
  auto env = test_server_env();
  env["TALENTBOT_SERVER_LISTEN"] = "127.0.0.1:" + std::to_string(bot_port_);
  env["TALENTBOT_REDIS_URL"] = redis_.url();
  env["TALENTBOT_WECOM_API_BASE"] = "http://127.0.0.1:" + std::to_string(sim_port_);
  env["TALENTBOT_NLU_KNOWLEDGE_DIR"] = TALENTBOT_SOURCE_DIR "/intents/knowledge";
  env["TALENTBOT_NLU_TRAINING_FILE"] = TALENTBOT_SOURCE_DIR "/tests/nlu/train.tsv";
  for (auto const& [k, v] : bot_env_) env[k] = v;
  bot_ = std::make_unique<ChildProcess>(std::vector<std::string>{TALENTBOT_BINARY}, env);
  if (!wait_listening_port(*bot_)) throw std::runtime_error("bot did not start: " + bot_->log());
  // Ready means Redis answers; the pipeline takes its partitions right after.
  if (!eventually_status(bot_port_, "/readyz", 200, std::chrono::seconds(5)))
    throw std::runtime_error("bot never became ready: " + bot_->log());
}

void Stack::kill_bot() {
  bot_->signal(SIGKILL);
  bot_->wait_exit(5s);
}

void Stack::restart_bot() {
  bot_.reset();
  start_bot();
}

json Stack::send_text(std::string const& user, std::string const& text) {
  return call(sim_port_, "POST", "/sim/send", json{{"user", user}, {"text", text}}.dump());
}

json Stack::click(std::string const& user, std::string const& task_id, std::string const& key) {
  return call(sim_port_, "POST", "/sim/click", json{{"user", user}, {"task_id", task_id}, {"event_key", key}}.dump());
}

int Stack::replay() { return call(sim_port_, "POST", "/sim/replay").value("status", 0); }

void Stack::fault(json const& spec) { call(sim_port_, "POST", "/sim/faults", spec.dump()); }

json Stack::messages(std::string const& user) { return call(sim_port_, "GET", "/sim/messages?user=" + user + "&since=0"); }

json Stack::calls() { return call(sim_port_, "GET", "/sim/calls"); }

json Stack::wait_messages(std::string const& user, std::size_t count, std::chrono::milliseconds limit) {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  json got;
  while (std::chrono::steady_clock::now() < deadline) {
    got = messages(user);
    auto const& list = got.is_array() ? got : got.value("messages", json::array());
    if (list.size() >= count) return list;
    std::this_thread::sleep_for(50ms);
  }
  return got.is_array() ? got : got.value("messages", json::array());
}

}  // namespace talentbot::test
