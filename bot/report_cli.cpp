#include "bot/report_cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>
#include <future>
#include <iostream>
#include <string>
#include <string_view>

#include "bot/archive_reader.hpp"
#include "bot/config.hpp"
#include "bot/paths.hpp"
#include "intents/knowledge.hpp"
#include "storage/redis.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;

namespace {

constexpr char kUsage[] =
    "usage: talentbot report [--from yyyy-mm-dd] [--to yyyy-mm-dd] [--format json|csv] [--config FILE]";

struct ReportArgs {
  std::string from, to, format = "json", config;
};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The report reads what the server wrote, so it must be pointed at the server's Redis; an
// embedded server listens only on its unix socket, <data_dir>/redis.sock.
std::string no_redis_message(config::RedisConfig const& redis) {
  auto const dir = std::filesystem::absolute(locate_data(redis.data_dir));
  auto const socket = (dir / "redis.sock").lexically_normal();
  return "report: redis.url is empty; the report reads the running server's Redis, so set redis.url (or "
         "TALENTBOT_REDIS_URL) to it, e.g. redis://127.0.0.1:6379/0, or for the embedded server that "
         "deploy/quickstart.sh starts, its unix socket: unix://" +
         socket.string() + " (<redis.data_dir>/redis.sock, by default var/redis/redis.sock)";
}

storage::RedisOptions redis_options(config::RedisConfig const& cfg) {
  storage::RedisOptions o;
  o.endpoint = storage::RedisEndpoint::parse(cfg.url).value();
  o.connect_timeout = cfg.connect_timeout;
  o.default_policy.timeout = std::max(cfg.command_timeout, std::chrono::milliseconds(5'000));
  return o;
}

asio::awaitable<boost::system::result<Report>> connect_and_read(storage::RedisClient& redis,
                                                                std::shared_ptr<intents::Knowledge const> knowledge,
                                                                std::shared_ptr<WorkingCalendar const> calendar,
                                                                ReportRange range, std::chrono::year_month_day today,
                                                                std::chrono::milliseconds patience, Logger const& log) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto const deadline = std::chrono::steady_clock::now() + patience;
  while (!redis.connected() && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
  auto report = co_await read_report(redis, std::move(knowledge), std::move(calendar), range, today, log);
  redis.cancel();
  co_return report;
}

}  // namespace

int run_report_command(int argc, char* argv[], std::ostream& out, std::ostream& err) {
  ReportArgs a;
  for (int i = 2; i < argc; ++i) {
    std::string_view const arg = argv[i];
    if (i + 1 >= argc) {
      err << "report: " << arg << " needs a value\n" << kUsage << '\n';
      return 2;
    }
    if (arg == "--from") a.from = argv[++i];
    else if (arg == "--to") a.to = argv[++i];
    else if (arg == "--format") a.format = argv[++i];
    else if (arg == "--config") a.config = argv[++i];
    else {
      err << "report: unknown argument '" << arg << "'\n" << kUsage << '\n';
      return 2;
    }
  }
  if (a.format != "json" && a.format != "csv") {
    err << "report: --format must be json or csv\n";
    return 2;
  }
  auto const today = local_date(unix_now());
  ReportRange range;
  if (auto e = parse_report_range(a.from, a.to, today, range)) {
    err << "report: " << *e << '\n';
    return 2;
  }
  // Only Redis, the knowledge base and the calendar are needed: no WeCom credentials.
  auto loaded = config::load(a.config, config::process_env(), false);
  if (!loaded.config) {
    for (auto const& e : loaded.errors) err << "config error: " << e << '\n';
    return 2;
  }
  auto const& cfg = *loaded.config;
  if (cfg.redis.url.empty()) {
    err << no_redis_message(cfg.redis) << '\n';
    return 2;
  }

  std::shared_ptr<intents::Knowledge const> knowledge;
  std::shared_ptr<WorkingCalendar const> calendar;
  try {
    knowledge = intents::Knowledge::load(locate_data(cfg.nlu.knowledge_dir));
    calendar = std::make_shared<WorkingCalendar const>(WorkingCalendar::load(locate_data(cfg.calendar.holidays_dir)));
  } catch (std::exception const& e) {
    err << "report: " << e.what() << '\n';
    return 1;
  }

  Logger log(LogLevel::error);
  asio::io_context ioc;
  storage::RedisClient redis(ioc.get_executor(), redis_options(cfg.redis), log);
  redis.start();
  auto const patience = cfg.redis.connect_timeout + std::chrono::seconds(1);
  auto future = asio::co_spawn(ioc, connect_and_read(redis, knowledge, calendar, range, today, patience, log),
                               asio::use_future);
  // The client keeps timers of its own: run until the report is in, not until the loop is idle.
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) ioc.run_for(std::chrono::milliseconds(10));
  ioc.stop();
  auto report = future.get();
  if (!report) {
    err << "report: cannot read the archive from Redis at "
        << storage::RedisEndpoint::parse(cfg.redis.url)->describe() << ": " << report.error().message() << '\n';
    return 1;
  }
  out << (a.format == "csv" ? report_csv(*report) : report_json(*report) + "\n");
  return 0;
}

}  // namespace talentbot::bot
