// talentbot: the green-channel chatbot server and its command-line tools.
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "bot/app.hpp"
#include "bot/config.hpp"

namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  talentbot --config FILE          run the server (env TALENTBOT_<SECTION>_<KEY> overrides any key)\n"
    "  talentbot --check-config FILE    validate a config file, print the effective values, exit\n"
    "  talentbot --version\n";

int load_or_report(std::string const& path, talentbot::config::Config& out) {
  auto loaded = talentbot::config::load(path);
  if (!loaded.config) {
    for (auto const& e : loaded.errors) std::cerr << "config error: " << e << '\n';
    return 2;
  }
  out = std::move(*loaded.config);
  return 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  using namespace talentbot;
  std::string_view const cmd = argc > 1 ? argv[1] : "";
  if (cmd == "--help" || cmd == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "--version") {
    std::cout << "talentbot " TALENTBOT_VERSION "\n";
    return 0;
  }
  if (cmd == "--check-config") {
    if (argc != 3) {
      std::cerr << kUsage;
      return 2;
    }
    config::Config cfg;
    if (int rc = load_or_report(argv[2], cfg)) return rc;
    std::cout << "config ok: " << argv[2] << '\n' << config::describe(cfg);
    return 0;
  }
  std::string path;
  if (cmd == "--config" && argc == 3) {
    path = argv[2];
  } else if (argc != 1) {
    std::cerr << "unknown arguments\n" << kUsage;
    return 2;
  }
  config::Config cfg;
  if (int rc = load_or_report(path, cfg)) return rc;
  Logger log(cfg.log.level, cfg.log.format);
  return bot::run_server(cfg, log);
}
