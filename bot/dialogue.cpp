// The dialogue step; see dialogue.hpp. Texts live in replies.cpp / replies_chat.cpp.
#include "bot/dialogue.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "bot/apply_flow.hpp"
#include "bot/replies.hpp"

namespace talentbot::bot {
namespace {

using intents::Knowledge;
using intents::Language;
using intents::Parse;
using intents::Service;
using replies::pick;

bool is_info_intent(std::string_view i) { return i == "ask_policy" || i == "ask_materials" || i == "ask_process"; }
bool needs_service(std::string_view i) { return is_info_intent(i) || i == "apply"; }
bool is_appointment_intent(std::string_view i) {
  return i == "book_appointment" || i == "reschedule_appointment" || i == "cancel_appointment" ||
         i == "query_appointment";
}

// When the NLU cannot tell the service, these fill the clarification card: recognition is the
// door to every other service (article 2), and settling in (hukou, school) is what newcomers ask
// about first.
constexpr std::array<std::string_view, 3> kCommonServices = {"talent_recognition", "household_registration",
                                                             "child_education"};
// A service the NLU only guesses at below this is not worth a button.
constexpr double kCandidateFloor = 0.15;

std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  std::uint32_t cp = len == 1 ? b : b & (0x7F >> len);
  for (int k = 1; k < len && i + static_cast<std::size_t>(k) < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  i += static_cast<std::size_t>(len);
  return cp;
}

// "ok", "1", "yes", "👍" say nothing about the language: the conversation keeps its own.
bool language_neutral(std::string_view text) {
  int letters = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto cp = next_code_point(text, i);
    if ((cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)) return false;
    if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ++letters;
  }
  return letters <= 4;
}

Language resolve_language(Session const& s, Turn const& t) {
  bool known = s.language == "zh" || s.language == "en";
  Language sticky = s.language == "en" ? Language::en : Language::zh;
  if (!t.event_key.empty()) return sticky;
  if (known && language_neutral(t.text)) return sticky;
  return t.parse.language;
}

// "2", "２", "第二个", "选2" pick the second button of the last card (for clients that show the
// card's text but not its buttons, and for talents who prefer typing).
std::optional<std::size_t> choice_index(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kHan = {"一", "二", "三", "四", "五", "六"};
  static constexpr std::array<std::string_view, 6> kWide = {"１", "２", "３", "４", "５", "６"};
  std::string t;
  for (char c : text)
    if (c != ' ' && c != '.' && c != '!' && c != '?') t += c;
  for (std::string_view strip : {"第", "选", "个", "项", "。", "！", "？"}) {
    for (auto at = t.find(strip); at != std::string::npos; at = t.find(strip)) t.erase(at, strip.size());
  }
  for (std::size_t i = 0; i < 6; ++i) {
    if (t == std::to_string(i + 1) || t == kWide[i] || t == kHan[i]) return i;
  }
  return std::nullopt;
}

// A question about the policy itself, as opposed to a bare service name, which the classifier also
// reads as ask_policy (at 0.57, or up to 0.94 for "是落户").
bool asks_about_policy(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view w : {"政策", "条件", "资格", "待遇", "规定", "policy", "eligib", "qualif", "criteria"}) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

class Step {
 public:
  Step(Decision& d, Knowledge const& kb, config::CenterConfig const& center, Language lang)
      : d_(d), s_(d.session), kb_(kb), center_(center), lang_(lang) {}

  void click(std::string_view key);
  void message(Turn const& turn, std::string const& offer);
  bool started_flow() const { return started_flow_; }

 private:
  void run(std::string const& intent, Service const& service);
  void answer_offer(std::string const& offer, bool yes);
  void not_understood(Parse const& p);
  void clarify_service(std::string const& intent, Parse const* p, bool unsure);
  void clarify_question(Service const& service);
  void offer_human();
  void hand_off();

  void text(std::string content) {
    if (content.size() <= wecom::kMaxContentBytes) {
      d_.replies.push_back({Reply::Kind::text, {}, std::move(content), {}, {}});
      return;
    }
    std::vector<std::string> lines;
    std::size_t from = 0;
    for (auto at = content.find('\n'); at != std::string::npos; at = content.find('\n', from)) {
      lines.push_back(content.substr(from, at - from));
      from = at + 1;
    }
    lines.push_back(content.substr(from));
    for (auto& part : replies::pack_lines(lines, "")) {
      d_.replies.push_back({Reply::Kind::text, {}, std::move(part), {}, {}});
    }
  }
  void markdown(std::vector<std::string> parts) {
    for (auto& part : parts) d_.replies.push_back({Reply::Kind::markdown, {}, std::move(part), {}, {}});
  }
  void card(std::string title, std::string desc, std::vector<wecom::CardButton> buttons, std::string tag) {
    for (auto const& b : buttons) s_.options.push_back(b.key);
    d_.replies.push_back({Reply::Kind::buttons, std::move(title), std::move(desc), std::move(buttons), std::move(tag)});
  }
  std::string_view tr(std::string_view zh, std::string_view en) const { return pick(lang_, zh, en); }

