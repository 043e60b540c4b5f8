#include "bot/app.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "adapters/http_client.hpp"
#include "adapters/wecom/api_client.hpp"
#include "bot/appointment_reminders.hpp"
#include "bot/appointment_windows.hpp"
#include "bot/calendar.hpp"
#include "bot/agenda.hpp"
#include "bot/case_notifier.hpp"
#include "bot/handoff.hpp"
#include "bot/center_api.hpp"
#include "bot/health.hpp"
#include "bot/http.hpp"
#include "bot/metrics.hpp"
#include "bot/paths.hpp"
#include "bot/pipeline.hpp"
#include "bot/responder.hpp"
#include "bot/roster.hpp"
#include "intents/knowledge.hpp"
#include "bot/scheduler.hpp"
#include "bot/understanding.hpp"
#include "bot/wecom_channel.hpp"
#include "intents/nlu.hpp"
#include "storage/embedded_redis.hpp"
#include "storage/redis.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;

namespace {

storage::RedisOptions redis_options(config::RedisConfig const& cfg, std::string const& url) {
  storage::RedisOptions o;
  o.endpoint = storage::RedisEndpoint::parse(url).value();
  o.connect_timeout = cfg.connect_timeout;
  o.default_policy.timeout = cfg.command_timeout;
  o.reconnect_max = cfg.reconnect_max;
  return o;
}

// Case deadlines, the API and the report count working days, so everything needs the holiday
// calendar; a broken calendar file stops the start (with file and line) rather than skewing every
// deadline. A missing current year is only warned about: weekends still count.
std::shared_ptr<WorkingCalendar const> load_calendar(config::CalendarConfig const& config, Logger& log) {
  std::shared_ptr<WorkingCalendar const> calendar;
  try {
    calendar = std::make_shared<WorkingCalendar const>(WorkingCalendar::load(locate_data(config.holidays_dir)));
  } catch (CalendarError const& e) {
    log.error("startup.failed", {{"reason", e.what()}});
    return nullptr;
  }
  auto const year = local_date(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count()).year();
  if (!calendar->covers(year))
    log.warn("calendar.year_missing", {{"year", static_cast<int>(year)}, {"dir", config.holidays_dir},
                                       {"effect", "weekends only: holidays count as working days"}});
  return calendar;
}

void add_center_api(Router& router, config::Config const& config, storage::RedisClient& redis,
                    Understanding const& understanding, std::shared_ptr<WorkingCalendar const> calendar, Logger& log) {
  if (config.api.tokens.empty()) log.info("api.disabled", {{"hint", "set api.tokens to serve /api/v1/"}});
  else log.info("api.enabled", {{"tokens", config.api.tokens.size()}});
  auto knowledge = [&understanding]() -> std::shared_ptr<intents::Knowledge const> {
    auto nlu = understanding.current();
    return nlu ? nlu->shared_knowledge() : nullptr;
  };
  add_center_api_routes(router, config.api, CenterApiContext{redis, knowledge, std::move(calendar), log, {}});
}

}  // namespace

