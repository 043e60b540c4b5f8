// talentbot: the green-channel chatbot server and its command-line tools.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include <filesystem>

#include "bot/app.hpp"
#include "bot/config.hpp"
#include "bot/paths.hpp"
#include "bot/report_cli.hpp"
#include "intents/cli.hpp"

namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  talentbot --config FILE          run the server (env TALENTBOT_<SECTION>_<KEY> overrides any key)\n"
    "  talentbot --check-config FILE    validate a config file, print the effective values, exit\n"
    "  talentbot nlu --now ISO8601 [--knowledge DIR] [--training FILE]\n"
    "                                   one JSON line of intent and entities per input line\n"
    "  talentbot nlu-eval FILE [--floors FILE] [--knowledge DIR] [--training FILE] [--folds K]\n"
    "                                   accuracy report of a labelled TSV (exit 1 below floors);\n"
    "                                   --folds K cross-validates FILE itself in K folds\n"
    "  talentbot report [--from yyyy-mm-dd] [--to yyyy-mm-dd] [--format json|csv] [--config FILE]\n"
    "                                   the department report (default: this half year), read from\n"
    "                                   the server's Redis (redis.url)\n"
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

struct NluArgs {
  std::string now;
  std::string test_file;
  std::filesystem::path knowledge = talentbot::bot::locate_data(std::string(talentbot::intents::kDefaultKnowledgeDir));
  std::filesystem::path training = talentbot::bot::locate_data(std::string(talentbot::intents::kDefaultTrainingTsv));
  std::filesystem::path floors;
  int folds = 0;
  bool ok = true;
};

NluArgs parse_nlu_args(int argc, char* argv[], bool eval) {
  NluArgs a;
  for (int i = 2; i < argc; ++i) {
    std::string_view const arg = argv[i];
    bool const has_value = i + 1 < argc;
    if (arg == "--now" && has_value) a.now = argv[++i];
    else if (arg == "--knowledge" && has_value) a.knowledge = argv[++i];
    else if (arg == "--training" && has_value) a.training = argv[++i];
    else if (arg == "--floors" && has_value) a.floors = argv[++i];
    else if (arg == "--folds" && eval && has_value) a.folds = std::atoi(argv[++i]), a.ok = a.ok && a.folds >= 2;
    else if (eval && a.test_file.empty() && !arg.starts_with("--")) a.test_file = arg;
    else a.ok = false;
  }
  if (eval ? a.test_file.empty() : a.now.empty()) a.ok = false;
  return a;
}

}  // namespace

int main(int argc, char* argv[]) {
  using namespace talentbot;
  // hiredis writes with write(2): a Redis that dies mid-write would otherwise kill the whole
  // server with SIGPIPE instead of returning EPIPE to the client, which reconnects.
  std::signal(SIGPIPE, SIG_IGN);
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
  if (cmd == "report") return bot::run_report_command(argc, argv, std::cout, std::cerr);
  if (cmd == "nlu" || cmd == "nlu-eval") {
    bool const eval = cmd == "nlu-eval";
    auto a = parse_nlu_args(argc, argv, eval);
    if (!a.ok) {
      std::cerr << kUsage;
      return 2;
    }
    if (!eval) return intents::run_nlu(std::cin, std::cout, std::cerr, a.now, a.knowledge, a.training);
    return intents::run_nlu_eval(a.test_file, std::cout, std::cerr, a.knowledge, a.training,
                                 a.floors.empty() ? nullptr : &a.floors, a.folds);
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
