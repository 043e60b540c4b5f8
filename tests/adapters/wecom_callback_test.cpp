// The callback route's pure core: URL verification and message callbacks, against the published
// vectors, with the HTTP status each kind of bad request gets.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/wecom/callback.hpp"

namespace talentbot::wecom {
namespace {

using nlohmann::json;

json const& vectors() {
  static json const all = [] {
    std::ifstream in(TALENTBOT_SOURCE_DIR "/tests/adapters/data/wecom_vectors.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
  }();
  return all;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

CallbackCrypto crypto_of(json const& v, std::string receive_id = {}) {
  return CallbackCrypto::create(v["token"], v["encoding_aes_key"].get<std::string>(),
                                receive_id.empty() ? v["receive_id"].get<std::string>() : receive_id)
      .value();
}

std::string envelope(json const& v) {
  return "<xml><ToUserName><![CDATA[" + v["receive_id"].get<std::string>() +
         "]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[" +
         v["encrypt"].get<std::string>() + "]]></Encrypt></xml>";
}

std::string query_of(json const& v, bool with_echostr) {
  std::string q = "msg_signature=" + v["msg_signature"].get<std::string>() +
                  "&timestamp=" + v["timestamp"].get<std::string>() + "&nonce=" + v["nonce"].get<std::string>();
  if (with_echostr) q += "&echostr=" + url_encode(v["encrypt"].get<std::string>());
  return q;
}

TEST(WecomCallback, QueryIsPercentDecodedWithoutTurningPlusIntoSpace) {
  auto q = parse_callback_query("msg_signature=abc&timestamp=1&nonce=2&echostr=a%2Bb%2F%3D+c&other=x");
  EXPECT_EQ(q.msg_signature, "abc");
  EXPECT_EQ(q.echostr, "a+b/=+c");
}

TEST(WecomCallback, OfficialUrlVerificationAnswersThePlainEchostr) {
  for (auto const& v : vectors()) {
    if (v["kind"] != "url_verify" || v.contains("expect")) continue;
    auto out = verify_url(crypto_of(v), parse_callback_query(query_of(v, true)));
    EXPECT_EQ(out.http_status, 200u) << v["name"];
    EXPECT_EQ(out.body, v["plaintext"].get<std::string>());
  }
}

TEST(WecomCallback, EveryMessageVectorOpensToItsMessage) {
  int opened = 0;
  for (auto const& v : vectors()) {
    if (v["kind"] == "url_verify" || v.contains("expect")) continue;
    auto out = open_callback(crypto_of(v), parse_callback_query(query_of(v, false)), envelope(v));
    ASSERT_EQ(out.http_status, 200u) << v["name"] << " " << out.reason;
    ASSERT_TRUE(out.message);
    EXPECT_EQ(*out.message, parse_inbound(v["plaintext"].get<std::string>()).value());
    ++opened;
  }
  EXPECT_GT(opened, 5);
}

TEST(WecomCallback, WrongSignatureIs401) {
  auto const& v = vectors().at(1);
  auto q = parse_callback_query(query_of(v, false));
  q.msg_signature[0] = q.msg_signature[0] == 'a' ? 'b' : 'a';
  auto out = open_callback(crypto_of(v), q, envelope(v));
  EXPECT_EQ(out.http_status, 401u);
  EXPECT_FALSE(out.message);
  EXPECT_EQ(out.reason, "signature mismatch");
}

TEST(WecomCallback, ForeignCorpIdIs400) {
  auto const& v = vectors().at(1);
  auto out = open_callback(crypto_of(v, "ww_someone_else"), parse_callback_query(query_of(v, false)), envelope(v));
  EXPECT_EQ(out.http_status, 400u);
  EXPECT_FALSE(out.message);
}

TEST(WecomCallback, BrokenEnvelopeAndMissingParametersAre400) {
  auto const& v = vectors().at(1);
  auto crypto = crypto_of(v);
  EXPECT_EQ(open_callback(crypto, parse_callback_query(query_of(v, false)), "<xml><Encrypt>").http_status, 400u);
  EXPECT_EQ(open_callback(crypto, parse_callback_query(query_of(v, false)), "not xml at all").http_status, 400u);
  EXPECT_EQ(open_callback(crypto, parse_callback_query("timestamp=1&nonce=2"), envelope(v)).http_status, 400u);
  EXPECT_EQ(verify_url(crypto, parse_callback_query("msg_signature=a&timestamp=1")).http_status, 400u);
}

TEST(WecomCallback, SignedButUndecryptableBodyIs400) {
  auto const& v = vectors().at(1);
  auto crypto = crypto_of(v);
  std::string const garbage = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  auto const sig = crypto.signature(v["timestamp"].get<std::string>(), v["nonce"].get<std::string>(), garbage);
  std::string body = "<xml><Encrypt><![CDATA[" + garbage + "]]></Encrypt></xml>";
  auto q = parse_callback_query("msg_signature=" + sig + "&timestamp=" + v["timestamp"].get<std::string>() +
                                "&nonce=" + v["nonce"].get<std::string>());
  EXPECT_EQ(open_callback(crypto, q, body).http_status, 400u);
}

TEST(WecomCallback, SignedMalformedMessageXmlIs400) {
  auto const& v = vectors().at(1);
  auto crypto = crypto_of(v);
  auto const encrypt = crypto.encrypt("<xml><FromUserName>oops</xml>");
  auto const sig = crypto.signature("1", "2", encrypt);
  auto out = open_callback(crypto, parse_callback_query("msg_signature=" + sig + "&timestamp=1&nonce=2"),
                           "<xml><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>");
  EXPECT_EQ(out.http_status, 400u);
}

}  // namespace
}  // namespace talentbot::wecom