  Decision& d_;
  Session& s_;
  Knowledge const& kb_;
  config::CenterConfig const& center_;
  Language lang_;
  bool started_flow_ = false;
};

void Step::click(std::string_view key) {
  if (key == "human:yes") return hand_off();
  if (key == "human:no") {
    s_.misunderstood = 0;
    return text(std::string(tr("好的，那我们继续。您可以换个说法再问我，比如“落户需要什么材料”，"
                               "或回复“帮助”查看我能做什么。",
                               "All right, let's carry on. Try asking another way, for example \"What documents do I "
                               "need for hukou?\", or type \"help\" to see what I can do.")));
  }
  // svc:<id> answers the question waiting for a service; svc:<id>:<intent> carries its own
  // question, so a click on an old card still does what its button said.
  if (key.starts_with("apply:")) {  // the confirmation card of an application that has lapsed
    return text(std::string(tr("这张确认卡已失效（申请未提交）。请重新说“我要申请…”。",
                               "That confirmation has lapsed (nothing was submitted). Say \"I want to apply for "
                               "…\" to start again.")));
  }
  if (key.starts_with("appt:")) {  // answered by the responder's appointment flow
    d_.action = "appointment_button";
    d_.button = std::string(key);
    auto const rest = key.substr(key.find(':', 5) + 1);  // appt:book:<service>:<slot>, appt:svc:<service>
    if (auto const* service = kb_.service(rest.substr(0, rest.find(':')))) s_.service = service->id;
    return;
  }
  if (key.starts_with("svc:")) {
    auto rest = key.substr(4);
    auto colon = rest.find(':');
    auto const* service = kb_.service(rest.substr(0, colon));
    if (service != nullptr) {
      std::string intent = colon == std::string_view::npos ? s_.pending_intent : std::string(rest.substr(colon + 1));
      if (!needs_service(intent)) intent = "ask_policy";
      s_.misunderstood = 0;
      return run(intent, *service);
    }
  }
  text(replies::help_text(kb_, lang_));
}

void Step::message(Turn const& turn, std::string const& offer) {
  Parse const& p = turn.parse;
  Service const* named = p.service ? kb_.service(*p.service) : nullptr;
  if (named != nullptr) s_.service = named->id;
  bool confident = !p.intent.empty() && p.confidence >= kLowConfidence;

  if (confident && !offer.empty() && (p.intent == "affirm" || p.intent == "deny") && named == nullptr) {
    return answer_offer(offer, p.intent == "affirm");
  }
  // A service named with no question of its own ("落户", "是落户", "what about the green card?")
  // answers the question waiting for a service, or repeats the last question for the new service.
  bool bare = named != nullptr && (!confident || p.intent == "out_of_scope" || p.intent == "affirm" ||
                                   (p.intent == "ask_policy" && !asks_about_policy(turn.text)));
  if (bare) {
    std::string follow = !s_.pending_intent.empty() ? s_.pending_intent : s_.last_intent;
    if (!follow.empty()) return run(follow, *named);
    // Only the topic is clear ("落户的", "the green card"): ask which aspect of it.
    if (!confident || p.intent != "ask_policy") return clarify_question(*named);
  }
  if (!confident || p.intent == "out_of_scope") return not_understood(p);

  s_.misunderstood = 0;
  auto const& intent = p.intent;
  if (needs_service(intent)) {
    auto const* service = named != nullptr ? named : kb_.service(s_.service);
    if (service == nullptr) return clarify_service(intent, &p, false);
    return run(intent, *service);
  }
  s_.pending_intent.clear();
  if (intent == "greet") return text(replies::greeting(lang_));
  if (intent == "goodbye") return text(replies::goodbye(lang_));
  if (intent == "help") return text(replies::help_text(kb_, lang_));
  if (intent == "human_agent") return hand_off();
  if (intent == "ask_contact") {
    s_.offer = "anything_else";
    auto answer = replies::contact_answer(kb_, center_, named, lang_);
    return markdown({answer + "\n" + replies::offer_question(s_.offer, lang_)});
  }
  if (intent == "complaint") {
    d_.action = "complaint";
    return text(replies::complaint(p.case_id, center_, lang_));
  }
  if (intent == "case_status") {  // answered from the archive by the responder (case_flow.hpp)
    d_.action = intent;
    return;
  }
  if (is_appointment_intent(intent)) {  // answered by the responder (appointment_flow.hpp)
    d_.action = intent;
    return;
  }
  if (intent == "affirm") return text(std::string(tr("好的。还有什么可以帮您？", "All right. What else can I do?")));
  if (intent == "deny") return text(std::string(tr("好的，有需要随时找我。", "All right, I'm here if you need me.")));
  text(replies::out_of_scope(lang_));
}

void Step::run(std::string const& intent, Service const& service) {
  s_.service = service.id;
  s_.pending_intent.clear();
  if (intent == "apply") {
    if (s_.flow == apply::kFlow && s_.slots["svc"] == service.id) return;  // already under way: remind() asks
    started_flow_ = true;
    return apply::start(d_, service, lang_);
  }
  // Each answer ends with the natural next question, which a plain "好的" / "yes" then accepts.
  s_.last_intent = intent;
  if (intent == "ask_policy") {
    s_.offer = "ask_materials";
    return markdown(replies::policy_answer(kb_, service, center_, lang_, replies::offer_question(s_.offer, lang_)));
  }
  if (intent == "ask_materials") {
    s_.offer = "ask_process";
    return markdown(replies::materials_answer(kb_, service, center_, lang_, replies::offer_question(s_.offer, lang_)));
  }
  s_.offer = "apply";
  markdown(replies::process_answer(kb_, service, center_, lang_, replies::offer_question(s_.offer, lang_)));
}

void Step::answer_offer(std::string const& offer, bool yes) {
  s_.misunderstood = 0;
  if (offer == "human") {
    if (yes) return hand_off();
    return click("human:no");
  }
  if (offer == "anything_else") {
    if (!yes) return text(replies::goodbye(lang_));
    return text(std::string(tr("好的，请直接告诉我您的问题，比如“子女入学怎么办理”。",
                               "Sure, just tell me your question, for example \"How do I enrol my child in "
                               "school?\"")));
  }
  if (yes && needs_service(offer)) {
    if (auto const* service = kb_.service(s_.service)) return run(offer, *service);
    return clarify_service(offer, nullptr, false);
  }
  s_.offer = "anything_else";
  text(std::string(tr("好的。", "All right. ")) + replies::offer_question(s_.offer, lang_));
}

void Step::not_understood(Parse const& p) {
  ++s_.misunderstood;
  if (s_.misunderstood >= kMisunderstoodBeforeHuman) return offer_human();
  if (p.intent == "out_of_scope" && p.confidence >= kLowConfidence) return text(replies::out_of_scope(lang_));
  // An unsure guess at a question about a service keeps that question waiting for the choice.
  clarify_service(needs_service(p.intent) ? p.intent : std::string(), &p, true);
}

void Step::clarify_service(std::string const& intent, Parse const* p, bool unsure) {
  if (!intent.empty()) s_.pending_intent = intent;
  std::vector<std::string> ids;
  auto add = [&](std::string_view id) {
    if (ids.size() < 3 && kb_.service(id) != nullptr && std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.emplace_back(id);
  };
  if (p != nullptr) {
    for (auto const& [id, score] : p->service_candidates)
      if (score >= kCandidateFloor) add(id);
  }
  for (auto id : kCommonServices) add(id);
  std::vector<wecom::CardButton> buttons;
  for (auto const& id : ids) buttons.push_back({replies::short_name(*kb_.service(id), lang_), "svc:" + id, 1});

  std::string title;
  if (unsure) {
    title = tr("抱歉，我没完全理解。您想咨询哪项服务？", "Sorry, I didn't quite follow. Which service is it about?");
  } else if (intent == "ask_materials") {
    title = tr("您想了解哪项服务的所需材料？", "Which service do you need the materials for?");
  } else if (intent == "ask_process") {
    title = tr("您想了解哪项服务的办理流程？", "Which service would you like the steps for?");
  } else if (intent == "apply") {
    title = tr("您要申请哪项服务？", "Which service would you like to apply for?");
  } else {
    title = tr("您想了解哪项服务的政策？", "Which service's policy would you like to know about?");
  }
  // WeCom shows about 44 characters of a card's description.
  std::string desc = intent == "apply" ? replies::apply_holding(nullptr, lang_)
                                       : std::string(tr("点击选择或回复数字；其他服务请直接告诉我名称。",
                                                        "Tap one or reply with its number; for another service "
                                                        "just tell me its name."));
  card(std::move(title), std::move(desc), std::move(buttons), "clarify_service");
}

void Step::clarify_question(Service const& service) {
  auto name = replies::short_name(service, lang_);
  std::vector<wecom::CardButton> buttons{
      {std::string(tr("政策与条件", "Policy")), "svc:" + service.id + ":ask_policy", 1},
      {std::string(tr("所需材料", "Materials")), "svc:" + service.id + ":ask_materials", 1},
      {std::string(tr("办理流程", "Steps")), "svc:" + service.id + ":ask_process", 1},
  };
  std::string title = lang_ == Language::en ? "What would you like to know about " + name + "?"
                                            : "关于「" + name + "」，您想了解哪方面？";
  card(std::move(title), std::string(tr("点击选择，或回复数字 1-3。", "Tap one, or reply 1, 2 or 3.")),
       std::move(buttons), "clarify_question");
}

// Repeated failure: a person of the center takes over rather than the talent rephrasing forever.
void Step::offer_human() {
  s_.offer = "human";
  card(std::string(tr("需要转人工服务吗？", "Talk to a person?")),
       std::string(tr("抱歉，我还是没能理解。可以为您转接市人才交流中心的工作人员，也可以换个说法再问我。",
                      "Sorry, I still couldn't understand. I can put you through to the Talent Exchange Center "
                      "staff, or you can ask me another way.")),
       {{std::string(tr("转人工", "Yes, a person")), "human:yes", 1},
        {std::string(tr("不用了", "No, thanks")), "human:no", 2}},
       "offer_human");
}

void Step::hand_off() {
  s_.misunderstood = 0;
  s_.pending_intent.clear();
  d_.action = "handoff";
  text(replies::handoff(center_, lang_));
}

template <class T>
T field(nlohmann::json const& j, char const* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if constexpr (std::is_same_v<T, int>) {
    return it->is_number_integer() ? std::clamp(it->get<int>(), 0, 1000) : fallback;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return it->is_string() ? it->get<std::string>() : fallback;
  } else {
    T out;
    if (!it->is_array()) return fallback;
    for (auto const& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  }
}

}  // namespace

// Short keys: one of these per idle conversation sits in Redis (the goal is < 2 KB per session).
std::string Session::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (!language.empty()) j["lang"] = language;
  if (!service.empty()) j["svc"] = service;
  if (!pending_intent.empty()) j["pending"] = pending_intent;
  if (!last_intent.empty()) j["last"] = last_intent;
  if (!offer.empty()) j["offer"] = offer;
  if (!options.empty()) j["opts"] = options;
  if (misunderstood != 0) j["miss"] = misunderstood;
  if (!flow.empty()) j["flow"] = flow;
  if (!slots.empty()) j["slots"] = slots;
  return j.dump();
}

Session Session::from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  Session s;
  if (j.is_discarded() || !j.is_object()) return s;
  s.language = field<std::string>(j, "lang", "");
  if (s.language != "zh" && s.language != "en") s.language.clear();
  s.service = field<std::string>(j, "svc", "");
  s.pending_intent = field<std::string>(j, "pending", "");
  s.last_intent = field<std::string>(j, "last", "");
  s.offer = field<std::string>(j, "offer", "");
  s.options = field<std::vector<std::string>>(j, "opts", {});
  s.misunderstood = field<int>(j, "miss", 0);
  s.flow = field<std::string>(j, "flow", "");
  if (auto it = j.find("slots"); it != j.end() && it->is_object()) {
    for (auto const& [k, v] : it->items())
      if (v.is_string()) s.slots[k] = v.get<std::string>();
  }
  return s;
}

Decision decide(Session const& session, Turn const& turn, Knowledge const& kb, config::CenterConfig const& center) {
  Decision d;
  d.session = session;
  Session& s = d.session;
  auto lang = resolve_language(session, turn);
  s.language = lang == Language::en ? "en" : "zh";
  if (kb.service(s.service) == nullptr) s.service.clear();  // a service id dropped by a reload
  // An offer and a card's options are answered by the very next message, or lapse.
  std::string offer = std::exchange(s.offer, {});
  auto options = std::exchange(s.options, {});

  Step step(d, kb, center, lang);
  std::string key = turn.event_key;
  if (key.empty()) {
    if (auto i = choice_index(turn.text); i && *i < options.size()) key = options[*i];
  }
  // An open flow takes its own answers first; a question asked in between is answered and the
  // flow's question asked again.
  bool const in_flow = s.flow == apply::kFlow;
  if (in_flow) {
    Turn flow_turn = turn;
    flow_turn.event_key = key;
    if (apply::step(d, flow_turn, kb, lang)) return d;
  }
  if (!key.empty()) step.click(key);
  else step.message(turn, offer);
  if (in_flow && !step.started_flow() && !d.open_case) apply::remind(d, kb, lang);
  return d;
}

}  // namespace talentbot::bot
