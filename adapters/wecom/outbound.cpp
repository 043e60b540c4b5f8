#include "adapters/wecom/outbound.hpp"

#include <nlohmann/json.hpp>

#include "adapters/wecom/crypto.hpp"

namespace talentbot::wecom {
using nlohmann::json;

namespace {

json envelope(std::string_view user, std::int64_t agent_id, std::string_view msgtype) {
  json j;
  j["touser"] = user;
  j["msgtype"] = msgtype;
  j["agentid"] = agent_id;
  j["enable_duplicate_check"] = 1;
  j["duplicate_check_interval"] = kDuplicateCheckSeconds;
  return j;
}

// Replacement of invalid UTF-8 instead of an exception: user text reaches here unfiltered.
std::string dump(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string with_reply_identity(std::string_view request_json, std::string_view reply_id) {
  auto j = json::parse(request_json, nullptr, false);
  if (!j.is_object() || !j.contains("duplicate_check_interval")) return std::string(request_json);
  std::uint32_t h = 2166136261u;  // FNV-1a: the same in every instance and release
  for (unsigned char c : reply_id) h = (h ^ c) * 16777619u;
  j["duplicate_check_interval"] = kDuplicateCheckSeconds + static_cast<int>(h % kDuplicateCheckSeconds);
  return dump(j);
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

std::string text_message(std::string_view user, std::int64_t agent_id, std::string_view content) {
  auto j = envelope(user, agent_id, "text");
  j["text"]["content"] = truncate_utf8(content, kMaxContentBytes);
  return dump(j);
}

std::string markdown_message(std::string_view user, std::int64_t agent_id, std::string_view content) {
  auto j = envelope(user, agent_id, "markdown");
  j["markdown"]["content"] = truncate_utf8(content, kMaxContentBytes);
  return dump(j);
}

std::string textcard_message(std::string_view user, std::int64_t agent_id, std::string_view title,
                             std::string_view description, std::string_view url, std::string_view button_text) {
  auto j = envelope(user, agent_id, "textcard");
  j["textcard"] = {{"title", title}, {"description", description}, {"url", url}, {"btntxt", button_text}};
  return dump(j);
}

std::string button_card_message(std::string_view user, std::int64_t agent_id, std::string_view title,
                                std::string_view description, std::string_view task_id,
                                std::vector<CardButton> const& buttons) {
  auto j = envelope(user, agent_id, "template_card");
  json list = json::array();
  for (auto const& b : buttons) list.push_back({{"text", b.text}, {"style", b.style}, {"key", b.key}});
  j["template_card"] = {{"card_type", "button_interaction"},
                        {"main_title", {{"title", title}, {"desc", description}}},
                        {"task_id", task_id},
                        {"button_list", list}};
  return dump(j);
}

std::string update_card_buttons(std::vector<std::string> const& users, std::int64_t agent_id,
                                std::string_view response_code, std::string_view replace_name) {
  json j;
  j["userids"] = users;
  j["agentid"] = agent_id;
  j["response_code"] = response_code;
  j["button"] = {{"replace_name", replace_name}};
  return dump(j);
}

std::string webhook_text(std::string_view content, std::vector<std::string> const& mentioned) {
  json j;
  j["msgtype"] = "text";
  j["text"] = {{"content", truncate_utf8(content, kMaxContentBytes)}, {"mentioned_list", mentioned}};
  return dump(j);
}

std::string_view api_path(Api api) {
  switch (api) {
    case Api::message_send: return "/cgi-bin/message/send";
    case Api::update_template_card: return "/cgi-bin/message/update_template_card";
    case Api::webhook_send: return "/cgi-bin/webhook/send";
  }
  return "/cgi-bin/message/send";
}

std::string to_outbox(OutboundRequest const& request) {
  static constexpr char const* kNames[] = {"message_send", "update_template_card", "webhook_send"};
  json j;
  j["api"] = kNames[static_cast<int>(request.api)];
  j["user"] = request.user;
  // The body is kept as the exact text that will be sent, not re-serialised on the way out.
  j["body"] = request.body;
  return dump(j);
}

boost::system::result<OutboundRequest> from_outbox(std::string_view payload) {
  auto j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("api") || !j.contains("body") || !j["body"].is_string())
    return make_error_code(errc::json_parse_failed);
  OutboundRequest r;
  auto const api = j["api"].get<std::string>();
  if (api == "message_send") r.api = Api::message_send;
  else if (api == "update_template_card") r.api = Api::update_template_card;
  else if (api == "webhook_send") r.api = Api::webhook_send;
  else return make_error_code(errc::bad_field);
  r.user = j.value("user", "");
  r.body = j["body"].get<std::string>();
  return r;
}

}  // namespace talentbot::wecom
