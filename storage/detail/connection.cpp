#include "storage/detail/connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <random>

namespace talentbot::storage::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

constexpr auto kSweepInterval = 50ms;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

Reply convert(redisReply const* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_NIL: out.type = Reply::Type::nil; break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default: out.type = Reply::Type::nil;
  }
  return out;
}

Connection* self_of(redisAsyncContext const* ac) { return static_cast<Connection*>(ac->data); }

// Completions never run inside a hiredis callback: posting keeps hiredis' re-entrancy rules out of
// callers' code (a coroutine resumed inline could free the context it is being called from).
// Handlers reaching the connection are already wrapped by posting().
void post_completion(Connection::Handler handler, error_code ec, Reply reply, asio::any_io_executor const&) {
  std::move(handler)(ec, std::move(reply));
}

}  // namespace

Connection::Connection(asio::any_io_executor executor, RedisOptions options, Logger& log)
    : strand_(asio::make_strand(executor)),
      options_(std::move(options)),
      log_(log),
      wakeup_(strand_),
      sweep_timer_(strand_) {}

Connection::~Connection() {
  if (ac_) redisAsyncFree(ac_);
}

// The coroutine owns a reference for as long as it runs. (A parameter, not a lambda capture:
// the closure of a lambda coroutine does not live in the coroutine frame.)
static asio::awaitable<void> run_owned(std::shared_ptr<Connection> self) { co_await self->run(); }

void Connection::start() { asio::co_spawn(strand_, run_owned(shared_from_this()), asio::detached); }

void Connection::cancel() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->sweep_timer_.cancel();
    self->drop_context("stopping");
    self->fail_all(errc::disconnected);
    self->connected_ = false;
    self->notify();
  });
}

RedisStats Connection::stats() const {
  auto const load = [](auto const& a) { return a.load(std::memory_order_relaxed); };
  return {load(counters_.commands),        load(counters_.failed_fast), load(counters_.timeouts),
          load(counters_.connection_lost), load(counters_.connects),    load(counters_.connect_failures)};
}

void Connection::notify() { wakeup_.cancel(); }

// Logging lives outside the coroutines: g++ 12 miscompiles initializer lists inside coroutine bodies.
void Connection::report(char const* event, LogLevel level, int attempt, std::chrono::milliseconds retry_in,
                        std::string const& error) {
  log_.log(level, event,
           {{"endpoint", options_.endpoint.describe()},
            {"attempt", attempt},
            {"retry_in_ms", retry_in.count()},
            {"error", error}});
}

