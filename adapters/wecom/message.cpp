#include "adapters/wecom/message.hpp"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace talentbot::wecom {
namespace {

// parse_doctype only so that a DOCTYPE shows up as a node we can reject: pugixml never expands
// entities beyond the five predefined ones and never loads external ones, but a callback has no
// business carrying a DTD at all (XXE / billion-laughs probes).
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_doctype;

boost::system::result<pugi::xml_node> load_xml(pugi::xml_document& doc, std::string_view xml,
                                               std::size_t max_bytes) {
  if (xml.size() > max_bytes) return make_error_code(errc::xml_too_large);
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) return make_error_code(errc::xml_parse_failed);
  for (const pugi::xml_node node : doc.children()) {
    if (node.type() == pugi::node_doctype) return make_error_code(errc::xml_doctype_forbidden);
  }
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "xml") return make_error_code(errc::xml_parse_failed);
  return root;
}

// All text of a child element: a sender escapes "]]>" inside a value by splitting the CDATA
// section, so a value can span several text nodes.
std::string field(pugi::xml_node parent, const char* name) {
  std::string out;
  for (const pugi::xml_node part : parent.child(name).children()) {
    if (part.type() == pugi::node_pcdata || part.type() == pugi::node_cdata) out += part.value();
  }
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  text = trim(text);
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// An absent coordinate stays 0; a present one must be a number.
bool read_coordinate(pugi::xml_node root, const char* name, double& out) {
  const std::string text = field(root, name);
  return trim(text).empty() || parse_number(text, out);
}

// Short keys keep each inbox stream entry small; they are the stored format, so never rename one.
namespace key {
constexpr const char* kChannel = "ch";
constexpr const char* kUser = "u";
constexpr const char* kMsgId = "id";
constexpr const char* kKind = "k";
constexpr const char* kText = "t";
constexpr const char* kEvent = "ev";
constexpr const char* kEventKey = "ek";
constexpr const char* kTaskId = "tid";
constexpr const char* kResponseCode = "rc";
constexpr const char* kCardType = "ct";
constexpr const char* kMediaId = "mid";
constexpr const char* kPicUrl = "pic";
constexpr const char* kUrl = "url";
constexpr const char* kLatitude = "lat";
constexpr const char* kLongitude = "lon";
constexpr const char* kCreatedAt = "at";
constexpr const char* kAgentId = "ag";
}  // namespace key

void put(nlohmann::json& j, const char* name, const std::string& value) {
  if (!value.empty()) j[name] = value;
}

// false when the key is present with the wrong type; an absent key leaves out untouched.
bool get(const nlohmann::json& j, const char* name, std::string& out) {
  const auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool get(const nlohmann::json& j, const char* name, double& out) {
  const auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_number()) return false;
  out = it->get<double>();
  return true;
}

bool get(const nlohmann::json& j, const char* name, std::int64_t& out) {
  const auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_number_integer()) return false;
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return false;
  }
  out = it->get<std::int64_t>();
  return true;
}

}  // namespace

std::string event_dedupe_id(std::string_view user, std::int64_t created_at, std::string_view event,
                            std::string_view event_key, std::string_view task_id) {
  std::string id;
  id.reserve(user.size() + event.size() + event_key.size() + task_id.size() + 24);
  id.append(user).append(":").append(std::to_string(created_at)).append(":");
  id.append(event).append(":").append(event_key);
  if (!task_id.empty()) id.append(":").append(task_id);
  return id;
}

