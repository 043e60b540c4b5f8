// net::HttpClient over real loopback sockets: against bot::HttpServer, a scripted server that drops
// connections, and a TLS server with a certificate made for the test.
#include "adapters/http_client.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "bot/http.hpp"
#include "bot/metrics.hpp"
#include "storage/log.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run.hpp"

namespace talentbot::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;
using Result = boost::system::result<ClientResponse>;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

asio::awaitable<Result> fetch(HttpClient& client, std::string method, std::string url, std::string body) {
  co_return co_await client.request(std::move(method), std::move(url), std::move(body));
}

// A server on its own io_context and thread, stopped by the destructor.
class BackgroundServer {
 public:
  BackgroundServer() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  virtual ~BackgroundServer() = default;
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_; }

 protected:
  void run() {
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run_for(30s); });
  }
  void stop() {
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }
  virtual asio::awaitable<void> session(tcp::socket socket, int number) = 0;

  asio::io_context ioc_;

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kAwait);
      if (ec) co_return;
      int const number = accepted_++;
      asio::co_spawn(ioc_, session(std::move(socket), number), asio::detached);
    }
  }
  tcp::acceptor acceptor_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

http::response<http::string_body> ok_response(unsigned version, bool keep_alive, std::string body) {
  http::response<http::string_body> res{http::status::ok, version};
  res.set(http::field::content_type, "text/plain");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Answers every request with "ok", except that it closes its first connection, unanswered, when the
// second request arrives there: a keep-alive connection that died between two uses.
class ScriptedServer : public BackgroundServer {
 public:
  ScriptedServer() { run(); }
  ~ScriptedServer() override { stop(); }

 private:
  asio::awaitable<void> session(tcp::socket socket, int number) override {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (int served = 0;; ++served) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, kAwait);
      if (ec || (number == 0 && served == 1)) co_return;
      auto res = ok_response(req.version(), true, "ok");
      co_await http::async_write(stream, res, kAwait);
    }
  }
};

struct TestCert {
  std::string cert_pem, key_pem;
};

std::string to_pem(auto write) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio);
  char* data = nullptr;
  long const size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

// A self-signed certificate for `dns_name`, made with OpenSSL at test time so nothing expires in git.
TestCert make_cert(std::string const& dns_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<unsigned char const*>(dns_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  std::string const san = "DNS:" + dns_name;
  for (auto [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
        std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign"},
        std::pair{NID_subject_key_identifier, "hash"}, std::pair{NID_subject_alt_name, san.c_str()}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  TestCert cert{to_pem([&](BIO* b) { PEM_write_bio_X509(b, x); }),
                to_pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); })};
  X509_free(x);
  EVP_PKEY_free(key);
  return cert;
}

class TlsServer : public BackgroundServer {
 public:
  explicit TlsServer(TestCert const& cert) : tls_(asio::ssl::context::tls_server) {
    tls_.use_certificate_chain(asio::buffer(cert.cert_pem));
    tls_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
    run();
  }
  ~TlsServer() override { stop(); }
  std::string sni() {
    std::lock_guard lock(mutex_);
    return sni_;
  }

 private:
  void record_sni(SSL* ssl) {
    char const* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    std::lock_guard lock(mutex_);
    sni_ = name != nullptr ? name : "(none)";
  }
  asio::awaitable<void> session(tcp::socket socket, int) override {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls_);
    beast::get_lowest_layer(stream).expires_after(5s);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAwait);
    if (hec) co_return;
    record_sni(stream.native_handle());
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, kAwait);
      if (ec) co_return;
      auto res = ok_response(req.version(), req.keep_alive(), "secure hello");
      co_await http::async_write(stream, res, kAwait);
    }
  }
  asio::ssl::context tls_;
  std::mutex mutex_;
  std::string sni_;
};

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientTest() : router(metrics) {
    router.add("GET", "/hello", [](bot::HttpRequest&) -> asio::awaitable<bot::HttpResponse> {
      co_return bot::HttpResponse::text(200, "hello");
    });
    router.add("POST", "/echo", [](bot::HttpRequest& req) -> asio::awaitable<bot::HttpResponse> {
      bot::HttpResponse r = bot::HttpResponse::text(201, req.body);
      r.content_type = req.content_type;
      co_return r;
    });
    router.add("GET", "/slow", [](bot::HttpRequest&) -> asio::awaitable<bot::HttpResponse> {
      asio::steady_timer t(co_await asio::this_coro::executor, 2s);
      co_await t.async_wait(kAwait);
      co_return bot::HttpResponse::text(200, "late");
    });
  }
  ~HttpClientTest() override {
    server_ioc.stop();
    if (server_thread.joinable()) server_thread.join();
  }

  void start_server(config::ServerConfig cfg = {}) {
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    server = std::make_unique<bot::HttpServer>(server_ioc, cfg, router, log, metrics, false);
    port = server->start();
    server_thread = std::thread([this] { server_ioc.run_for(30s); });
  }
  std::string url(std::string const& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }
  Result call(HttpClient& client, std::string method, std::string target, std::string body = {}) {
    return test::run_for(ioc, fetch(client, std::move(method), std::move(target), std::move(body)));
  }

  Logger log{LogLevel::warn};
  bot::Metrics metrics;
  bot::Router router;
  asio::io_context server_ioc;
  std::unique_ptr<bot::HttpServer> server;
  std::thread server_thread;
  std::uint16_t port = 0;
  asio::io_context ioc;
};

