// talentbot-wecom-sim: a local stand-in for WeCom, for the demo and the tests. It serves the WeCom
// API the bot calls, posts encrypted callbacks to the bot, and a browser chat page.
#include <arpa/inet.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/http_client.hpp"
#include "adapters/simulator/simulator.hpp"
#include "bot/config.hpp"
#include "bot/http.hpp"
#include "bot/metrics.hpp"

namespace {

namespace asio = boost::asio;
using namespace talentbot;

constexpr char kUsage[] =
    "usage: talentbot-wecom-sim --config FILE [--listen HOST:PORT] [--bot-url URL] [--web-dir DIR]\n"
    "                           [--users ID,ID...] [--max-calls N]\n"
    "  --config FILE    the bot's YAML config: the wecom section (corp_id, token, encoding_aes_key,\n"
    "                   agent_id, secret) is shared; TALENTBOT_WECOM_* environment overrides apply\n"
    "  --listen         where to serve the WeCom API and the chat page (default 127.0.0.1:8090; port 0 = any)\n"
    "  --bot-url        the bot's callback URL (default http://127.0.0.1:8080/wecom/callback)\n"
    "  --web-dir        the chat page's files (default: web/ beside the binary, else the source tree)\n"
    "  --users          user ids offered on the chat page (default talent1,specialist1)\n"
    "  --max-calls      API calls /sim/calls keeps, the oldest forgotten first (default 10000)\n";

struct Args {
  std::string config;
  std::string listen = "127.0.0.1:8090";
  std::string web_dir;
  sim::SimulatorOptions options;
};

std::optional<Args> parse_args(int argc, char* argv[]) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string_view const flag = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    std::string value = argv[++i];
    if (flag == "--config") args.config = value;
    else if (flag == "--listen") args.listen = value;
    else if (flag == "--bot-url") args.options.bot_url = value;
    else if (flag == "--web-dir") args.web_dir = value;
    else if (flag == "--max-calls") {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), args.options.max_calls);
      if (ec != std::errc{} || p != value.data() + value.size() || args.options.max_calls == 0) return std::nullopt;
    }
    else if (flag == "--users") {
      args.options.users.clear();
      for (std::size_t at = 0; at <= value.size();) {
        auto const comma = std::min(value.find(',', at), value.size());
        if (comma > at) args.options.users.push_back(value.substr(at, comma - at));
        at = comma + 1;
      }
    } else {
      return std::nullopt;
    }
  }
  return args;
}

std::optional<config::ServerConfig> parse_listen(std::string const& listen) {
  auto const colon = listen.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  config::ServerConfig cfg;
  cfg.host = listen.substr(0, colon);
  if (cfg.host.size() > 2 && cfg.host.front() == '[' && cfg.host.back() == ']')
    cfg.host = cfg.host.substr(1, cfg.host.size() - 2);
  if (cfg.host == "localhost") cfg.host = "127.0.0.1";
  unsigned char buf[16];
  if (::inet_pton(AF_INET, cfg.host.c_str(), buf) != 1 && ::inet_pton(AF_INET6, cfg.host.c_str(), buf) != 1)
    return std::nullopt;
  auto const port = std::string_view(listen).substr(colon + 1);
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), cfg.port);
  if (ec != std::errc{} || p != port.data() + port.size()) return std::nullopt;
  cfg.threads = 1;
  cfg.body_limit = 1024 * 1024;  // oversize content is WeCom's 45002 to report, not a 413
  return cfg;
}

// --web-dir, else web/ beside the installed binary, else the source tree this binary was built from.
std::string find_web_dir(std::string const& flag) {
  namespace fs = std::filesystem;
  if (!flag.empty()) return flag;
  std::error_code ec;
  auto const exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(exe.parent_path() / "web" / "index.html")) return (exe.parent_path() / "web").string();
  return TALENTBOT_SIM_WEB_DIR;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  auto args = parse_args(argc, argv);
  if (!args || args->config.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  auto loaded = config::load(args->config);
  if (!loaded.config) {
    for (auto const& e : loaded.errors) std::cerr << "config error: " << e << '\n';
    return 2;
  }
  auto server_config = parse_listen(args->listen);
  if (!server_config) {
    std::cerr << "--listen: expected IP:PORT, got '" << args->listen << "'\n";
    return 2;
  }
  auto const bot_url = net::parse_url(args->options.bot_url);
  if (!bot_url || (!bot_url->tls && !net::is_loopback_host(bot_url->host))) {
    std::cerr << "--bot-url: expected https://host[:port]/path, or http:// to a loopback host; got '"
              << args->options.bot_url << "'\n";
    return 2;
  }
  args->options.web_dir = find_web_dir(args->web_dir);

  auto const& cfg = *loaded.config;
  Logger log(cfg.log.level, cfg.log.format);
  asio::io_context ioc(1);
  std::optional<sim::Simulator> simulator;
  try {
    simulator.emplace(ioc.get_executor(), cfg.wecom, args->options, log);
  } catch (std::exception const& e) {
    log.error("startup.failed", {{"reason", e.what()}});
    return 2;
  }
  bot::Metrics metrics;
  bot::Router router(metrics);
  simulator->add_routes(router);
  // The page polls twice a second: per-request access lines only at debug level.
  bot::HttpServer server(ioc, *server_config, router, log, metrics, cfg.log.level == LogLevel::debug);
  std::uint16_t port = 0;
  try {
    port = server.start();
  } catch (boost::system::system_error const& e) {
    log.error("startup.failed",
              {{"reason", "cannot listen"}, {"address", args->listen}, {"error", e.code().message()}});
    return 1;
  }
  auto const address = server_config->host + ":" + std::to_string(port);
  log.info("simulator.listening", {{"address", address},
                                   {"page", "http://" + address + "/"},
                                   {"bot_url", args->options.bot_url},
                                   {"web_dir", args->options.web_dir}});

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    server.stop_accepting();
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          co_await server.drain(std::chrono::seconds(1));
          ioc.stop();
        },
        asio::detached);
  });
  ioc.run();
  log.info("simulator.stopped");
  return 0;
}
