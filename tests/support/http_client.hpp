#pragma once
// A small blocking HTTP/1.1 client over a real TCP socket, for tests: it sends exactly the bytes
// a test wants (including broken or trickled requests) and reads responses by Content-Length.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace talentbot::test {

struct HttpReply {
  int status = 0;
  std::string headers;  // raw header block, lower-cased names
  std::string body;
  bool keep_alive = true;
};

class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpConnection();
  HttpConnection(HttpConnection const&) = delete;
  HttpConnection& operator=(HttpConnection const&) = delete;

  bool send_raw(std::string const& bytes);
  std::optional<HttpReply> read_reply();
  std::optional<HttpReply> request(std::string const& method, std::string const& target, std::string const& body = {},
                                   std::string const& extra_headers = {});
  // True when the server closed the connection (a read returns EOF or reset) within `wait`.
  bool closed_by_peer(std::chrono::milliseconds wait);
  bool connected() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
std::optional<HttpReply> http_request(std::uint16_t port, std::string const& method, std::string const& target,
                                      std::string const& body = {});

// Polls GET `path` until it answers `status` (e.g. /readyz 200 once the server reaches Redis).
bool eventually_status(std::uint16_t port, char const* path, int status,
                       std::chrono::milliseconds limit = std::chrono::seconds(10));

}  // namespace talentbot::test
