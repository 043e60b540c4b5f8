#pragma once
// The request checks WeCom applies to what the bot sends, answered with WeCom's error codes. Pure.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace talentbot::sim {

struct ApiError {
  int errcode = 0;
  std::string errmsg;
};
using Check = std::optional<ApiError>;

// Codes the protocol page does not list are taken from WeCom's global error-code table.
inline constexpr int kInvalidCredential = 40001;  // bad corpsecret
inline constexpr int kInvalidMsgType = 40008;
inline constexpr int kInvalidCorpId = 40013;
inline constexpr int kInvalidToken = 40014;
inline constexpr int kInvalidAgentId = 40056;
inline constexpr int kInvalidParameter = 40058;
inline constexpr int kTokenMissing = 41001;
inline constexpr int kCorpIdMissing = 41002;
inline constexpr int kSecretMissing = 41004;
inline constexpr int kAgentIdMissing = 41011;
inline constexpr int kTokenExpired = 42001;
inline constexpr int kEmptyContent = 44004;
inline constexpr int kContentTooLong = 45002;
inline constexpr int kFrequencyLimit = 45009;
inline constexpr int kBadJson = 47001;
inline constexpr int kNoValidRecipient = 81013;
inline constexpr int kBadWebhookKey = 93000;

inline constexpr std::size_t kMaxContentBytes = 2048;        // text and markdown of message/send
inline constexpr std::size_t kMaxRobotMarkdownBytes = 4096;  // the group robot allows longer markdown

// A WeCom userid: 1-64 bytes of letters, digits and _-@. ; the first a letter, digit or _.
bool valid_user_id(std::string_view id);
// A template card's task_id: 1-128 bytes of letters, digits and _-@ (unique per app).
bool valid_task_id(std::string_view id);

Check check_agent(nlohmann::json const& request, std::int64_t agent_id);
// msgtype and its body: text, markdown, textcard or template_card.
Check check_message(nlohmann::json const& request);
Check check_template_card(nlohmann::json const& card);
Check check_robot_message(nlohmann::json const& request);

// A card whose buttons produce template_card_event clicks (and so gets a response_code).
bool card_has_buttons(nlohmann::json const& card);

}  // namespace talentbot::sim
