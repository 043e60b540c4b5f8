#include "adapters/simulator/state.hpp"

#include <algorithm>

#include "adapters/simulator/validate.hpp"
#include "adapters/simulator/wire.hpp"

namespace talentbot::sim {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Json answer(int errcode, std::string_view errmsg) { return Json{{"errcode", errcode}, {"errmsg", errmsg}}; }
Json answer(ApiError const& e) { return answer(e.errcode, e.errmsg); }
Json invalid(std::string_view what) { return answer(kInvalidParameter, "invalid parameter: " + std::string(what)); }

std::optional<Json> parse_object(std::string_view body) {
  auto parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

// An integer field, `fallback` when absent, nullopt when present with another type.
std::optional<std::int64_t> int_field(Json const& object, char const* key, std::int64_t fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::string string_or_empty(Json const& object, char const* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> split(std::string const& s, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size() && !s.empty()) {
    auto const end = std::min(s.find(sep, at), s.size());
    if (end > at) out.push_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::string join(std::vector<std::string> const& parts) {
  std::string out;
  for (auto const& p : parts) out += (out.empty() ? "" : "|") + p;
  return out;
}

bool contains(std::vector<std::string> const& list, std::string const& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

SimulatorState::SimulatorState(SimSettings settings, Now now)
    : settings_(std::move(settings)), now_(std::move(now)), random_(std::random_device{}()) {}

ApiAnswer SimulatorState::handle_api(std::string_view method, std::string_view path, std::string_view query,
                                     std::string_view body) {
  // time_us: when the call arrived, to the microsecond, so a benchmark can time a reply.
  auto const arrived = std::chrono::duration_cast<std::chrono::microseconds>(now_().time_since_epoch()).count();
  Json record{{"seq", ++call_seq_},
              {"time", arrived / 1000},
              {"time_us", arrived},
              {"method", method},
              {"path", path},
              {"query", mask_query(query)},
              {"delivered", false}};
  if (!body.empty()) {
    auto parsed = Json::parse(body, nullptr, false);
    record["request"] = parsed.is_discarded() ? Json(std::string(body)) : std::move(parsed);
  }
  ApiAnswer out;
  if (auto fault = take_fault(path)) {
    record["fault"] = fault->kind;
    if (fault->kind == "errcode") out.body = answer(fault->errcode, "simulated fault");
    else if (fault->kind == "http_status") out.http_status = fault->status;
    else if (fault->kind == "drop") out.drop = true;
    else out.delay = fault->delay;
  }
  if (out.body.is_null() && out.http_status == 200 && !out.drop) {
    if (path == "/cgi-bin/gettoken") out.body = gettoken(query);
    else if (path == "/cgi-bin/message/send") out.body = send(query, body, record);
    else if (path == "/cgi-bin/message/update_template_card") out.body = update_card(query, body, record);
    else if (path == "/cgi-bin/webhook/send") out.body = webhook(query, body, record);
    else out.http_status = 404;
  }
  bool const answered = out.http_status == 200 && !out.drop;
  record["errcode"] = answered ? Json(out.body.value("errcode", 0)) : Json(nullptr);
  record["http_status"] = out.drop ? 0u : out.http_status;
  calls_.push_back(std::move(record));
  if (calls_.size() > settings_.max_calls) calls_.pop_front();
  return out;
}

Json SimulatorState::gettoken(std::string_view query) {
  auto const q = parse_query(query);
  auto const corp = q.find("corpid");
  if (corp == q.end() || corp->second.empty()) return answer(kCorpIdMissing, "corpid missing");
  if (corp->second != settings_.corp_id) return answer(kInvalidCorpId, "invalid corpid");
  auto const secret = q.find("corpsecret");
  if (secret == q.end() || secret->second.empty()) return answer(kSecretMissing, "corpsecret missing");
  if (secret->second != settings_.secret) return answer(kInvalidCredential, "invalid credential");
  auto const now = now_();
  auto current = tokens_.find(current_token_);
  if (current == tokens_.end() || current->second <= now) {
    current_token_ = random_string(64, kAlphabet);
    current = tokens_.emplace(current_token_, now + settings_.token_ttl).first;
  }
  Json out = answer(0, "ok");
  out["access_token"] = current_token_;
  out["expires_in"] = std::chrono::ceil<std::chrono::seconds>(current->second - now).count();
  return out;
}

std::optional<Json> SimulatorState::token_error(std::string_view query) const {
  auto const q = parse_query(query);
  auto const it = q.find("access_token");
  if (it == q.end() || it->second.empty()) return answer(kTokenMissing, "access_token missing");
  auto const token = tokens_.find(it->second);
  if (token == tokens_.end()) return answer(kInvalidToken, "invalid access_token");
  if (token->second <= now_()) return answer(kTokenExpired, "access_token expired");
  return std::nullopt;
}

void SimulatorState::expire_token() {
  if (auto it = tokens_.find(current_token_); it != tokens_.end()) it->second = std::min(it->second, now_());
}

Json SimulatorState::send(std::string_view query, std::string_view body, Json& record) {
  if (auto e = token_error(query)) return *e;
  auto request = parse_object(body);
  if (!request) return answer(kBadJson, "data format error: the body is not a JSON object");
  auto const now = now_();
  // Checked before anything else, so a retried request gets the first answer even if a later
  // rule (task_id already used, rate limit) would now refuse it.
  auto const dedupe = int_field(*request, "enable_duplicate_check", 0);
  auto const interval = int_field(*request, "duplicate_check_interval", 1800);
  if (!dedupe || !interval) return invalid("enable_duplicate_check and duplicate_check_interval are integers");
  std::string dedupe_key;
  if (*dedupe == 1) {
    if (*interval < 1 || *interval > 4 * 3600) return invalid("duplicate_check_interval must be 1 to 14400 seconds");
    forget_duplicates(now);
    dedupe_key = request->dump();  // keys sorted: the same request in any key order
    if (auto it = duplicate_check_.find(dedupe_key); it != duplicate_check_.end()) {
      record["duplicate"] = true;
      return it->second.answer;
    }
  }
  if (auto e = check_agent(*request, settings_.agent_id)) return answer(*e);
  if (auto e = check_message(*request)) return answer(*e);

  std::vector<std::string> users, invalid_users;
  for (auto& user : split(string_or_empty(*request, "touser"), '|')) {
    if (user == "@all" || valid_user_id(user)) {
      if (!contains(users, user)) users.push_back(std::move(user));
    } else {
      invalid_users.push_back(std::move(user));
    }
  }
  Json out = answer(0, "ok");
  out["invaliduser"] = join(invalid_users);
  // The simulator has no departments or tags: every one named is reported invalid.
  out["invalidparty"] = string_or_empty(*request, "toparty");
  out["invalidtag"] = string_or_empty(*request, "totag");
  out["unlicenseduser"] = "";
  if (users.empty()) {
    Json refused = answer(kNoValidRecipient, "all recipients are invalid");
    refused["invaliduser"] = out["invaliduser"];
    return refused;
  }
  auto const type = request->at("msgtype").get<std::string>();
  auto const& content = request->at(type);
  auto const task_id = type == "template_card" ? string_or_empty(content, "task_id") : std::string();
  if (!task_id.empty() && cards_.contains(task_id)) return invalid("task_id already used: " + task_id);

  auto const msgid = random_string(40, kAlphabet);
  out["msgid"] = msgid;
  if (type == "template_card" && card_has_buttons(content)) {
    auto code = random_string(64, kAlphabet);
    response_codes_[code] = ResponseCode{task_id, users, now + settings_.response_code_ttl};
    out["response_code"] = std::move(code);
  }
  if (!task_id.empty()) cards_[task_id] = Card{users, content};
  Json item{{"kind", "message"}, {"from", "app"}, {"msgtype", type}, {type, content}, {"msgid", msgid}};
  if (!task_id.empty()) item["task_id"] = task_id;
  // Over WeCom's per-member limit the call still answers ok and the message silently vanishes.
  std::vector<std::string> dropped;
  for (auto const& user : users) {
    if (allow_member_message(user, now)) {
      deliver(user, item);
      record["delivered"] = true;
    } else {
      dropped.push_back(user);
    }
  }
  if (!dropped.empty()) record["dropped"] = dropped;
  if (*dedupe == 1) {
    auto const until = now + std::chrono::seconds(*interval);
    duplicate_expiry_.emplace(until, dedupe_key);
    duplicate_check_[std::move(dedupe_key)] = Remembered{out, until};
  }
  return out;
}

Json SimulatorState::update_card(std::string_view query, std::string_view body, Json& record) {
  if (auto e = token_error(query)) return *e;
  auto request = parse_object(body);
  if (!request) return answer(kBadJson, "data format error: the body is not a JSON object");
  if (auto e = check_agent(*request, settings_.agent_id)) return answer(*e);
  auto const code = string_or_empty(*request, "response_code");
  if (code.empty()) return invalid("response_code is required");
  auto const it = response_codes_.find(code);
  if (it == response_codes_.end()) return invalid("response_code is not valid");
  if (it->second.used) return invalid("response_code has already been used");
  if (it->second.expires <= now_()) return invalid("response_code has expired");

  auto const task_id = it->second.task_id;
  Json update{{"kind", "update"}, {"task_id", task_id}};
  auto const button = request->find("button");
  auto const card = request->find("template_card");
  if (button != request->end() && button->is_object() && !string_or_empty(*button, "replace_name").empty()) {
    update["button"] = Json{{"replace_name", button->at("replace_name")}};
  } else if (card != request->end()) {
    if (auto e = check_template_card(*card)) return answer(*e);
    update["template_card"] = *card;
  } else {
    return invalid("button.replace_name or template_card is required");
  }
  // userids may name anyone who received the card; without it the code's own users are updated.
  auto const known = cards_.find(task_id);
  auto const& recipients = known != cards_.end() ? known->second.users : it->second.users;
  std::vector<std::string> targets, invalid_users;
  if (auto ids = request->find("userids"); ids != request->end()) {
    if (!ids->is_array()) return invalid("userids must be an array");
    for (auto const& id : *ids) {
      auto const user = id.is_string() ? id.get<std::string>() : id.dump();
      (contains(recipients, user) ? targets : invalid_users).push_back(user);
    }
  } else {
    targets = it->second.users;
  }
  it->second.used = true;
  if (known != cards_.end() && update.contains("template_card")) known->second.card = update["template_card"];
  for (auto const& user : targets) deliver(user, update);
  record["delivered"] = !targets.empty();
  Json out = answer(0, "ok");
  out["invaliduser"] = invalid_users;
  return out;
}

Json SimulatorState::webhook(std::string_view query, std::string_view body, Json& record) {
  auto const q = parse_query(query);
  auto const key = q.find("key");
  if (key == q.end() || key->second.empty()) return answer(kBadWebhookKey, "invalid webhook url");
  auto request = parse_object(body);
  if (!request) return answer(kBadJson, "data format error: the body is not a JSON object");
  if (auto e = check_robot_message(*request)) return answer(*e);
  auto const now = now_();
  auto& times = robot_sends_[key->second];
  while (!times.empty() && times.front() <= now - 1min) times.pop_front();
  if (times.size() >= static_cast<std::size_t>(settings_.robot_per_minute))
    return answer(kFrequencyLimit, "api freq out of limit");
  times.push_back(now);
  auto const type = request->at("msgtype").get<std::string>();
  deliver("webhook:" + key->second,
          Json{{"kind", "message"}, {"from", "robot"}, {"msgtype", type}, {type, request->at(type)}});
  record["delivered"] = true;
  return answer(0, "ok");
}

// In expiry order, so a send costs the same with ten thousand requests remembered as with one.
void SimulatorState::forget_duplicates(Clock::time_point now) {
  while (!duplicate_expiry_.empty() && duplicate_expiry_.begin()->first <= now) {
    auto const it = duplicate_check_.find(duplicate_expiry_.begin()->second);
    if (it != duplicate_check_.end() && it->second.until <= now) duplicate_check_.erase(it);
    duplicate_expiry_.erase(duplicate_expiry_.begin());
  }
}

bool SimulatorState::allow_member_message(std::string const& user, Clock::time_point now) {
  auto& times = member_sends_[user];
  while (!times.empty() && times.front() <= now - 1h) times.pop_front();
  auto const last_minute = std::count_if(times.begin(), times.end(), [&](auto t) { return t > now - 1min; });
  if (last_minute >= settings_.member_per_minute || times.size() >= static_cast<std::size_t>(settings_.member_per_hour))
    return false;
  times.push_back(now);
  return true;
}

void SimulatorState::deliver(std::string const& user, Json item) {
  item["seq"] = ++seq_;
  item["time"] = unix_ms();
  item["user"] = user;
  auto& list = messages_[user];
  list.push_back(std::move(item));
  if (list.size() > settings_.max_messages_per_user) list.pop_front();
}

void SimulatorState::record_sent(std::string const& user, Json item) { deliver(user, std::move(item)); }

Json SimulatorState::messages(std::string_view user, std::uint64_t since, bool include_sent) const {
  Json out = Json::array();
  auto collect = [&](std::deque<Json> const& list) {
    for (auto const& item : list) {
      auto const kind = item.value("kind", "");
      if (item.at("seq").get<std::uint64_t>() > since && (include_sent || (kind != "sent" && kind != "click")))
        out.push_back(item);
    }
  };
  if (!user.empty()) {
    if (auto it = messages_.find(user); it != messages_.end()) collect(it->second);
    return out;
  }
  for (auto const& [name, list] : messages_) collect(list);
  std::sort(out.begin(), out.end(), [](Json const& a, Json const& b) { return a.at("seq") < b.at("seq"); });
  return out;
}

Json SimulatorState::calls() const { return Json(std::vector<Json>(calls_.begin(), calls_.end())); }

std::int64_t SimulatorState::next_msg_id() {
  // Time-based, so a restarted simulator never repeats a MsgId the bot's dedupe still remembers.
  last_msg_id_ = std::max(last_msg_id_ + 1, unix_ms() * 1000);
  return last_msg_id_;
}

std::string SimulatorState::click_response_code(std::string const& user, std::string const& task_id) {
  auto code = random_string(64, kAlphabet);
  auto const card = cards_.find(task_id);
  if (card != cards_.end() && contains(card->second.users, user))
    response_codes_[code] = ResponseCode{task_id, {user}, now_() + settings_.response_code_ttl};
  return code;
}

void SimulatorState::reset() {
  faults_.clear();
  calls_.clear();
  messages_.clear();
  duplicate_check_.clear();
  duplicate_expiry_.clear();
  member_sends_.clear();
  robot_sends_.clear();
  cards_.clear();
  response_codes_.clear();
}

std::string SimulatorState::random_string(std::size_t length, std::string_view alphabet) {
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out(length, ' ');
  for (auto& c : out) c = alphabet[pick(random_)];
  return out;
}

std::int64_t SimulatorState::unix_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now_().time_since_epoch()).count();
}

}  // namespace talentbot::sim
