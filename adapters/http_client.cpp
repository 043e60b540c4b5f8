#include "adapters/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include "storage/log.hpp"

namespace talentbot::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

class Category final : public boost::system::error_category {
 public:
  char const* name() const noexcept override { return "talentbot.net"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_url: return "malformed URL";
      case errc::insecure_url: return "plain http:// is allowed only to a loopback host";
      case errc::resolve_failed: return "host name did not resolve";
      case errc::connect_failed: return "could not connect";
      case errc::tls_failed: return "TLS handshake failed";
      case errc::timeout: return "HTTP request timed out";
      case errc::protocol: return "malformed HTTP response";
      case errc::body_too_large: return "HTTP response body too large";
      case errc::connection_closed: return "connection closed before a complete response";
    }
    return "unknown HTTP client error";
  }
};

// The peer went away: nothing more will come on this connection.
bool is_drop(error_code const& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
         ec == asio::error::broken_pipe || ec == asio::error::not_connected || ec == asio::ssl::error::stream_truncated;
}

error_code classify(error_code const& ec) {
  if (ec == beast::error::timeout) return errc::timeout;
  if (ec == http::error::body_limit) return errc::body_too_large;
  if (is_drop(ec)) return errc::connection_closed;
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) return errc::protocol;
  if (ec.category() == asio::error::get_ssl_category()) return errc::tls_failed;
  return errc::connection_closed;
}

bool valid_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == ':';
}

std::string host_header(Url const& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (url.port != (url.tls ? 443 : 80)) host += ":" + std::to_string(url.port);
  return host;
}

std::string pool_key(Url const& url) { return (url.tls ? "https://" : "http://") + host_header(url); }

http::request<http::string_body> make_request(std::string const& method, Url const& url, std::string& body,
                                              std::string const& content_type) {
  auto const verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) throw std::invalid_argument("unknown HTTP method '" + method + "'");
  http::request<http::string_body> req{verb, url.target, 11};
  req.set(http::field::host, host_header(url));
  req.set(http::field::user_agent, "talentbot");
  if (!body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch)
    req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

asio::ssl::context make_tls_context(HttpClientOptions const& options) {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  if (!options.verify_peer) {
    ctx.set_verify_mode(asio::ssl::verify_none);
    return ctx;
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  error_code ec;
  if (options.ca_file.empty()) ctx.set_default_verify_paths(ec);
  else ctx.load_verify_file(options.ca_file, ec);
  if (ec)
    throw std::runtime_error("cannot load TLS trust anchors" +
                             (options.ca_file.empty() ? std::string() : " from '" + options.ca_file + "'") + ": " +
                             ec.message());
  return ctx;
}

// SNI carries names only (RFC 6066); the certificate must match the name or the IP literal we dialled,
// checked by OpenSSL inside the chain verification so a mismatch fails the handshake.
bool set_peer_name(SSL* ssl, std::string const& host, bool verify) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  bool const is_ip = !ec;
  if (!is_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return false;
  if (!verify) return true;
  if (is_ip) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set1_host(ssl, host.c_str()) == 1;
}

struct Connection {
  Connection(asio::any_io_executor ex, asio::ssl::context* tls) {
    if (tls != nullptr) secure.emplace(ex, *tls);
    else plain.emplace(ex);
  }
  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  Clock::time_point idle_since{};
};

// A server that closed an idle keep-alive connection (or sent anything unasked) makes the socket
// readable; such a connection would fail on first use.
bool still_open(Connection& conn) {
  auto& socket = conn.tcp().socket();
  if (!socket.is_open() || conn.buffer.size() != 0) return false;
  pollfd pfd{socket.native_handle(), POLLIN | POLLRDHUP, 0};
  return ::poll(&pfd, 1, 0) == 0;
}

// The resolver cannot be interrupted (getaddrinfo runs on a helper thread and its handler waits for
// it), so the caller waits on a timer instead and leaves a late answer to this shared state.
struct PendingResolve {
  explicit PendingResolve(asio::any_io_executor const& ex) : resolver(ex), timer(ex) {}
  tcp::resolver resolver;
  asio::steady_timer timer;
  error_code ec;
  tcp::resolver::results_type results;
  bool done = false;
};

void start_resolve(std::shared_ptr<PendingResolve> const& pending, Url const& url, Clock::time_point until) {
  pending->timer.expires_at(until);
  pending->resolver.async_resolve(url.host, std::to_string(url.port),
                                  [pending](error_code ec, tcp::resolver::results_type results) {
                                    pending->ec = ec;
                                    pending->results = std::move(results);
                                    pending->done = true;
                                    pending->timer.cancel();
                                  });
}

struct Attempt {
  error_code ec;     // a net::errc
  error_code cause;  // what the transport said, for the log
  bool answer_started = false;
  bool keep_alive = false;
  ClientResponse response;
};

}  // namespace

