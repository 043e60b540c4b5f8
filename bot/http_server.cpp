#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <mutex>
#include <unordered_set>

#include "bot/http.hpp"
#include "bot/metrics.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// Connection ends that are part of normal life, logged at debug only.
bool is_normal_end(error_code const& ec) {
  return ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::broken_pipe;
}
// The answer to a request that could not be read whole (too large, malformed): the short JSON
// error every 4xx carries, then the connection closes, since the rest of the stream is unusable.
http::response<http::string_body> closing_error(unsigned status, std::string_view message) {
  auto r = HttpResponse::error(status, message);
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, r.content_type);
  res.keep_alive(false);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

}  // namespace

// A live connection as seen by the shutdown logic. Everything but `executor` is touched only on
// the connection's strand; `stream` points into the session's frame and is valid while `open`.
struct Connection {
  beast::tcp_stream* stream;
  asio::any_io_executor executor;  // the session's strand, copied so it outlives the stream
  bool busy = false;
  bool open = true;
};

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& ioc, config::ServerConfig cfg, Router const& router, Logger& log, Metrics& metrics,
       bool access_log)
      : ioc(ioc), cfg(std::move(cfg)), router(router), log(log), metrics(metrics), access_log(access_log),
        acceptor(asio::make_strand(ioc)) {}

  asio::io_context& ioc;
  config::ServerConfig cfg;
  Router const& router;
  Logger& log;
  Metrics& metrics;
  bool access_log;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket);
  asio::awaitable<http::response<http::string_body>> respond(http::request<http::string_body>& req,
                                                             std::size_t& route_id, bool& drop);
  void close_idle(bool force);

  // Logging stays out of coroutine bodies: g++ 12 rejects initializer lists there.
  void note(LogLevel level, char const* event, char const* key, std::string_view value) const {
    log.log(level, event, {{key, value}});
  }
  void log_access(http::request<http::string_body> const& req, unsigned status,
                  std::chrono::steady_clock::duration latency) const {
    auto const target = std::string_view(req.target());
    // The path only: the query carries signatures and nonces that have no place in a log.
    log.info("http.request", {{"method", req.method_string()},
                              {"path", target.substr(0, target.find('?'))},
                              {"status", status},
                              {"latency_us", std::chrono::duration_cast<std::chrono::microseconds>(latency).count()}});
  }
};

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  auto self = shared_from_this();
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kAwait);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) break;
      // Out of descriptors and the like: log once per failure and keep serving the open connections.
      note(LogLevel::warn, "http.accept_failed", "error", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kAwait);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> HttpServer::Impl::session(tcp::socket socket) {
  auto self = shared_from_this();
  beast::tcp_stream stream(std::move(socket));
  auto conn = std::make_shared<Connection>(Connection{&stream, stream.get_executor()});
  {
    std::lock_guard lock(mutex);
    connections.insert(conn);
  }
  beast::flat_buffer buffer;
  for (;;) {
    if (stopping) break;
    // A fresh parser per request, passed itself to async_read so its limits apply.
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
    parser.body_limit(cfg.body_limit);
    stream.expires_after(cfg.read_timeout);
    auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, kAwait);
    (void)bytes;
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      conn->busy = true;
      auto const what = ec == http::error::body_limit ? "request body too large" : "request header too large";
      note(LogLevel::info, "http.too_large", "what", what);
      auto res = closing_error(413, what);
      stream.expires_after(cfg.read_timeout);
      co_await http::async_write(stream, res, kAwait);
      metrics.observe(router.unmatched_route(), 413, {});
      break;
    }
    if (ec) {
      if (!is_normal_end(ec)) {
        note(LogLevel::debug, "http.read_failed", "error", ec.message());
        if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
          // Malformed HTTP: say so before closing, so the client is not left guessing.
          auto res = closing_error(400, "malformed HTTP request");
          co_await http::async_write(stream, res, kAwait);
        }
      }
      break;
    }
    conn->busy = true;
    auto const started = std::chrono::steady_clock::now();
    auto req = parser.release();
    std::size_t route_id = 0;
    bool drop = false;
    auto res = co_await respond(req, route_id, drop);
    if (drop) break;  // closed below without a word
    bool const keep_alive = req.keep_alive() && !stopping;
    res.keep_alive(keep_alive);
    stream.expires_after(cfg.read_timeout);
    auto [wec, wbytes] = co_await http::async_write(stream, res, kAwait);
    (void)wbytes;
    auto const latency = std::chrono::steady_clock::now() - started;
    metrics.observe(route_id, res.result_int(), latency);
    if (access_log && log.enabled(LogLevel::info)) log_access(req, res.result_int(), latency);
    conn->busy = false;
    if (wec || !keep_alive) break;
  }
  conn->open = false;  // on this strand: a close_idle() queued behind us must not touch the stream
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  std::lock_guard lock(mutex);
  connections.erase(conn);
}

