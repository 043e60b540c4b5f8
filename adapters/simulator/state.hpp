#pragma once
// WeCom's server side as the simulator plays it: access tokens, request validation with WeCom's
// error codes, the duplicate check, the per-member rate limit, template-card response codes,
// injected faults, and the records tests and the chat page read back. Pure: no sockets, no Asio,
// an injected clock; the HTTP shell (simulator.cpp) serialises calls.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace talentbot::sim {

using Json = nlohmann::json;
using Clock = std::chrono::system_clock;
using Now = std::function<Clock::time_point()>;

struct SimSettings {
  std::string corp_id;
  std::string secret;
  std::int64_t agent_id = 0;
  std::chrono::seconds token_ttl{7200};
  std::chrono::hours response_code_ttl{72};
  int member_per_minute = 30;  // message/send, per member (wecom-protocol.md, rate limits)
  int member_per_hour = 1000;
  int robot_per_minute = 20;                  // group robot webhook, per key
  std::size_t max_calls = 10'000;             // older call records are forgotten
  std::size_t max_messages_per_user = 2'000;  // likewise per chat
};

// How one API call is answered; the HTTP shell only carries out delay and drop.
struct ApiAnswer {
  unsigned http_status = 200;
  Json body;                           // sent as JSON when http_status is 200
  std::chrono::milliseconds delay{0};  // the call takes effect at once, its answer comes this late
  bool drop = false;                   // the call is lost: no effect, no answer
};

class SimulatorState {
 public:
  explicit SimulatorState(SimSettings settings, Now now = &Clock::now);

  // gettoken, message/send, message/update_template_card, webhook/send. `query` is raw (URL-encoded).
  ApiAnswer handle_api(std::string_view method, std::string_view path, std::string_view query, std::string_view body);

  // POST /sim/faults: one fault object or an array of them. Returns what was wrong, if anything.
  std::optional<std::string> add_faults(Json const& description);
  void clear_faults() { faults_.clear(); }
  Json faults() const;
  void expire_token();

  Json calls() const;
  void clear_calls() { calls_.clear(); }
  // Items for `user` (every user when empty) with seq > since, in order. Items a person sent are
  // left out unless include_sent: tests count what the bot delivered.
  Json messages(std::string_view user, std::uint64_t since, bool include_sent) const;

  // The person's side of the chat, recorded for the page (kind "sent" or "click").
  void record_sent(std::string const& user, Json item);
  std::int64_t next_msg_id();
  // The ResponseCode of a click on a card the user received, usable once for update_template_card.
  // An unknown card still gets a code (the bot should then fail to use it).
  std::string click_response_code(std::string const& user, std::string const& task_id);

  // Forgets calls, messages, faults, duplicate-check and rate-limit history and cards; keeps tokens.
  void reset();

 private:
  struct Fault {
    std::string kind;  // errcode, http_status, delay, drop
    int errcode = 0;
    unsigned status = 0;
    std::chrono::milliseconds delay{0};
    int remaining = 1;
    std::string path;  // empty: any API path
  };
  struct Card {
    std::vector<std::string> users;
    Json card;
  };
  struct ResponseCode {
    std::string task_id;
    std::vector<std::string> users;
    Clock::time_point expires;
    bool used = false;
  };
  struct Remembered {  // the first answer to a request under the duplicate check
    Json answer;
    Clock::time_point until;
  };
  Json gettoken(std::string_view query);
  Json send(std::string_view query, std::string_view body, Json& record);
  Json update_card(std::string_view query, std::string_view body, Json& record);
  Json webhook(std::string_view query, std::string_view body, Json& record);

  std::optional<Json> token_error(std::string_view query) const;
  std::optional<Fault> take_fault(std::string_view path);
  void forget_duplicates(Clock::time_point now);
  bool allow_member_message(std::string const& user, Clock::time_point now);
  void deliver(std::string const& user, Json item);
  std::string random_string(std::size_t length, std::string_view alphabet);
  std::int64_t unix_ms() const;

  SimSettings settings_;
  Now now_;
  std::mt19937_64 random_;
  std::map<std::string, Clock::time_point> tokens_;  // every token issued, with its expiry
  std::string current_token_;
  std::vector<Fault> faults_;
  std::deque<Json> calls_;
  std::map<std::string, std::deque<Json>, std::less<>> messages_;
  std::map<std::string, Remembered> duplicate_check_;
  std::multimap<Clock::time_point, std::string> duplicate_expiry_;  // the same keys, by `until`
  std::map<std::string, std::deque<Clock::time_point>> member_sends_;
  std::map<std::string, std::deque<Clock::time_point>> robot_sends_;
  std::map<std::string, Card> cards_;  // by task_id: unique per app
  std::map<std::string, ResponseCode> response_codes_;
  std::uint64_t seq_ = 0;
  std::uint64_t call_seq_ = 0;
  std::int64_t last_msg_id_ = 0;
};

}  // namespace talentbot::sim
