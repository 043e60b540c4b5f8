#pragma once
// Outbox payloads: the exact request a reply becomes, built once when the reply is decided and
// stored as is, so a retry after a crash sends byte-identical JSON and WeCom's duplicate check
// (enable_duplicate_check) keeps the talent from seeing it twice. Pure: no I/O.
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace talentbot::wecom {

// Covers the outbox's whole retry horizon; WeCom allows up to 4 h.
inline constexpr int kDuplicateCheckSeconds = 1800;

// WeCom limits text and markdown content to 2048 bytes; longer text is cut at a UTF-8 boundary.
inline constexpr std::size_t kMaxContentBytes = 2048;

enum class Api { message_send, update_template_card, webhook_send };

struct OutboundRequest {
  Api api = Api::message_send;
  std::string user;  // the member it goes to (rate limits are per member); empty for webhooks
  std::string body;  // the request JSON
};

struct CardButton {
  std::string text;
  std::string key;
  int style = 1;  // 1..4
};

std::string text_message(std::string_view user, std::int64_t agent_id, std::string_view content);
std::string markdown_message(std::string_view user, std::int64_t agent_id, std::string_view content);
std::string textcard_message(std::string_view user, std::int64_t agent_id, std::string_view title,
                             std::string_view description, std::string_view url, std::string_view button_text);
// A button_interaction template card; task_id must be unique per app (≤128 of [A-Za-z0-9_-@]).
std::string button_card_message(std::string_view user, std::int64_t agent_id, std::string_view title,
                                std::string_view description, std::string_view task_id,
                                std::vector<CardButton> const& buttons);
// After a click: replace the card's buttons with one disabled label ("已接单 accepted by …").
std::string update_card_buttons(std::vector<std::string> const& users, std::int64_t agent_id,
                                std::string_view response_code, std::string_view replace_name);
std::string webhook_text(std::string_view content, std::vector<std::string> const& mentioned);

// WeCom's duplicate check compares whole requests, so two answers with the same text to one
// talent within the window (the same question asked twice, an application started again) would
// be delivered once. Each reply gets its own window length in [kDuplicateCheckSeconds,
// 2 × kDuplicateCheckSeconds), derived from `reply_id` (stable across re-handling): a resend of
// one reply stays byte-identical, while distinct replies differ (1 in 1,800 may still collide).
std::string with_reply_identity(std::string_view request_json, std::string_view reply_id);

// The outbox entry form: {"api": "...", "user": "...", "body": {...}} and back.
std::string to_outbox(OutboundRequest const& request);
boost::system::result<OutboundRequest> from_outbox(std::string_view payload);

std::string_view api_path(Api api);  // "/cgi-bin/message/send", ...

// Cuts a UTF-8 string to at most max_bytes without splitting a character.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace talentbot::wecom