TEST_F(HttpClientTest, GetAndPostReturnStatusBodyAndContentType) {
  start_server();
  HttpClient client(ioc.get_executor(), {}, log);
  auto got = call(client, "GET", url("/hello"));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->status, 200u);
  EXPECT_EQ(got->body, "hello");
  EXPECT_EQ(got->content_type, "text/plain; charset=utf-8");

  auto posted = call(client, "POST", url("/echo"), R"({"text":"落户需要什么材料"})");
  ASSERT_TRUE(posted) << posted.error().message();
  EXPECT_EQ(posted->status, 201u);
  EXPECT_EQ(posted->body, R"({"text":"落户需要什么材料"})");
  EXPECT_EQ(posted->content_type, "application/json");
}

TEST_F(HttpClientTest, KeepAliveReusesOneConnection) {
  start_server();
  HttpClient client(ioc.get_executor(), {}, log);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(call(client, "GET", url("/hello")));
  EXPECT_EQ(client.idle_connections(), 1u);
  EXPECT_EQ(server->open_connections(), 1u);  // five requests, one connection on the server side
}

TEST_F(HttpClientTest, ConnectionTheServerClosedWhileIdleIsNotReused) {
  config::ServerConfig cfg;
  cfg.read_timeout = 150ms;  // the server drops idle keep-alive connections after this
  start_server(cfg);
  HttpClient client(ioc.get_executor(), {}, log);
  ASSERT_TRUE(call(client, "GET", url("/hello")));
  std::this_thread::sleep_for(400ms);
  auto again = call(client, "GET", url("/hello"));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->body, "hello");
}

TEST_F(HttpClientTest, StalePooledConnectionIsRetriedOnceOnAFreshOne) {
  ScriptedServer scripted;
  HttpClient client(ioc.get_executor(), {}, log);
  auto const target = "http://127.0.0.1:" + std::to_string(scripted.port()) + "/";
  ASSERT_TRUE(call(client, "GET", target));
  auto second = call(client, "GET", target);  // the pooled connection dies under this request
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->body, "ok");
  EXPECT_EQ(scripted.accepted(), 2);
}

TEST_F(HttpClientTest, SlowHandlerTimesOut) {
  start_server();
  HttpClientOptions options;
  options.request_timeout = 300ms;
  HttpClient client(ioc.get_executor(), options, log);
  auto const started = std::chrono::steady_clock::now();
  auto got = call(client, "GET", url("/slow"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), make_error_code(errc::timeout));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_EQ(client.idle_connections(), 0u);  // a timed-out connection is never pooled
}

TEST_F(HttpClientTest, RefusedConnectionIsConnectFailed) {
  std::uint16_t closed_port = 0;
  {
    tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  HttpClient client(ioc.get_executor(), {}, log);
  auto got = call(client, "GET", "http://127.0.0.1:" + std::to_string(closed_port) + "/");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), make_error_code(errc::connect_failed));
}

