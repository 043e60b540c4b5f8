#pragma once
// Outbound HTTP/1.1 for calls to the outside world (the WeCom API, a group robot, the bot seen from
// the simulator): HTTPS with certificate and host-name verification, a keep-alive pool per
// scheme+host+port, and one deadline per call. Beast and OpenSSL stay in http_client.cpp.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace talentbot {
class Logger;
}

namespace talentbot::net {

enum class errc {
  bad_url = 1,        // not scheme://host[:port][/path], or user info in the authority
  insecure_url,       // plain http:// to a host that is not loopback: secrets would cross the network
  resolve_failed,     // the host name did not resolve
  connect_failed,     // no endpoint accepted the TCP connection (refused, unreachable)
  tls_failed,         // TLS handshake failed: bad certificate, wrong host name, no common cipher
  timeout,            // the connect or the whole exchange did not finish within its bound
  protocol,           // the answer was not HTTP/1.1 we can parse
  body_too_large,     // the answer exceeded HttpClientOptions::body_limit
  connection_closed,  // the peer closed or reset the connection before a whole answer arrived
};

boost::system::error_category const& net_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), net_category()}; }

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{3'000};   // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{10'000};  // the whole call, connect included
  std::size_t max_idle_per_host = 4;                  // idle keep-alive connections kept per origin
  std::chrono::milliseconds idle_timeout{30'000};     // older idle connections are not reused
  bool verify_peer = true;                            // off only for a test against a throwaway cert
  std::string ca_file;                                // PEM trust anchors; empty = the system store
  std::size_t body_limit = 4 * 1024 * 1024;           // WeCom answers are a few hundred bytes
  std::size_t header_limit = 16 * 1024;
};

struct ClientResponse {
  unsigned status = 0;
  std::string body;
  std::string content_type;
};

// scheme://host[:port][/path][?query]; host may be a bracketed IPv6 literal.
struct Url {
  bool tls = false;
  std::string host;  // without brackets
  std::uint16_t port = 0;
  std::string target = "/";  // path and query as sent on the request line
};
boost::system::result<Url> parse_url(std::string_view url);

// %XX escapes decoded; with plus_as_space, '+' is a space too (HTML form encoding). WeCom's
// echostr is base64, so the callback route keeps '+' as it is.
std::string percent_decode(std::string_view text, bool plus_as_space = false);

// A query string's decoded key=value pairs (percent-escapes and '+' undone); the first of
// repeated keys wins.
std::map<std::string, std::string, std::less<>> parse_query(std::string_view query);

// 127.0.0.0/8, ::1 and "localhost": the only hosts plain http:// may reach.
bool is_loopback_host(std::string_view host);

// Safe to share between coroutines and threads: each call takes its own connection (from the pool
// or new), and every connection runs on its own strand.
class HttpClient {
 public:
  // Throws std::runtime_error when ca_file cannot be loaded: a start-up misconfiguration.
  HttpClient(boost::asio::any_io_executor executor, HttpClientOptions options, Logger& log);
  ~HttpClient();
  HttpClient(HttpClient const&) = delete;
  HttpClient& operator=(HttpClient const&) = delete;

  // One request. A pooled connection the server has meanwhile closed is retried once on a fresh
  // one, but only when not a byte of an answer had arrived: the server cannot have answered it.
  // That can still repeat a POST the server received and then dropped, which is why WeCom sends
  // carry enable_duplicate_check (DESIGN.md, outbox).
  boost::asio::awaitable<boost::system::result<ClientResponse>> request(std::string method, std::string url,
                                                                        std::string body = {},
                                                                        std::string content_type = "application/json");

  std::size_t idle_connections() const;
  void close_idle();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace talentbot::net

template <>
struct boost::system::is_error_code_enum<talentbot::net::errc> : std::true_type {};