asio::awaitable<void> Connection::run() {
  std::minstd_rand rng(std::random_device{}());
  auto backoff = options_.reconnect_min;
  int failures = 0;
  while (!stopping_) {
    if (co_await connect_once()) {
      connected_ = true;
      ++counters_.connects;
      report("redis.connected", options_.report_outages ? LogLevel::info : LogLevel::debug, failures);
      failures = 0;
      backoff = options_.reconnect_min;
      start_sweep();
      while (ac_ && !stopping_) {
        wakeup_.expires_at(std::chrono::steady_clock::time_point::max());
        co_await wakeup_.async_wait(kAwait);
      }
      connected_ = false;
      if (stopping_) break;
      report("redis.disconnected", options_.report_outages ? LogLevel::warn : LogLevel::debug, 0);
    } else {
      ++counters_.connect_failures;
      if (stopping_) break;
      // An outage is logged once when it starts; the attempts that follow are debug noise.
      report("redis.connect_failed", failures == 0 && options_.report_outages ? LogLevel::warn : LogLevel::debug,
             failures + 1, backoff);
      ++failures;
    }
    // Full jitter on the upper half keeps many instances from reconnecting in lockstep.
    std::uniform_int_distribution<long long> jitter(backoff.count() / 2, backoff.count());
    wakeup_.expires_after(std::chrono::milliseconds(jitter(rng)));
    co_await wakeup_.async_wait(kAwait);
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
  connected_ = false;
}

asio::awaitable<bool> Connection::connect_once() {
  auto const& ep = options_.endpoint;
  redisAsyncContext* ac =
      ep.unix_path.empty() ? redisAsyncConnect(ep.host.c_str(), ep.port) : redisAsyncConnectUnix(ep.unix_path.c_str());
  if (ac == nullptr) co_return false;
  if (ac->err) {
    report("redis.connect_error", LogLevel::debug, 0, {}, ac->errstr);
    redisAsyncFree(ac);
    co_return false;
  }
  ac_ = ac;
  ++generation_;
  ac->data = this;
  ac->ev.data = this;
  ac->ev.addRead = hook_add_read;
  ac->ev.delRead = hook_del_read;
  ac->ev.addWrite = hook_add_write;
  ac->ev.delWrite = hook_del_write;
  ac->ev.cleanup = hook_cleanup;
  fd_.emplace(strand_, ac->c.fd);
  redisAsyncSetConnectCallback(ac, on_connect);
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
  connect_reported_ = false;
  connect_result_ = false;
  // Like hiredis' own adapters: watch both directions from the start; the first writable event
  // completes the non-blocking connect.
  want_read_ = want_write_ = true;
  arm_read();
  arm_write();

  auto const deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  while (!connect_reported_ && ac_ && !stopping_ && std::chrono::steady_clock::now() < deadline) {
    wakeup_.expires_at(deadline);
    co_await wakeup_.async_wait(kAwait);
  }
  if (!connect_reported_ || !connect_result_ || !ac_ || stopping_) {
    drop_context("connect failed");
    co_return false;
  }
  if (!ep.password.empty()) {
    auto r = co_await internal_command(args("AUTH", ep.password));
    if (!r || r->is_error()) {
      report("redis.auth_failed", LogLevel::error, 0, {}, r ? r->str : r.error().message());
      drop_context("auth failed");
      co_return false;
    }
  }
  if (ep.db != 0) {
    auto r = co_await internal_command(args("SELECT", std::to_string(ep.db)));
    if (!r || r->is_error()) {
      report("redis.select_failed", LogLevel::error, 0, {}, r ? r->str : r.error().message());
      drop_context("select failed");
      co_return false;
    }
  }
  co_return ac_ != nullptr;
}

asio::awaitable<boost::system::result<Reply>> Connection::internal_command(Args args) {
  auto [ec, reply] = co_await asio::async_initiate<decltype(kAwait), void(error_code, Reply)>(
      [this, &args](auto handler) { send(args, options_.default_policy, posting(std::move(handler))); }, kAwait);
  if (ec) co_return ec;
  co_return std::move(reply);
}

void Connection::submit(Args args, CallPolicy policy, Handler handler) {
  asio::dispatch(strand_, [self = shared_from_this(), args = std::move(args), policy, h = std::move(handler)]() mutable {
    if (!self->connected_ || !self->ac_) {
      ++self->counters_.failed_fast;
      post_completion(std::move(h), errc::disconnected, {}, self->strand_);
      return;
    }
    self->send(args, policy, std::move(h));
  });
}

void Connection::send(Args const& args, CallPolicy policy, Handler handler) {
  if (!ac_) {
    post_completion(std::move(handler), errc::disconnected, {}, strand_);
    return;
  }
  // The RESP encoding is written here in one buffer: hiredis' own formatting (sdscatfmt and
  // friends) was the largest single cost per command in the pipelined benchmark.
  std::string resp;
  std::size_t size = 16;
  for (auto const& a : args) size += a.size() + 24;
  resp.reserve(size);
  resp += '*';
  resp += std::to_string(args.size());
  resp += "\r\n";
  for (auto const& a : args) {
    resp += '$';
    resp += std::to_string(a.size());
    resp += "\r\n";
    resp += a;
    resp += "\r\n";
  }
  auto const id = next_id_++;
  pending_.emplace_back(id, Pending{std::move(handler), std::chrono::steady_clock::now() + policy.timeout});
  ++counters_.commands;
  if (redisAsyncFormattedCommand(ac_, on_reply, reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)), resp.data(),
                                 resp.size()) != REDIS_OK) {
    complete(id, errc::protocol, {});
  }
}

void Connection::complete(std::uint64_t id, error_code ec, Reply reply) {
  auto it = !pending_.empty() && pending_.front().first == id
                ? pending_.begin()
                : std::find_if(pending_.begin(), pending_.end(), [id](auto const& p) { return p.first == id; });
  if (it == pending_.end()) return;  // already failed (timeout); a late reply is dropped
  auto handler = std::move(it->second.handler);
  pending_.erase(it);
  if (ec == errc::connection_lost) ++counters_.connection_lost;
  post_completion(std::move(handler), ec, std::move(reply), strand_);
}

void Connection::fail_all(error_code ec) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : pending) post_completion(std::move(p.handler), ec, {}, strand_);
}

