#include "bot/scheduler.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

namespace talentbot::bot {
namespace asio = boost::asio;

struct Scheduler::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, storage::RedisClient& r, Clock const& c, Logger& l, SchedulerOptions o)
      : strand(asio::make_strand(ex)), redis(r), clock(c), log(l), options(o), timer(strand) {}

  asio::awaitable<std::size_t> pass();
  asio::awaitable<void> loop();

  asio::strand<asio::any_io_executor> strand;
  storage::RedisClient& redis;
  Clock const& clock;
  Logger& log;
  SchedulerOptions options;
  asio::steady_timer timer;
  std::map<std::string, Handler, std::less<>> handlers;
  bool stopping = false;
  std::atomic<std::uint64_t> fired{0};
};

namespace {

std::string_view kind_of(std::string const& id) { return std::string_view(id).substr(0, id.find(':')); }

}  // namespace

asio::awaitable<std::size_t> Scheduler::Impl::pass() {
  auto const now = clock.now().time_since_epoch().count();
  auto due = co_await storage::claim_due(redis, now, options.lease, options.batch);
  if (!due) co_return 0;  // Redis away: the next poll looks again
  std::size_t handled = 0;
  for (auto& item : *due) {
    auto it = handlers.find(kind_of(item.id));
    if (it == handlers.end()) {
      log.error("scheduler.unknown_kind", {{"item", item.id}, {"action", "dropped"}});
      co_await storage::complete(redis, item);
      continue;
    }
    bool done = false;
    try {
      done = co_await it->second(item);
    } catch (std::exception const& e) {
      log.error("scheduler.handler_failed", {{"item", item.id}, {"error", e.what()}});
    }
    if (!done) continue;  // comes back after the lease
    co_await storage::complete(redis, item);
    ++handled;
    ++fired;
  }
  co_return handled;
}

asio::awaitable<void> Scheduler::Impl::loop() {
  auto self = shared_from_this();
  while (!stopping) {
    std::size_t n = co_await pass();
    if (n >= options.batch) continue;  // more may be due at once
    timer.expires_after(options.poll);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

Scheduler::Scheduler(asio::any_io_executor executor, storage::RedisClient& redis, Clock const& clock, Logger& log,
                     SchedulerOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, clock, log, options)) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::on(std::string kind, Handler handler) { impl_->handlers[std::move(kind)] = std::move(handler); }

void Scheduler::start() { asio::co_spawn(impl_->strand, impl_->loop(), asio::detached); }

void Scheduler::stop() {
  asio::dispatch(impl_->strand, [impl = impl_] {
    impl->stopping = true;
    impl->timer.cancel();
  });
}

asio::awaitable<std::size_t> Scheduler::run_due() { co_return co_await impl_->pass(); }

std::uint64_t Scheduler::fired() const { return impl_->fired.load(); }

}  // namespace talentbot::bot