int run_server(config::Config const& config, Logger& log) {
  // The zero-setup default: no redis.url means a private redis-server child.
  std::unique_ptr<storage::EmbeddedRedis> embedded;
  std::string redis_url = config.redis.url;
  if (redis_url.empty()) {
    auto started = storage::EmbeddedRedis::start({config.redis.server_binary, config.redis.data_dir}, log);
    if (!started) {
      log.error("startup.failed", {{"reason", "embedded redis-server did not start"},
                                   {"hint", "install redis-server or set redis.url"}});
      return 1;
    }
    embedded = std::move(*started);
    redis_url = embedded->url();
  }

  int const threads =
      config.server.threads > 0 ? config.server.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  asio::io_context ioc(threads);

  storage::RedisClient redis(ioc.get_executor(), redis_options(config.redis, redis_url), log);
  redis.start();

  // The model is trained at start (about a quarter of a second); without it nothing can be
  // answered, so a broken knowledge base stops the start with the file and line at fault.
  Understanding understanding(config.nlu, log);
  if (!understanding.load()) return 1;
  auto const calendar = load_calendar(config.calendar, log);
  if (!calendar) return 1;
  Roster roster;
  std::optional<AppointmentPlanner> planner;
  try {
    std::vector<std::string> departments;
    for (auto const& d : understanding.current()->knowledge().departments()) departments.push_back(d.id);
    roster = Roster::load(locate_data(config.roster.file), departments);
    planner.emplace(make_appointment_planner(config.appointments, calendar, departments));
  } catch (RosterError const& e) {
    log.error("startup.failed", {{"reason", e.what()}});
    return 1;
  } catch (WindowsError const& e) {
    log.error("startup.failed", {{"reason", e.what()}});
    return 1;
  }
  log.info("roster.loaded", {{"people", roster.size()}, {"file", config.roster.file}});

  Metrics metrics;
  Router router(metrics);
  add_health_routes(router, redis, metrics);
  add_process_metrics(metrics, redis);

  add_center_api(router, config, redis, understanding, calendar, log);

  std::unique_ptr<WecomChannel> channel;
  try {
    channel = std::make_unique<WecomChannel>(config, redis, log);
  } catch (std::exception const& e) {
    log.error("startup.failed", {{"reason", e.what()}});
    return 1;
  }
  channel->add_routes(router);
  channel->add_metrics(metrics);

  net::HttpClient http(ioc.get_executor(), {}, log);
  wecom::ApiSettings api_settings;
  api_settings.api_base = config.wecom.api_base;
  api_settings.corp_id = config.wecom.corp_id;
  api_settings.secret = config.wecom.secret;
  api_settings.agent_id = config.wecom.agent_id;
  api_settings.webhook_key = config.wecom.webhook_key;
  wecom::ApiClient api(http, redis, api_settings, log);
  Pipeline pipeline(ioc.get_executor(), redis, redis_options(config.redis, redis_url), config.queue,
                    dialogue_responder(config, understanding, *calendar, *planner, roster, redis, log),
                    WecomChannel::sender(api), log);
  add_pipeline_metrics(metrics, pipeline);
  SystemClock clock;
  Scheduler scheduler(ioc.get_executor(), redis, clock, log);
  NotifierContext const notices{&config, &understanding, calendar.get(), &roster, &log};
  register_sla_handlers(scheduler, redis, notices);
  register_handoff_escalation(scheduler, HandoffDesk{notices, &redis});
  register_morning_agenda(scheduler, HandoffDesk{notices, &redis}, clock, ioc.get_executor());
  // The notifier waits for case events on a connection of its own (a blocking read).
  storage::RedisClient notifier_reader(ioc.get_executor(), redis_options(config.redis, redis_url), log);
  CaseNotifier notifier(ioc.get_executor(), redis, notifier_reader, notices, pipeline.instance_id());
  register_appointment_reminders(scheduler, redis, config, clock, log);
  if (config.queue.workers) {
    pipeline.start();
    scheduler.start();
    notifier_reader.start();
    notifier.start();
  }

  HttpServer server(ioc, config.server, router, log, metrics, config.log.access);
  std::uint16_t port = 0;
  try {
    port = server.start();
  } catch (boost::system::system_error const& e) {
    log.error("startup.failed", {{"reason", "cannot listen"},
                                 {"address", config.server.host + ":" + std::to_string(config.server.port)},
                                 {"error", e.code().message()}});
    return 1;
  }
  log.info("server.listening", {{"address", config.server.host + ":" + std::to_string(port)},
                                {"threads", threads},
                                {"redis", storage::RedisEndpoint::parse(redis_url)->describe()}});

  bool stopped_cleanly = false;
  // SIGHUP: reload the knowledge base and the model without dropping a request.
  // Training takes a quarter of a second: it runs on a thread of its own, not an I/O thread.
  asio::thread_pool reloader(1);
  asio::signal_set reload(ioc, SIGHUP);
  std::function<void(boost::system::error_code, int)> on_reload = [&](boost::system::error_code ec, int) {
    if (ec) return;
    log.info("nlu.reloading", {{"signal", "SIGHUP"}});
    asio::post(reloader, [&understanding] { understanding.load(); });
    reload.async_wait(on_reload);
  };
  reload.async_wait(on_reload);

  // The embedded redis-server is ours to keep alive: if it dies, start it again (same data
  // directory, AOF replayed) and the client reconnects by itself. The restart waits for PING,
  // so it runs on the blocking-work thread, not an I/O thread.
  asio::steady_timer supervisor(ioc);
  std::atomic<bool> restarting{false};
  std::function<void(boost::system::error_code)> supervise = [&](boost::system::error_code ec) {
    if (ec || !embedded) return;
    if (!restarting && embedded->exited()) {
      restarting = true;
      asio::post(reloader, [&] {
        if (embedded->restart()) log.error("redis.embedded_restart_failed", {{"action", "retrying"}});
        restarting = false;
      });
    }
    supervisor.expires_after(std::chrono::milliseconds(500));
    supervisor.async_wait(supervise);
  };
  if (embedded) supervise({});

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    log.info("server.stopping", {{"signal", signo}, {"grace_ms", config.server.shutdown_grace.count()}});
    server.stop_accepting();
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          bool const clean = co_await server.drain(config.server.shutdown_grace);
          // Unacknowledged inbox and outbox entries stay pending in Redis for the next owner.
          pipeline.stop();
          co_await pipeline.release_idle();
          scheduler.stop();
          notifier.stop();
          notifier_reader.cancel();
          redis.cancel();
          reload.cancel();
          supervisor.cancel();
          ioc.stop();
          stopped_cleanly = clean;
        },
        asio::detached);
  });

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  log.info("server.stopped", {{"in_flight_finished", stopped_cleanly ? "true" : "false"}});
  return 0;
}

}  // namespace talentbot::bot
