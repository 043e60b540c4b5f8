#pragma once
// Decrypted WeCom callback XML → one normalised InboundMessage, and its compact JSON form for the
// Redis inbox stream. Pure: no I/O.

#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/wecom/crypto.hpp"

namespace talentbot::wecom {

// A callback body is small (text ≤ 2048 bytes plus framing); anything far larger is not WeCom.
inline constexpr std::size_t kMaxCallbackXmlBytes = 64 * 1024;

struct InboundMessage {
  std::string channel = "wecom";
  std::string user;    // FromUserName: the member's userid
  std::string msg_id;  // MsgId, or for events FromUserName:CreateTime:Event:EventKey[:TaskId]
  std::string kind;    // MsgType: text, image, voice, video, location, link, event, or other
  std::string text;    // Content, or the link's Title, or the location's Label
  std::string event, event_key, task_id, response_code, card_type;
  std::string media_id, pic_url, url;
  double latitude = 0, longitude = 0;
  std::int64_t created_at = 0;  // CreateTime, unix seconds
  std::string agent_id;

  bool operator==(const InboundMessage&) const = default;
};

// Parses the decrypted message XML. Rejects documents over max_bytes or with a DOCTYPE, and
// messages without FromUserName, MsgType, CreateTime, and MsgId (non-events) or Event (events).
boost::system::result<InboundMessage> parse_inbound(std::string_view decrypted_xml,
                                                    std::size_t max_bytes = kMaxCallbackXmlBytes);

// The base64 <Encrypt> of a POST callback body (<xml><ToUserName/><AgentID/><Encrypt/></xml>).
boost::system::result<std::string> extract_encrypt(std::string_view envelope_xml,
                                                   std::size_t max_bytes = kMaxCallbackXmlBytes);

// Events carry no MsgId: WeCom's retries of one event agree on these fields (wecom-protocol.md).
std::string event_dedupe_id(std::string_view user, std::int64_t created_at, std::string_view event,
                            std::string_view event_key, std::string_view task_id);

// Compact JSON (short keys, empty fields left out) for the inbox stream, and back.
std::string to_json(const InboundMessage& message);
boost::system::result<InboundMessage> from_json(std::string_view json);

}  // namespace talentbot::wecom
