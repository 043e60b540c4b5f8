#include "adapters/simulator/validate.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace talentbot::sim {
namespace {

using Json = nlohmann::json;

ApiError invalid(std::string what) { return {kInvalidParameter, "invalid parameter: " + std::move(what)}; }

std::string const* string_field(Json const& object, char const* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<std::string const&>();
}

std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A required, non-empty string of at most max_bytes.
Check required(Json const& object, std::string const& where, char const* key, std::size_t max_bytes) {
  auto const* value = string_field(object, key);
  if (value == nullptr || value->empty()) return invalid(where + "." + key + " is required");
  if (value->size() > max_bytes) return invalid(where + "." + key + " exceeds " + std::to_string(max_bytes) + " bytes");
  return std::nullopt;
}

Check check_content(Json const& request, std::string const& type, std::size_t max_bytes) {
  auto it = request.find(type);
  if (it == request.end() || !it->is_object()) return invalid(type + " is required");
  auto const* content = string_field(*it, "content");
  if (content == nullptr || content->empty()) return ApiError{kEmptyContent, "empty content"};
  if (content->size() > max_bytes)
    return ApiError{kContentTooLong, "content size out of limit: " + std::to_string(content->size()) + " > " +
                                         std::to_string(max_bytes) + " bytes"};
  return std::nullopt;
}

Check check_textcard(Json const& request) {
  auto it = request.find("textcard");
  if (it == request.end() || !it->is_object()) return invalid("textcard is required");
  if (auto e = required(*it, "textcard", "title", 128)) return e;
  if (auto e = required(*it, "textcard", "description", 512)) return e;
  if (auto e = required(*it, "textcard", "url", 2048)) return e;
  if (auto btn = it->find("btntxt"); btn != it->end() && (!btn->is_string() || utf8_chars(btn->get<std::string>()) > 4))
    return invalid("textcard.btntxt must be at most 4 characters");
  return std::nullopt;
}

Check check_buttons(Json const& card) {
  auto it = card.find("button_list");
  if (it == card.end() || !it->is_array() || it->empty() || it->size() > 6)
    return invalid("template_card.button_list must hold 1 to 6 buttons");
  std::set<std::string> keys;
  for (auto const& button : *it) {
    if (!button.is_object()) return invalid("template_card.button_list items must be objects");
    if (auto e = required(button, "button", "text", 64)) return e;
    if (auto e = required(button, "button", "key", 1024)) return e;
    if (auto style = button.find("style"); style != button.end()) {
      if (!style->is_number_integer() || style->get<int>() < 1 || style->get<int>() > 4)
        return invalid("button.style must be 1 to 4");
    }
    if (!keys.insert(button.at("key").get<std::string>()).second) return invalid("button keys must be unique");
  }
  return std::nullopt;
}

Check check_card_action(Json const& card) {
  auto it = card.find("card_action");
  if (it == card.end() || !it->is_object()) return invalid("template_card.card_action is required for this card_type");
  auto type = it->find("type");
  if (type == it->end() || !type->is_number_integer()) return invalid("card_action.type must be 1 or 2");
  if (type->get<int>() == 1) return required(*it, "card_action", "url", 2048);
  if (type->get<int>() == 2) return required(*it, "card_action", "appid", 128);
  return invalid("card_action.type must be 1 or 2");
}

}  // namespace

bool valid_user_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto ok = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '@' || c == '.';
  };
  return std::all_of(id.begin(), id.end(), ok) &&
         (std::isalnum(static_cast<unsigned char>(id.front())) || id.front() == '_');
}

bool valid_task_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '@';
  });
}

Check check_agent(Json const& request, std::int64_t agent_id) {
  auto it = request.find("agentid");
  if (it == request.end() || it->is_null()) return ApiError{kAgentIdMissing, "agentid missing"};
  std::int64_t value = -1;
  if (it->is_number_integer()) {
    value = it->get<std::int64_t>();
  } else if (it->is_string()) {
    auto const& s = it->get_ref<std::string const&>();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || p != s.data() + s.size()) value = -1;
  }
  if (value != agent_id) return ApiError{kInvalidAgentId, "invalid agentid"};
  return std::nullopt;
}

Check check_message(Json const& request) {
  auto const* type = string_field(request, "msgtype");
  if (type == nullptr) return ApiError{kInvalidMsgType, "invalid message type"};
  if (*type == "text" || *type == "markdown") return check_content(request, *type, kMaxContentBytes);
  if (*type == "textcard") return check_textcard(request);
  if (*type == "template_card") {
    auto it = request.find("template_card");
    if (it == request.end()) return invalid("template_card is required");
    return check_template_card(*it);
  }
  return ApiError{kInvalidMsgType, "invalid message type: " + *type};
}

Check check_template_card(Json const& card) {
  if (!card.is_object()) return invalid("template_card must be an object");
  static std::set<std::string, std::less<>> const kTypes{"text_notice", "news_notice", "button_interaction",
                                                         "vote_interaction", "multiple_interaction"};
  auto const* type = string_field(card, "card_type");
  if (type == nullptr || !kTypes.contains(*type)) return invalid("template_card.card_type");
  if (auto it = card.find("task_id"); it != card.end()) {
    if (!it->is_string() || !valid_task_id(it->get<std::string>()))
      return invalid("template_card.task_id must be 1 to 128 of A-Z a-z 0-9 _ - @");
  } else if (*type != "text_notice" && *type != "news_notice") {
    return invalid("template_card.task_id is required for " + *type);
  }
  auto title = card.find("main_title");
  if (title != card.end() && !title->is_object()) return invalid("template_card.main_title must be an object");
  bool const has_title =
      title != card.end() && string_field(*title, "title") && !title->at("title").get<std::string>().empty();
  if (auto list = card.find("horizontal_content_list"); list != card.end()) {
    if (!list->is_array() || list->size() > 6) return invalid("template_card.horizontal_content_list: at most 6 items");
    for (auto const& item : *list)
      if (!item.is_object() || !string_field(item, "keyname"))
        return invalid("horizontal_content_list items need keyname");
  }
  if (*type == "text_notice" || *type == "news_notice") {
    auto const* sub = string_field(card, "sub_title_text");
    if (!has_title && (sub == nullptr || sub->empty()))
      return invalid("template_card needs main_title.title or sub_title_text");
    return check_card_action(card);
  }
  if (*type == "button_interaction") {
    if (!has_title) return invalid("template_card.main_title.title is required");
    return check_buttons(card);
  }
  return std::nullopt;
}

Check check_robot_message(Json const& request) {
  auto const* type = string_field(request, "msgtype");
  if (type == nullptr) return ApiError{kInvalidMsgType, "invalid message type"};
  if (*type == "text") {
    if (auto e = check_content(request, "text", kMaxContentBytes)) return e;
    for (char const* list : {"mentioned_list", "mentioned_mobile_list"}) {
      auto const& text = request.at("text");
      auto it = text.find(list);
      if (it == text.end()) continue;
      if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](Json const& v) { return v.is_string(); }))
        return invalid(std::string("text.") + list + " must be an array of strings");
    }
    return std::nullopt;
  }
  if (*type == "markdown") return check_content(request, "markdown", kMaxRobotMarkdownBytes);
  return ApiError{kInvalidMsgType, "invalid message type: " + *type};
}

bool card_has_buttons(Json const& card) {
  auto it = card.find("button_list");
  return card.value("card_type", "") == "button_interaction" && it != card.end() && it->is_array() && !it->empty();
}

}  // namespace talentbot::sim
