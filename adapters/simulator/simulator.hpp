#pragma once
// The simulator's HTTP face, on bot::HttpServer: the WeCom API routes over SimulatorState, the
// /sim/* control and record routes, the chat page, and the callbacks it posts to the bot.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "bot/config.hpp"

namespace talentbot::bot {
class Router;
}

namespace talentbot::sim {

struct SimulatorOptions {
  std::string bot_url = "http://127.0.0.1:8080/wecom/callback";
  std::string web_dir;                                       // index.html, app.js, style.css
  std::vector<std::string> users{"talent1", "specialist1"};  // offered on the chat page
  std::chrono::milliseconds bot_timeout{5'000};              // WeCom gives up on a callback after 5 s
  std::size_t max_calls = 10'000;                            // API calls kept for /sim/calls (older: forgotten)
};

class Simulator {
 public:
  // Throws std::runtime_error when the WeCom keys cannot make a CallbackCrypto.
  Simulator(boost::asio::any_io_executor executor, config::WecomConfig const& wecom, SimulatorOptions options,
            Logger& log);
  ~Simulator();
  Simulator(Simulator const&) = delete;
  Simulator& operator=(Simulator const&) = delete;

  // The router must not outlive the simulator.
  void add_routes(bot::Router& router);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace talentbot::sim
