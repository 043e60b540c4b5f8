#pragma once
// The dialogue step: one talent message (or card click) in, the replies and the next session out.
//
// A pure core (STYLE.md "pure cores beside thin coroutine shells"): no Asio, no Redis, no clock.
// The caller loads the Session from Redis, runs the NLU into a Turn, calls decide(), stores
// Decision::session back with the idle TTL, turns the replies into outbox requests and starts the
// flow named by Decision::action (handoff, complaint, apply, booking ...), which are built elsewhere.
//
// What it answers comes from the knowledge base only: policy, eligibility, the complete material
// checklist in one message (一次性告知, article 7), window and online steps, the responsible
// department (专员办理, article 9) and the center's contact details exactly as configured.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/wecom/outbound.hpp"
#include "bot/config.hpp"
#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"

namespace talentbot::bot {

// Per conversation; the caller keeps it in Redis as JSON with the idle TTL (session.idle_ttl), so
// it stays small (well under 1 KB) and every field has a harmless default.
struct Session {
  std::string language;        // "zh" | "en"; empty before the first message
  std::string service;         // current topic: follow-up questions without a service mean this one
  std::string pending_intent;  // a question waiting for the talent to pick a service
  std::string last_intent;     // the last question answered, so "那绿卡呢" asks it again for 绿卡
  std::string offer;           // what a yes/no answers: "human", "anything_else", or an intent to run
  std::vector<std::string> options;  // the keys of the last card, so "2" picks its second button
  int misunderstood = 0;       // consecutive turns not understood; at 2 the bot offers a human
  std::string flow;            // an open multi-turn flow ("apply"), see apply_flow.hpp
  std::map<std::string, std::string> slots;  // what the open flow has collected so far

  std::string to_json() const;
  // Tolerant: bad JSON gives a fresh session; a field of the wrong type gets its default.
  static Session from_json(std::string_view json);

  friend bool operator==(Session const&, Session const&) = default;
};

struct Turn {
  std::string text;       // as received (empty for a click)
  std::string event_key;  // a card button click: "svc:<id>", "svc:<id>:<intent>", "human:yes" ...
  intents::Parse parse;   // the NLU's reading of `text`; ignored for a click
};

struct Reply {
  enum class Kind { text, markdown, buttons };
  Kind kind = Kind::text;
  std::string title;    // buttons: the card's main title
  std::string content;  // text / markdown body (≤ wecom::kMaxContentBytes); buttons: the card's description
  std::vector<wecom::CardButton> buttons;
  std::string task_tag;  // buttons: a short stable tag ("clarify_service"), made unique by the caller
};

// A confirmed application, for the responder to open as a case (bot/case_flow.hpp).
struct CaseRequest {
  std::string service;
  std::string name;
  std::string phone;
  std::string employer;
  std::string id_number_masked;  // only for services that need it; never the full number

  friend bool operator==(CaseRequest const&, CaseRequest const&) = default;
};

struct Decision {
  Session session;
  std::vector<Reply> replies;
  std::optional<CaseRequest> open_case;
  // "" or the flow to start: "handoff", "complaint", "case_status", "book_appointment",
  // "reschedule_appointment", "cancel_appointment", "query_appointment", "appointment_button".
  std::string action;
  std::string button;  // appointment_button: the "appt:" card key (bot/appointment_replies.hpp)
};

// Below this the classifier's intent is not acted on and the bot asks instead. On tests/nlu/dev.tsv
// the intents given under 0.5 are right only about one time in three (9 of 26), against two in
// three from 0.5 to 0.6 (13 of 20) and 98% above 0.9: under 0.5 a question costs the talent less
// than a confident wrong answer. Bare service names ("落户", "hukou") come out at 0.57 ask_policy.
inline constexpr double kLowConfidence = 0.5;

// After this many consecutive turns not understood, a human is offered.
inline constexpr int kMisunderstoodBeforeHuman = 2;

Decision decide(Session const& session, Turn const& turn, intents::Knowledge const& kb,
                config::CenterConfig const& center);

}  // namespace talentbot::bot
