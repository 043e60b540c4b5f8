#include "adapters/wecom/callback.hpp"

#include "adapters/http_client.hpp"

namespace talentbot::wecom {
namespace {

CallbackOutcome refuse(unsigned status, std::string reason) {
  CallbackOutcome o;
  o.http_status = status;
  o.reason = std::move(reason);
  return o;
}

// Maps a crypto/XML failure to the HTTP answer: a signature that does not match is an
// authentication failure (401); everything else is a malformed request (400).
CallbackOutcome refuse_for(boost::system::error_code ec) {
  if (ec == errc::signature_mismatch) return refuse(401, "signature mismatch");
  if (ec == errc::xml_too_large) return refuse(413, "message XML too large");
  return refuse(400, ec.message());
}

}  // namespace

CallbackQuery parse_callback_query(std::string_view query) {
  CallbackQuery q;
  while (!query.empty()) {
    auto const amp = query.find('&');
    auto const item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto const eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    auto const key = item.substr(0, eq);
    auto value = net::percent_decode(item.substr(eq + 1));
    if (key == "msg_signature") q.msg_signature = std::move(value);
    else if (key == "timestamp") q.timestamp = std::move(value);
    else if (key == "nonce") q.nonce = std::move(value);
    else if (key == "echostr") q.echostr = std::move(value);
  }
  return q;
}

CallbackOutcome verify_url(CallbackCrypto const& crypto, CallbackQuery const& query) {
  if (query.msg_signature.empty() || query.timestamp.empty() || query.nonce.empty() || query.echostr.empty())
    return refuse(400, "missing msg_signature, timestamp, nonce or echostr");
  auto plain = crypto.verify_and_decrypt(query.msg_signature, query.timestamp, query.nonce, query.echostr);
  if (!plain) return refuse_for(plain.error());
  CallbackOutcome o;
  o.body = std::move(*plain);
  return o;
}

CallbackOutcome open_callback(CallbackCrypto const& crypto, CallbackQuery const& query, std::string_view body) {
  if (query.msg_signature.empty() || query.timestamp.empty() || query.nonce.empty())
    return refuse(400, "missing msg_signature, timestamp or nonce");
  auto encrypt = extract_encrypt(body);
  if (!encrypt) return refuse_for(encrypt.error());
  auto plain = crypto.verify_and_decrypt(query.msg_signature, query.timestamp, query.nonce, *encrypt);
  if (!plain) return refuse_for(plain.error());
  auto message = parse_inbound(*plain);
  if (!message) return refuse_for(message.error());
  CallbackOutcome o;
  o.message = std::move(*message);
  return o;
}

}  // namespace talentbot::wecom
