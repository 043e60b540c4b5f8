#pragma once
// The bytes the simulator exchanges: query strings of API calls, and the encrypted, signed callbacks
// it posts to the bot exactly as WeCom does (wecom-protocol.md, "Message callbacks"). Pure.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace talentbot::wecom {
class CallbackCrypto;
}

namespace talentbot::sim {

// Decoded key=value pairs (percent-escapes and '+' undone); the first of repeated keys wins.
std::map<std::string, std::string, std::less<>> parse_query(std::string_view query);
// The query with the values of access_token, corpsecret and key replaced by "***", for records.
std::string mask_query(std::string_view query);

struct Callback {
  std::string url;   // bot URL plus msg_signature, timestamp and nonce
  std::string body;  // <xml><ToUserName/><AgentID/><Encrypt/></xml>
};

// The decrypted message XML of a member's text message.
std::string text_message_xml(std::string_view corp_id, std::string_view user, std::int64_t agent_id,
                             std::string_view content, std::int64_t msg_id, std::int64_t create_time);
// The decrypted XML of a click on a template card button (Event template_card_event).
std::string card_event_xml(std::string_view corp_id, std::string_view user, std::int64_t agent_id,
                           std::string_view task_id, std::string_view event_key, std::string_view response_code,
                           std::int64_t create_time);

// Encrypts and signs `plaintext_xml` into what WeCom POSTs to the callback URL.
Callback seal_callback(wecom::CallbackCrypto const& crypto, std::string_view bot_url, std::int64_t agent_id,
                       std::string_view plaintext_xml, std::string_view timestamp, std::string_view nonce);

}  // namespace talentbot::sim