boost::system::error_category const& net_category() noexcept {
  static Category const category;
  return category;
}

boost::system::result<Url> parse_url(std::string_view s) {
  auto const bad = make_error_code(errc::bad_url);
  auto const sep = s.find("://");
  if (sep == std::string_view::npos) return bad;
  std::string scheme(s.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  Url url;
  if (scheme == "https") url.tls = true;
  else if (scheme != "http") return bad;
  auto const rest = s.substr(sep + 3);
  auto const path_at = rest.find_first_of("/?#");
  auto const authority = rest.substr(0, path_at);
  auto tail = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  tail = tail.substr(0, tail.find('#'));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return bad;

  std::string_view host, port;
  if (authority.front() == '[') {
    auto const close = authority.find(']');
    if (close == std::string_view::npos) return bad;
    host = authority.substr(1, close - 1);
    auto const after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad;
      port = after.substr(1);
    }
    error_code ec;
    (void)asio::ip::make_address_v6(std::string(host), ec);
    if (ec) return bad;
  } else {
    auto const colon = authority.find(':');
    if (colon != authority.rfind(':')) return bad;  // an IPv6 literal must be bracketed
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad;
  }
  if (host.empty() || !std::all_of(host.begin(), host.end(), valid_host_char)) return bad;
  url.host = std::string(host);
  std::transform(url.host.begin(), url.host.end(), url.host.begin(), [](unsigned char c) { return std::tolower(c); });

  url.port = url.tls ? 443 : 80;
  if (!port.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535) return bad;
    url.port = static_cast<std::uint16_t>(value);
  }
  // Control characters and spaces in the target would let a caller forge a second request line.
  if (std::any_of(tail.begin(), tail.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
    return bad;
  url.target = tail.empty() ? "/" : tail.front() == '?' ? std::string("/").append(tail) : std::string(tail);
  return url;
}

bool is_loopback_host(std::string_view host) {
  if (host.size() == 9 && std::equal(host.begin(), host.end(), "localhost",
                                     [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
    return true;
  error_code ec;
  auto const address = asio::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
}

struct HttpClient::Impl {
  Impl(asio::any_io_executor ex, HttpClientOptions opts, Logger& logger)
      : executor(std::move(ex)), options(std::move(opts)), log(logger), tls(make_tls_context(options)) {}

  asio::any_io_executor executor;
  HttpClientOptions options;
  Logger& log;
  asio::ssl::context tls;
  mutable std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;

  std::unique_ptr<Connection> make_connection(bool secure) {
    return std::make_unique<Connection>(asio::make_strand(executor), secure ? &tls : nullptr);
  }

  std::unique_ptr<Connection> take_idle(std::string const& key) {
    std::vector<std::unique_ptr<Connection>> stale;  // closed outside the lock
    std::unique_ptr<Connection> found;
    {
      std::lock_guard lock(mutex);
      auto it = idle.find(key);
      if (it == idle.end()) return nullptr;
      auto const oldest_usable = Clock::now() - options.idle_timeout;
      while (!found && !it->second.empty()) {
        auto conn = std::move(it->second.back());
        it->second.pop_back();
        if (conn->idle_since >= oldest_usable && still_open(*conn)) found = std::move(conn);
        else stale.push_back(std::move(conn));
      }
    }
    return found;
  }

  void give_back(std::string const& key, std::unique_ptr<Connection> conn) {
    conn->idle_since = Clock::now();
    std::lock_guard lock(mutex);
    auto& list = idle[key];
    if (list.size() < options.max_idle_per_host) list.push_back(std::move(conn));
  }

  asio::awaitable<boost::system::result<std::vector<tcp::endpoint>>> resolve(Url const& url, Clock::time_point until);
  asio::awaitable<error_code> connect(Connection& conn, Url const& url, Clock::time_point deadline);
  template <class Stream>
  asio::awaitable<Attempt> exchange(Stream& stream, Connection& conn, http::request<http::string_body>& req,
                                    Clock::time_point deadline);
  asio::awaitable<Attempt> attempt(Connection& conn, bool fresh, Url const& url, http::request<http::string_body>& req,
                                   Clock::time_point deadline);

  // Logging stays out of coroutine bodies (g++ 12 and initializer lists).
  void note_tls_failure(std::string const& host, SSL* ssl, error_code const& cause) const {
    long const verify = SSL_get_verify_result(ssl);
    log.warn("http_client.tls_failed",
             {{"host", host},
              {"error", cause.message()},
              {"verify", verify == X509_V_OK ? "ok" : X509_verify_cert_error_string(verify)}});
  }
  void note_failure(Url const& url, Attempt const& a) const {
    auto const path = std::string_view(url.target).substr(0, url.target.find('?'));  // the query may hold a token
    log.debug("http_client.failed",
              {{"host", url.host}, {"path", path}, {"error", a.ec.message()}, {"cause", a.cause.message()}});
  }
  void note_stale(std::string const& key) const { log.debug("http_client.stale_connection", {{"origin", key}}); }
};

asio::awaitable<boost::system::result<std::vector<tcp::endpoint>>> HttpClient::Impl::resolve(Url const& url,
                                                                                             Clock::time_point until) {
  std::vector<tcp::endpoint> endpoints;
  error_code ec;
  auto const literal = asio::ip::make_address(url.host, ec);
  if (!ec) {
    endpoints.emplace_back(literal, url.port);
    co_return endpoints;
  }
  auto const executor = co_await asio::this_coro::executor;  // the connection's strand
  auto pending = std::make_shared<PendingResolve>(executor);
  start_resolve(pending, url, until);
  co_await pending->timer.async_wait(kAwait);
  if (!pending->done) {
    pending->resolver.cancel();
    co_return make_error_code(errc::timeout);
  }
  if (pending->ec) co_return make_error_code(errc::resolve_failed);
  for (auto const& entry : pending->results) {
    // "localhost" over plain http must really stay on this machine.
    if (!url.tls && !entry.endpoint().address().is_loopback()) continue;
    endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) co_return make_error_code(url.tls ? errc::resolve_failed : errc::insecure_url);
  co_return endpoints;
}

asio::awaitable<error_code> HttpClient::Impl::connect(Connection& conn, Url const& url, Clock::time_point deadline) {
  auto const until = std::min(deadline, Clock::now() + options.connect_timeout);
  auto endpoints = co_await resolve(url, until);
  if (!endpoints) co_return endpoints.error();
  auto& stream = conn.tcp();
  stream.expires_at(until);
  auto [ec, endpoint] = co_await stream.async_connect(*endpoints, kAwait);
  (void)endpoint;
  if (ec) co_return make_error_code(ec == beast::error::timeout ? errc::timeout : errc::connect_failed);
  error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  if (!conn.secure) co_return error_code{};

  SSL* ssl = conn.secure->native_handle();
  if (!set_peer_name(ssl, url.host, options.verify_peer)) co_return make_error_code(errc::tls_failed);
  stream.expires_at(until);
  auto [hec] = co_await conn.secure->async_handshake(asio::ssl::stream_base::client, kAwait);
  if (hec) {
    if (hec == beast::error::timeout) co_return make_error_code(errc::timeout);
    note_tls_failure(url.host, ssl, hec);
    co_return make_error_code(errc::tls_failed);
  }
  co_return error_code{};
}

template <class Stream>
asio::awaitable<Attempt> HttpClient::Impl::exchange(Stream& stream, Connection& conn,
                                                    http::request<http::string_body>& req, Clock::time_point deadline) {
  Attempt out;
  conn.tcp().expires_at(deadline);
  auto [wec, written] = co_await http::async_write(stream, req, kAwait);
  (void)written;
  if (wec) {
    out.cause = wec;
    out.ec = classify(wec);
    co_return out;
  }
  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(options.body_limit);
  if (req.method() == http::verb::head) parser.skip(true);
  auto [rec, read] = co_await http::async_read(stream, conn.buffer, parser, kAwait);
  (void)read;
  out.answer_started = parser.got_some();
  if (rec) {
    out.cause = rec;
    out.ec = classify(rec);
    co_return out;
  }
  conn.tcp().expires_never();
  auto& res = parser.get();
  out.response.status = res.result_int();
  if (auto it = res.find(http::field::content_type); it != res.end())
    out.response.content_type = std::string(it->value());
  // Bytes beyond the answer mean the server is out of step with us: do not reuse the connection.
  out.keep_alive = parser.keep_alive() && conn.buffer.size() == 0;
  out.response.body = std::move(res.body());
  co_return out;
}

asio::awaitable<Attempt> HttpClient::Impl::attempt(Connection& conn, bool fresh, Url const& url,
                                                   http::request<http::string_body>& req, Clock::time_point deadline) {
  if (fresh) {
    auto ec = co_await connect(conn, url, deadline);
    if (ec) {
      Attempt failed;
      failed.ec = ec;
      failed.cause = ec;
      co_return failed;
    }
  }
  if (conn.secure) co_return co_await exchange(*conn.secure, conn, req, deadline);
  co_return co_await exchange(*conn.plain, conn, req, deadline);
}

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientOptions options, Logger& log)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), log)) {}