asio::awaitable<http::response<http::string_body>> HttpServer::Impl::respond(http::request<http::string_body>& req,
                                                                            std::size_t& route_id, bool& drop) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  auto const m = router.match(request.method, request.path());
  route_id = m.route_id;
  HttpResponse out;
  if (m.handler == nullptr) {
    out = HttpResponse::error(m.status, m.status == 405 ? "method not allowed" : "not found");
    if (m.status == 405) out.headers.emplace_back("Allow", m.allow);
  } else {
    if (auto it = req.find(http::field::content_type); it != req.end()) request.content_type = std::string(it->value());
    if (auto it = req.find(http::field::authorization); it != req.end())
      request.authorization = std::string(it->value());
    request.body = std::move(req.body());
    try {
      out = co_await (*m.handler)(request);
    } catch (std::exception const& e) {
      note(LogLevel::error, "http.handler_failed", "error", e.what());
      out = HttpResponse::error(500, "internal error");
    }
  }
  drop = out.close_without_response;
  http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
  res.set(http::field::content_type, out.content_type);
  for (auto& [name, value] : out.headers) res.set(name, value);
  if (req.method() != http::verb::head) res.body() = std::move(out.body);
  res.prepare_payload();
  co_return res;
}

void HttpServer::Impl::close_idle(bool force) {
  std::lock_guard lock(mutex);
  for (auto const& conn : connections) {
    // Each connection's socket is used only on its own strand: hop there to look and cancel.
    asio::dispatch(conn->executor, [conn, force] {
      // The session may have ended (and its stream gone) before this ran on its strand.
      if (!conn->open) return;
      error_code ignored;
      if (force) conn->stream->socket().close(ignored);  // past the grace: even a late answer is not sent
      else if (!conn->busy) conn->stream->cancel();
    });
  }
}

HttpServer::HttpServer(asio::io_context& ioc, config::ServerConfig config, Router const& router, Logger& log,
                       Metrics& metrics, bool access_log)
    : impl_(std::make_shared<Impl>(ioc, std::move(config), router, log, metrics, access_log)) {}

HttpServer::~HttpServer() {
  impl_->stopping = true;
  error_code ignored;
  impl_->acceptor.close(ignored);
}

std::uint16_t HttpServer::start() {
  auto& a = impl_->acceptor;
  tcp::endpoint ep{asio::ip::make_address(impl_->cfg.host), impl_->cfg.port};
  a.open(ep.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  a.bind(ep);
  a.listen(asio::socket_base::max_listen_connections);
  auto const port = a.local_endpoint().port();
  asio::co_spawn(a.get_executor(), impl_->accept_loop(), asio::detached);
  return port;
}

void HttpServer::stop_accepting() {
  impl_->stopping = true;
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_] {
    error_code ignored;
    impl->acceptor.close(ignored);
  });
  impl_->close_idle(false);
}

asio::awaitable<bool> HttpServer::drain(std::chrono::milliseconds grace) {
  auto const deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    // Idle connections may have been mid-read of a new request when phase one ran; keep closing them.
    impl_->close_idle(false);
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kAwait);
  }
  bool const clean = open_connections() == 0;
  if (!clean) {
    impl_->note(LogLevel::warn, "http.drain_timeout", "open_connections", std::to_string(open_connections()));
    impl_->close_idle(true);
    timer.expires_after(std::chrono::milliseconds(50));
    co_await timer.async_wait(kAwait);
  }
  co_return clean;
}

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections.size();
}

}  // namespace talentbot::bot
