#include "tests/support/http_client.hpp"

#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace talentbot::test {

HttpConnection::HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::send_raw(std::string const& bytes) {
  if (fd_ < 0) return false;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<HttpReply> HttpConnection::read_reply() {
  if (fd_ < 0) return std::nullopt;
  char chunk[8192];
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  HttpReply reply;
  std::string head = buffer_.substr(0, header_end);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  reply.status = std::stoi(head.substr(9, 3));
  reply.headers = head;
  std::size_t length = 0;
  if (auto p = head.find("content-length:"); p != std::string::npos) length = std::stoul(head.substr(p + 15));
  reply.keep_alive = head.find("connection: close") == std::string::npos;
  while (buffer_.size() < header_end + 4 + length) {
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  reply.body = buffer_.substr(header_end + 4, length);
  buffer_.erase(0, header_end + 4 + length);
  return reply;
}

std::optional<HttpReply> HttpConnection::request(std::string const& method, std::string const& target,
                                                 std::string const& body, std::string const& extra_headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!send_raw(req)) return std::nullopt;
  return read_reply();
}

bool HttpConnection::closed_by_peer(std::chrono::milliseconds wait) {
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char c;
  auto n = ::recv(fd_, &c, 1, MSG_PEEK);
  return n <= 0;
}

std::optional<HttpReply> http_request(std::uint16_t port, std::string const& method, std::string const& target,
                                      std::string const& body) {
  HttpConnection c(port);
  return c.request(method, target, body);
}

bool eventually_status(std::uint16_t port, char const* path, int status, std::chrono::milliseconds limit) {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = http_request(port, "GET", path);
    if (r && r->status == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace talentbot::test
