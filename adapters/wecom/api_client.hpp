#pragma once
// Calls to the WeCom server API: the access token shared by all instances through Redis (one
// fetch at a time across instances, refreshed before it expires), WeCom's published rate limits
// as token buckets in Redis, and each answer classified as sent / retry later / give up.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "adapters/wecom/outbound.hpp"

namespace talentbot {
class Logger;
}
namespace talentbot::net {
class HttpClient;
}
namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::wecom {

struct ApiSettings {
  std::string api_base = "https://qyapi.weixin.qq.com";
  std::string corp_id;
  std::string secret;
  std::int64_t agent_id = 0;
  std::string webhook_key;  // group robot key, for Api::webhook_send
  std::chrono::seconds refresh_margin{300};  // a token is refreshed this long before it expires
  int member_per_minute = 30;                // message/send per member (WeCom drops the excess silently)
  int app_per_minute = 10'000;               // any API, per enterprise
};

enum class Verdict { sent, retry, wait, give_up };

struct ApiResult {
  Verdict verdict = Verdict::sent;
  long errcode = 0;
  std::string detail;                        // "errcode=45009 api freq out of limit" / "timeout"
  std::chrono::milliseconds retry_after{0};  // for retry and wait
  std::string response;                      // the answer body, when there was one
};

// How an answer is handled (wecom-protocol.md, "Error codes a client must handle"). Pure.
ApiResult classify(unsigned http_status, long errcode, std::string_view errmsg);

class ApiClient {
 public:
  ApiClient(net::HttpClient& http, storage::RedisClient& redis, ApiSettings settings, Logger& log);

  // Sends one stored request. On 40014/42001 the cached token is dropped, a new one fetched and
  // the identical request sent once more before answering.
  boost::asio::awaitable<ApiResult> call(OutboundRequest const& request);

  // The current access token (cached in Redis; fetched when missing or `stale` is the cached one).
  boost::asio::awaitable<boost::system::result<std::string>> access_token(std::string const& stale = {});

 private:
  boost::asio::awaitable<ApiResult> post(OutboundRequest const& request, std::string const& token);
  boost::asio::awaitable<boost::system::result<std::string>> fetch_token();
  boost::asio::awaitable<std::chrono::milliseconds> take_tokens(OutboundRequest const& request);

  net::HttpClient& http_;
  storage::RedisClient& redis_;
  ApiSettings settings_;
  Logger& log_;
};

}  // namespace talentbot::wecom