TEST_F(HttpClientTest, PlainHttpIsRefusedForNonLoopbackHosts) {
  HttpClient client(ioc.get_executor(), {}, log);
  for (char const* target : {"http://qyapi.weixin.qq.com/cgi-bin/gettoken", "http://10.0.0.1/",
                             "http://127.evil.example/", "http://[fe80::1]/"}) {
    auto got = call(client, "GET", target);
    ASSERT_FALSE(got) << target;
    EXPECT_EQ(got.error(), make_error_code(errc::insecure_url)) << target;
  }
  auto bad = call(client, "GET", "ftp://127.0.0.1/");
  EXPECT_EQ(bad.error(), make_error_code(errc::bad_url));
}

TEST_F(HttpClientTest, LocalhostOverPlainHttpIsAllowed) {
  start_server();
  HttpClient client(ioc.get_executor(), {}, log);
  auto got = call(client, "GET", "http://localhost:" + std::to_string(port) + "/hello");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->body, "hello");
}

TEST(ParseUrl, SplitsSchemeHostPortAndTarget) {
  auto u = parse_url("https://QYAPI.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=s#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "qyapi.weixin.qq.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/cgi-bin/gettoken?corpid=ww1&corpsecret=s");
  auto v6 = parse_url("http://[::1]:8090?x=1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8090);
  EXPECT_EQ(v6->target, "/?x=1");
  for (char const* bad :
       {"qyapi.weixin.qq.com/x", "https://", "https://user:pw@host/", "http://host:0/", "http://host:99999/",
        "http://::1/", "http://host/a b", "http://host/a\r\nX: y", "http://[::1/"})
    EXPECT_FALSE(parse_url(bad)) << bad;
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.8.9.10"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("LocalHost"));
  EXPECT_FALSE(is_loopback_host("127.evil.example"));
  EXPECT_FALSE(is_loopback_host("localhost.evil.example"));
}

class HttpsTest : public HttpClientTest {
 protected:
  HttpsTest() : dir(test::make_temp_dir()), cert(make_cert("localhost")), tls(cert) {
    ca_file = dir + "/ca.pem";
    std::ofstream(ca_file) << cert.cert_pem;
  }
  ~HttpsTest() override { std::filesystem::remove_all(dir); }
  std::string https(std::string const& host) const {
    return "https://" + host + ":" + std::to_string(tls.port()) + "/hello";
  }
  std::string dir;
  TestCert cert;
  TlsServer tls;
  std::string ca_file;
};

TEST_F(HttpsTest, UnknownCertificateAuthorityFailsVerification) {
  HttpClient client(ioc.get_executor(), {}, log);  // the system trust store does not know our CA
  auto got = call(client, "GET", https("localhost"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), make_error_code(errc::tls_failed));
}

TEST_F(HttpsTest, TrustedCaAndMatchingHostNameSucceedWithSniAndReuse) {
  HttpClientOptions options;
  options.ca_file = ca_file;
  HttpClient client(ioc.get_executor(), options, log);
  for (int i = 0; i < 3; ++i) {
    auto got = call(client, "GET", https("localhost"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->body, "secure hello");
  }
  EXPECT_EQ(tls.sni(), "localhost");
  EXPECT_EQ(tls.accepted(), 1);
}

TEST_F(HttpsTest, CertificateForAnotherHostNameFailsVerification) {
  // A trusted certificate, but issued to someone else: the name we dialled must be in it.
  auto const other = make_cert("qyapi.weixin.qq.com");
  TlsServer impostor(other);
  std::ofstream(dir + "/other.pem") << other.cert_pem;
  HttpClientOptions options;
  options.ca_file = dir + "/other.pem";
  HttpClient client(ioc.get_executor(), options, log);
  auto got = call(client, "GET", "https://localhost:" + std::to_string(impostor.port()) + "/hello");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), make_error_code(errc::tls_failed));

  options.ca_file = ca_file;
  HttpClient trusting(ioc.get_executor(), options, log);
  auto by_ip = call(trusting, "GET", https("127.0.0.1"));  // our certificate names localhost, not the IP
  ASSERT_FALSE(by_ip);
  EXPECT_EQ(by_ip.error(), make_error_code(errc::tls_failed));
}

TEST(HttpClientOptionsTest, MissingCaFileIsAStartupError) {
  asio::io_context ioc;
  Logger log{LogLevel::off};
  HttpClientOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(HttpClient(ioc.get_executor(), options, log), std::runtime_error);
}

}  // namespace
}  // namespace talentbot::net