HttpClient::~HttpClient() = default;

asio::awaitable<boost::system::result<ClientResponse>> HttpClient::request(std::string method, std::string url,
                                                                           std::string body, std::string content_type) {
  auto impl = impl_;  // a call in flight keeps the pool alive
  auto parsed = parse_url(url);
  if (!parsed) co_return parsed.error();
  if (!parsed->tls && !is_loopback_host(parsed->host)) co_return make_error_code(errc::insecure_url);
  auto req = make_request(method, *parsed, body, content_type);
  auto const key = pool_key(*parsed);
  auto const deadline = Clock::now() + impl->options.request_timeout;
  for (int round = 0;; ++round) {
    std::unique_ptr<Connection> conn;
    if (round == 0) conn = impl->take_idle(key);
    bool const reused = conn != nullptr;
    if (!conn) conn = impl->make_connection(parsed->tls);
    // All I/O of one connection runs on its strand, which also serialises Beast's timeout handler.
    auto strand = conn->tcp().get_executor();
    auto outcome =
        co_await asio::co_spawn(strand, impl->attempt(*conn, !reused, *parsed, req, deadline), asio::use_awaitable);
    if (outcome.ec == errc::connection_closed && reused && !outcome.answer_started && round == 0) {
      impl->note_stale(key);
      continue;
    }
    if (outcome.ec) {
      impl->note_failure(*parsed, outcome);
      co_return outcome.ec;
    }
    if (outcome.keep_alive) impl->give_back(key, std::move(conn));
    co_return std::move(outcome.response);
  }
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(impl_->mutex);
  std::size_t n = 0;
  for (auto const& [key, list] : impl_->idle) n += list.size();
  return n;
}

void HttpClient::close_idle() {
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> closing;
  std::lock_guard lock(impl_->mutex);
  closing.swap(impl_->idle);
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (plus_as_space && s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string, std::less<>> parse_query(std::string_view query) {
  std::map<std::string, std::string, std::less<>> out;
  while (!query.empty()) {
    auto const amp = query.find('&');
    auto const pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto const eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true);
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace talentbot::net
