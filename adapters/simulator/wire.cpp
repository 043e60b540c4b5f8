#include "adapters/simulator/wire.hpp"

#include "adapters/http_client.hpp"
#include "adapters/wecom/crypto.hpp"

namespace talentbot::sim {
namespace {

// CDATA cannot hold "]]>": WeCom's own samples split it across two sections the same way.
std::string cdata(std::string_view text) {
  std::string out = "<![CDATA[";
  for (std::size_t at = 0;;) {
    auto const end = text.find("]]>", at);
    if (end == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    out.append(text.substr(at, end - at)).append("]]]]><![CDATA[>");
    at = end + 3;
  }
  return out + "]]>";
}

// Built by appending: g++ 12 at -O3 reports a false -Wrestrict on "literal" + std::string&&.
std::string tagged(std::string_view name, std::string_view inner) {
  std::string out;
  out.append("<").append(name).append(">").append(inner).append("</").append(name).append(">");
  return out;
}

std::string element(std::string_view name, std::string_view text) { return tagged(name, cdata(text)); }

std::string number_element(std::string_view name, std::int64_t value) { return tagged(name, std::to_string(value)); }

}  // namespace

std::map<std::string, std::string, std::less<>> parse_query(std::string_view query) { return net::parse_query(query); }

std::string mask_query(std::string_view query) {
  std::string out;
  while (!query.empty()) {
    auto const amp = query.find('&');
    auto const pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto const key = pair.substr(0, pair.find('='));
    if (!out.empty()) out += '&';
    bool const secret = key == "access_token" || key == "corpsecret" || key == "key";
    out += secret ? std::string(key) + "=***" : std::string(pair);
  }
  return out;
}

std::string text_message_xml(std::string_view corp_id, std::string_view user, std::int64_t agent_id,
                             std::string_view content, std::int64_t msg_id, std::int64_t create_time) {
  return "<xml>" + element("ToUserName", corp_id) + element("FromUserName", user) +
         number_element("CreateTime", create_time) + element("MsgType", "text") + element("Content", content) +
         number_element("MsgId", msg_id) + number_element("AgentID", agent_id) + "</xml>";
}

std::string card_event_xml(std::string_view corp_id, std::string_view user, std::int64_t agent_id,
                           std::string_view task_id, std::string_view event_key, std::string_view response_code,
                           std::int64_t create_time) {
  return "<xml>" + element("ToUserName", corp_id) + element("FromUserName", user) +
         number_element("CreateTime", create_time) + element("MsgType", "event") +
         element("Event", "template_card_event") + element("EventKey", event_key) + element("TaskId", task_id) +
         element("CardType", "button_interaction") + element("ResponseCode", response_code) +
         number_element("AgentID", agent_id) + "</xml>";
}

Callback seal_callback(wecom::CallbackCrypto const& crypto, std::string_view bot_url, std::int64_t agent_id,
                       std::string_view plaintext_xml, std::string_view timestamp, std::string_view nonce) {
  auto const encrypted = crypto.encrypt(plaintext_xml);
  auto const signature = crypto.signature(timestamp, nonce, encrypted);
  Callback out;
  out.url = std::string(bot_url) + (bot_url.find('?') == std::string_view::npos ? "?" : "&") +
            "msg_signature=" + signature + "&timestamp=" + std::string(timestamp) + "&nonce=" + std::string(nonce);
  out.body = "<xml>" + element("ToUserName", crypto.receive_id()) + element("AgentID", std::to_string(agent_id)) +
             element("Encrypt", encrypted) + "</xml>";
  return out;
}

}  // namespace talentbot::sim