boost::system::result<InboundMessage> parse_inbound(std::string_view decrypted_xml,
                                                    std::size_t max_bytes) {
  pugi::xml_document doc;
  auto root = load_xml(doc, decrypted_xml, max_bytes);
  if (!root) return root.error();

  InboundMessage m;
  m.user = field(*root, "FromUserName");
  m.kind = field(*root, "MsgType");
  const std::string create_time = field(*root, "CreateTime");
  if (m.user.empty() || m.kind.empty() || trim(create_time).empty()) {
    return make_error_code(errc::missing_field);
  }
  if (!parse_number(create_time, m.created_at) || m.created_at < 0) {
    return make_error_code(errc::bad_field);
  }
  m.agent_id = std::string(trim(field(*root, "AgentID")));
  m.media_id = field(*root, "MediaId");
  m.pic_url = field(*root, "PicUrl");
  m.url = field(*root, "Url");

  if (m.kind == "event") {
    m.event = field(*root, "Event");
    if (m.event.empty()) return make_error_code(errc::missing_field);
    m.event_key = field(*root, "EventKey");
    m.task_id = field(*root, "TaskId");
    m.response_code = field(*root, "ResponseCode");
    m.card_type = field(*root, "CardType");
    if (!read_coordinate(*root, "Latitude", m.latitude) ||
        !read_coordinate(*root, "Longitude", m.longitude)) {
      return make_error_code(errc::bad_field);
    }
    m.msg_id = event_dedupe_id(m.user, m.created_at, m.event, m.event_key, m.task_id);
    return m;
  }

  // Every non-event message type carries a MsgId, and WeCom's retries are deduplicated on it.
  m.msg_id = std::string(trim(field(*root, "MsgId")));
  if (m.msg_id.empty()) return make_error_code(errc::missing_field);
  if (m.kind == "text") {
    m.text = field(*root, "Content");
  } else if (m.kind == "link") {
    m.text = field(*root, "Title");
  } else if (m.kind == "location") {
    m.text = field(*root, "Label");
    // Location_X is the latitude, Location_Y the longitude.
    if (!read_coordinate(*root, "Location_X", m.latitude) ||
        !read_coordinate(*root, "Location_Y", m.longitude)) {
      return make_error_code(errc::bad_field);
    }
  }
  return m;
}

boost::system::result<std::string> extract_encrypt(std::string_view envelope_xml,
                                                   std::size_t max_bytes) {
  pugi::xml_document doc;
  auto root = load_xml(doc, envelope_xml, max_bytes);
  if (!root) return root.error();
  std::string encrypt = field(*root, "Encrypt");
  if (encrypt.empty()) return make_error_code(errc::missing_field);
  return encrypt;
}

std::string to_json(const InboundMessage& m) {
  nlohmann::json j = nlohmann::json::object();
  put(j, key::kChannel, m.channel);
  put(j, key::kUser, m.user);
  put(j, key::kMsgId, m.msg_id);
  put(j, key::kKind, m.kind);
  put(j, key::kText, m.text);
  put(j, key::kEvent, m.event);
  put(j, key::kEventKey, m.event_key);
  put(j, key::kTaskId, m.task_id);
  put(j, key::kResponseCode, m.response_code);
  put(j, key::kCardType, m.card_type);
  put(j, key::kMediaId, m.media_id);
  put(j, key::kPicUrl, m.pic_url);
  put(j, key::kUrl, m.url);
  if (m.latitude != 0) j[key::kLatitude] = m.latitude;
  if (m.longitude != 0) j[key::kLongitude] = m.longitude;
  if (m.created_at != 0) j[key::kCreatedAt] = m.created_at;
  put(j, key::kAgentId, m.agent_id);
  // pugixml does not validate UTF-8; a stray byte must not make the message unstorable.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

boost::system::result<InboundMessage> from_json(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return make_error_code(errc::json_parse_failed);
  InboundMessage m;
  const bool ok = get(j, key::kChannel, m.channel) && get(j, key::kUser, m.user) &&
                  get(j, key::kMsgId, m.msg_id) && get(j, key::kKind, m.kind) &&
                  get(j, key::kText, m.text) && get(j, key::kEvent, m.event) &&
                  get(j, key::kEventKey, m.event_key) && get(j, key::kTaskId, m.task_id) &&
                  get(j, key::kResponseCode, m.response_code) &&
                  get(j, key::kCardType, m.card_type) && get(j, key::kMediaId, m.media_id) &&
                  get(j, key::kPicUrl, m.pic_url) && get(j, key::kUrl, m.url) &&
                  get(j, key::kLatitude, m.latitude) && get(j, key::kLongitude, m.longitude) &&
                  get(j, key::kCreatedAt, m.created_at) && get(j, key::kAgentId, m.agent_id);
  if (!ok) return make_error_code(errc::json_parse_failed);
  if (m.user.empty() || m.msg_id.empty() || m.kind.empty()) {
    return make_error_code(errc::missing_field);
  }
  return m;
}

}  // namespace talentbot::wecom
