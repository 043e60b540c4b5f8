#pragma once
// The HTTP listener: Beast over Asio, one coroutine per connection, keep-alive, size limits,
// read timeouts, a route table, metrics and an access log, and a two-phase graceful stop.
// Beast stays in http_server.cpp; handlers see these plain types.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/config.hpp"

namespace boost::asio {
class io_context;
}

namespace talentbot::bot {

class Metrics;

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query as sent
  std::string_view path() const { return std::string_view(target).substr(0, target.find('?')); }
  std::string_view query() const {
    auto const q = target.find('?');
    return q == std::string::npos ? std::string_view{} : std::string_view(target).substr(q + 1);
  }
  std::string content_type;
  std::string authorization;
  std::string body;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Close the connection without answering: what a broken peer does. Only the WeCom simulator's
  // fault injection uses it.
  bool close_without_response = false;

  static HttpResponse text(unsigned status, std::string body);
  // {"error": "...", ...extra}: the short JSON error every 4xx/5xx carries.
  static HttpResponse error(unsigned status, std::string_view message);
};

using Handler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;

// The `index`-th segment of a path ("/api/v1/cases/GC…" → 3 is "GC…"), or empty.
std::string_view path_segment(std::string_view path, std::size_t index);

class Router {
 public:
  explicit Router(Metrics& metrics);
  // `path` is exact, or a pattern whose `{name}` segments match any one segment
  // ("/api/v1/cases/{id}"); the pattern, not the path, is the metrics label.
  void add(std::string method, std::string path, Handler handler);

  struct Match {
    Handler const* handler = nullptr;  // null: see status
    unsigned status = 0;               // 404 or 405 when there is no handler
    std::string allow;                 // for 405
    std::size_t route_id = 0;          // metrics id
  };
  Match match(std::string_view method, std::string_view path) const;
  std::size_t unmatched_route() const { return unmatched_id_; }  // requests refused before routing

 private:
  struct Route {
    std::string path;
    std::vector<std::pair<std::string, Handler>> methods;
    std::size_t route_id;
  };
  Metrics& metrics_;
  std::vector<Route> routes_;
  std::size_t unmatched_id_;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, config::ServerConfig config, Router const& router, Logger& log,
             Metrics& metrics, bool access_log);
  ~HttpServer();

  // Binds and starts accepting; returns the bound port (useful when the config says port 0).
  std::uint16_t start();
  // Phase one of a graceful stop: no new connections, idle keep-alive connections are closed,
  // connections with a request in flight finish it and then close.
  void stop_accepting();
  // Phase two: waits up to `grace` for in-flight requests, then closes whatever is left.
  // Returns true when everything finished within the bound.
  boost::asio::awaitable<bool> drain(std::chrono::milliseconds grace);
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace talentbot::bot