void Connection::drop_context(char const* reason) {
  if (!ac_) return;
  log_.debug("redis.drop_connection", {{"reason", reason}, {"pending", pending_.size()}});
  // Never called from inside a hiredis callback (those only record state), so freeing is allowed;
  // hiredis answers every queued callback with a NULL reply and then runs hook_cleanup.
  redisAsyncFree(ac_);
  ac_ = nullptr;
}

void Connection::start_sweep() {
  if (sweeping_) return;
  sweeping_ = true;
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([self = shared_from_this()](error_code ec) {
    self->sweeping_ = false;
    if (ec || self->stopping_) return;
    auto const now = std::chrono::steady_clock::now();
    std::uint64_t expired = 0;
    for (auto const& [id, p] : self->pending_) {
      if (p.deadline <= now) {
        expired = id;
        break;
      }
    }
    if (expired != 0) {
      // A timed-out command cannot be taken back: its reply would be mistaken for the next one's.
      // Fail it, drop the connection (failing the rest), and let run() reconnect.
      ++self->counters_.timeouts;
      self->log_.warn("redis.timeout", {{"pending", self->pending_.size()}, {"action", "reconnect"}});
      self->complete(expired, errc::timeout, {});
      self->drop_context("command timeout");
    }
    if (self->ac_) self->start_sweep();
  });
}

void Connection::arm_read() {
  if (reading_ || !fd_ || !want_read_) return;
  reading_ = true;
  fd_->async_wait(asio::posix::stream_descriptor::wait_read,
                  asio::bind_executor(strand_, [self = shared_from_this(), gen = generation_](error_code ec) {
                    if (gen != self->generation_) return;
                    self->reading_ = false;
                    if (ec || !self->ac_) return;
                    if (self->want_read_) redisAsyncHandleRead(self->ac_);
                    self->arm_read();
                  }));
}

void Connection::arm_write() {
  if (writing_ || !fd_ || !want_write_) return;
  writing_ = true;
  fd_->async_wait(asio::posix::stream_descriptor::wait_write,
                  asio::bind_executor(strand_, [self = shared_from_this(), gen = generation_](error_code ec) {
                    if (gen != self->generation_) return;
                    self->writing_ = false;
                    if (ec || !self->ac_) return;
                    if (self->want_write_) redisAsyncHandleWrite(self->ac_);
                    self->arm_write();
                  }));
}

void Connection::hook_add_read(void* p) noexcept {
  auto* self = static_cast<Connection*>(p);
  self->want_read_ = true;
  try {
    self->arm_read();
  } catch (...) {
  }
}

void Connection::hook_del_read(void* p) noexcept { static_cast<Connection*>(p)->want_read_ = false; }

void Connection::hook_add_write(void* p) noexcept {
  auto* self = static_cast<Connection*>(p);
  self->want_write_ = true;
  try {
    self->arm_write();
  } catch (...) {
  }
}

void Connection::hook_del_write(void* p) noexcept { static_cast<Connection*>(p)->want_write_ = false; }

void Connection::hook_cleanup(void* p) noexcept {
  // Runs while hiredis frees the context, possibly inside redisAsyncHandleRead: only record state.
  auto* self = static_cast<Connection*>(p);
  self->ac_ = nullptr;
  self->want_read_ = self->want_write_ = false;
  self->reading_ = self->writing_ = false;
  ++self->generation_;
  if (self->fd_) {
    // hiredis owns and closes the fd; release() only detaches it from the reactor.
    self->fd_->release();
    self->fd_.reset();
  }
  try {
    self->fail_all(errc::connection_lost);
    self->notify();
  } catch (...) {
  }
}

void Connection::on_connect(redisAsyncContext const* ac, int status) noexcept {
  auto* self = self_of(ac);
  if (!self) return;
  self->connect_reported_ = true;
  self->connect_result_ = status == REDIS_OK;
  try {
    self->notify();
  } catch (...) {
  }
}

void Connection::on_disconnect(redisAsyncContext const* ac, int) noexcept {
  auto* self = self_of(ac);
  if (!self) return;
  self->connected_ = false;
  try {
    self->notify();
  } catch (...) {
  }
}

void Connection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) noexcept {
  auto* self = self_of(ac);
  if (!self) return;
  auto const id = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(privdata));
  try {
    if (reply == nullptr)
      self->complete(id, errc::connection_lost, {});
    else
      self->complete(id, {}, convert(static_cast<redisReply const*>(reply)));
  } catch (...) {
  }
}

}  // namespace talentbot::storage::detail
