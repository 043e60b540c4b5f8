#include "storage/redis.hpp"

#include <openssl/evp.h>

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

#include "storage/detail/connection.hpp"

namespace talentbot::storage {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// `a=1&b=2` → applies db / password.
bool apply_query(std::string_view query, RedisEndpoint& ep) {
  while (!query.empty()) {
    auto const amp = query.find('&');
    auto const item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto const eq = item.find('=');
    if (eq == std::string_view::npos) return false;
    auto const key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "db") {
      if (!parse_int(value, ep.db) || ep.db < 0) return false;
    } else if (key == "password") {
      ep.password = std::string(value);
    } else {
      return false;
    }
  }
  return true;
}

std::string sha1_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace

boost::system::result<RedisEndpoint> RedisEndpoint::parse(std::string_view url) {
  auto const bad = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  RedisEndpoint ep;
  if (url.starts_with("unix://")) {
    auto rest = url.substr(7);
    auto const q = rest.find('?');
    ep.unix_path = std::string(rest.substr(0, q));
    if (ep.unix_path.empty() || ep.unix_path.front() != '/') return bad;
    if (q != std::string_view::npos && !apply_query(rest.substr(q + 1), ep)) return bad;
    return ep;
  }
  if (!url.starts_with("redis://")) return bad;
  auto rest = url.substr(8);
  if (auto const at = rest.rfind('@'); at != std::string_view::npos) {
    auto const userinfo = rest.substr(0, at);
    auto const colon = userinfo.find(':');
    ep.password = std::string(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  auto const slash = rest.find('/');
  auto const hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    auto const db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_int(db, ep.db) || ep.db < 0)) return bad;
  }
  std::string_view host = hostport;
  if (auto const colon = hostport.rfind(':'); colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    host = hostport.substr(0, colon);
    int port = 0;
    if (!parse_int(hostport.substr(colon + 1), port) || port <= 0 || port > 65535) return bad;
    ep.port = static_cast<std::uint16_t>(port);
  }
  if (host.empty()) return bad;
  ep.host = std::string(host);
  return ep;
}

std::string RedisEndpoint::describe() const {
  std::string out = unix_path.empty() ? "redis://" + host + ":" + std::to_string(port) : "unix://" + unix_path;
  if (db != 0) out += (unix_path.empty() ? "/" : "?db=") + std::to_string(db);
  return out;
}

Script::Script(std::string source) : source_(std::move(source)), sha1_(sha1_hex(source_)) {}

RedisClient::RedisClient(asio::any_io_executor executor, RedisOptions options, Logger& log)
    : impl_(std::make_shared<detail::Connection>(std::move(executor), std::move(options), log)) {}

RedisClient::~RedisClient() { impl_->cancel(); }

void RedisClient::start() { impl_->start(); }
void RedisClient::cancel() { impl_->cancel(); }
bool RedisClient::connected() const { return impl_->connected(); }
RedisStats RedisClient::stats() const { return impl_->stats(); }

asio::awaitable<boost::system::result<Reply>> RedisClient::command(Args args) {
  return command(std::move(args), impl_->default_policy());
}

asio::awaitable<boost::system::result<Reply>> RedisClient::command(Args args, CallPolicy policy) {
  constexpr auto token = asio::as_tuple(asio::use_awaitable);
  auto [ec, reply] = co_await asio::async_initiate<decltype(token), void(error_code, Reply)>(
      // A raw pointer on purpose: g++ 12 destroys temporaries inside a co_await expression twice,
      // so this lambda must not own anything (the client keeps the connection alive).
      [impl = impl_.get(), &args, policy](auto handler) {
        impl->submit(std::move(args), policy, detail::posting(std::move(handler)));
      },
      token);
  if (ec) co_return ec;
  co_return std::move(reply);
}

asio::awaitable<boost::system::result<Reply>> RedisClient::eval(Script const& script, Args keys, Args argv) {
  auto build = [&](char const* verb, std::string const& body) {
    Args out = args(verb, body, std::to_string(keys.size()));
    out.insert(out.end(), keys.begin(), keys.end());
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  };
  auto r = co_await command(build("EVALSHA", script.sha1()));
  if (r && r->is_error() && r->str.starts_with("NOSCRIPT")) r = co_await command(build("EVAL", script.source()));
  co_return r;
}

}  // namespace talentbot::storage
