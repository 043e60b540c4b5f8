// The application flow; see apply_flow.hpp.
#include "bot/apply_flow.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "bot/replies.hpp"
#include "intents/entities.hpp"

namespace talentbot::bot::apply {
namespace {

using intents::Language;
using replies::pick;

// The details in the order they are asked; "id" only for services with `id_number: true`.
constexpr std::array<std::string_view, 4> kOrder = {"name", "phone", "employer", "id"};

bool needed(std::string_view slot, intents::Service const& service) { return slot != "id" || service.id_number; }

std::string_view next_missing(Session const& s, intents::Service const& service) {
  for (auto slot : kOrder)
    if (needed(slot, service) && !s.slots.contains(std::string(slot))) return slot;
  return "confirm";
}

std::string trim(std::string_view text) {
  std::string t(text);
  auto const strip = [](std::string& v) {
    static constexpr std::array<std::string_view, 12> kEdges = {" ", "\t", "\n", "。", "，", ",", ".", "！",
                                                                "!", "～", "~", "　"};
    bool changed = true;
    while (changed && !v.empty()) {
      changed = false;
      for (auto e : kEdges) {
        if (v.starts_with(e)) v.erase(0, e.size()), changed = true;
        if (v.ends_with(e)) v.erase(v.size() - e.size()), changed = true;
      }
    }
  };
  strip(t);
  return t;
}

std::string lower(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// Drops the first lead-in found at the start ("我叫", "my name is").
std::string without_lead_in(std::string text, std::initializer_list<std::string_view> lead_ins) {
  auto const low = lower(text);
  for (auto lead : lead_ins) {
    if (low.starts_with(lead)) return trim(std::string_view(text).substr(lead.size()));
  }
  return text;
}

bool is_han_lead(unsigned char c) { return c >= 0xE3 && c <= 0xE9; }  // CJK ideographs are 3-byte UTF-8

bool wants_out(std::string_view text) {
  auto const t = lower(trim(text));
  for (std::string_view w : {"取消", "不申请了", "不办了", "算了", "先不了", "退出", "cancel", "stop", "quit",
                             "never mind", "nevermind"}) {
    if (t == w || (t.size() <= 24 && t.find(w) != std::string::npos)) return true;
  }
  return false;
}

void say(Decision& d, std::string text) { d.replies.push_back({Reply::Kind::text, {}, std::move(text), {}, {}}); }

std::string question(std::string_view slot, Language lang) {
  if (slot == "name") return std::string(pick(lang, "请问申请人的姓名是？", "What is the applicant's full name?"));
  if (slot == "phone") {
    return std::string(pick(lang, "请提供您的手机号码（11位），便于承办专员与您联系。",
                            "Your mobile number, please (11 digits, mainland China), so the specialist can reach "
                            "you."));
  }
  if (slot == "employer") {
    return std::string(pick(lang, "请问您的工作单位是？（暂无单位请回复“无”）",
                            "Which employer do you work for? (Reply \"none\" if you have none yet.)"));
  }
  return std::string(pick(lang, "该事项需要核验身份证号码（18位）。系统只保存隐去中间数字的号码。",
                          "This service needs your resident ID number (18 characters). Only a masked form is "
                          "kept."));
}

std::string retry_hint(std::string_view slot, Language lang) {
  if (slot == "name") return std::string(pick(lang, "没能识别姓名。", "That doesn't look like a name. "));
  if (slot == "phone") return std::string(pick(lang, "没能识别手机号码。", "That doesn't look like a mobile number. "));
  if (slot == "employer") return std::string(pick(lang, "没能识别单位名称。", "I didn't catch the employer. "));
  return std::string(pick(lang, "号码校验未通过，请核对后重新输入。", "That number does not pass the check; please "
                                                                         "check it. "));
}

std::string masked_phone(std::string const& phone) { return intents::mask_mobile(phone); }

void ask_confirmation(Decision& d, intents::Service const& service, Language lang) {
  auto const& slots = d.session.slots;
  auto name = replies::short_name(service, lang);
  std::string summary = lang == Language::en
                            ? "Please check your application:\nService: " + name + "\nName: " + slots.at("name") +
                                  "\nMobile: " + masked_phone(slots.at("phone")) + "\nEmployer: " + slots.at("employer")
                            : "请核对申请信息：\n事项：" + name + "\n姓名：" + slots.at("name") + "\n手机：" +
                                  masked_phone(slots.at("phone")) + "\n单位：" + slots.at("employer");
  if (auto it = slots.find("id"); it != slots.end())
    summary += std::string(pick(lang, "\n身份证号：", "\nID number: ")) + it->second;
  say(d, std::move(summary));
  std::vector<wecom::CardButton> buttons{{std::string(pick(lang, "确认提交", "Submit")), "apply:confirm", 1},
                                         {std::string(pick(lang, "取消", "Cancel")), "apply:cancel", 2}};
  for (auto const& b : buttons) d.session.options.push_back(b.key);
  d.replies.push_back({Reply::Kind::buttons, std::string(pick(lang, "确认提交申请？", "Submit the application?")),
                       std::string(pick(lang, "提交后由承办部门专员办理，进度会在这里通知您。",
                                        "A specialist of the responsible department handles it; you'll be told "
                                        "each step here.")),
                       std::move(buttons), "apply_confirm"});
}

void ask_next(Decision& d, intents::Service const& service, Language lang) {
  auto const slot = next_missing(d.session, service);
  d.session.slots["await"] = std::string(slot);
  if (slot == "confirm") return ask_confirmation(d, service, lang);
  say(d, question(slot, lang));
}

void close_flow(Session& s) {
  s.flow.clear();
  s.slots.clear();
}

// Takes the awaited detail from the text; false if it is not one.
bool take(Session& s, std::string_view slot, std::string_view text) {
  std::string value;
  if (slot == "name") value = read_name(text);
  else if (slot == "employer") value = read_employer(text);
  else if (slot == "phone") value = intents::extract_mobile(text).value_or("");
  else if (auto id = intents::extract_resident_id(text)) value = intents::mask_resident_id(*id);
  if (value.empty()) return false;
  s.slots[std::string(slot)] = value;
  return true;
}

bool looks_like_question(Turn const& turn) {
  auto const& t = turn.text;
  if (t.find('?') != std::string::npos || t.find("？") != std::string::npos) return true;
  for (std::string_view w : {"吗", "怎么", "什么", "多久", "哪里", "how ", "what ", "when ", "where "}) {
    if (lower(t).find(w) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::string read_name(std::string_view text) {
  auto t = without_lead_in(trim(text), {"我叫", "我是", "姓名是", "姓名：", "姓名:", "名字是", "申请人是", "申请人",
                                        "my name is", "name:", "name is", "i am", "i'm"});
  if (t.empty() || t.size() > 60) return {};
  std::size_t han = 0, latin = 0;
  for (std::size_t i = 0; i < t.size();) {
    auto c = static_cast<unsigned char>(t[i]);
    if (c < 0x80) {
      if (std::isalpha(c)) ++latin;
      else if (c != ' ' && c != '.' && c != '-' && c != '\'') return {};
      ++i;
    } else if (is_han_lead(c) && i + 2 < t.size()) {
      ++han;
      i += 3;
    } else if (t.compare(i, 2, "\xC2\xB7") == 0) {  // the middle dot of transcribed names (·)
      i += 2;
    } else {
      return {};
    }
  }
  if (han > 0 && latin > 0) return {};
  if (han > 0 && (han < 2 || han > 10)) return {};
  if (han == 0 && latin < 2) return {};
  return t;
}

std::string read_employer(std::string_view text) {
  auto t = without_lead_in(trim(text), {"我在", "工作单位是", "单位是", "单位：", "单位:", "我的单位是",
                                        "i work at", "i work for", "employer:", "employer is"});
  auto const low = lower(t);
  if (low == "无" || low == "没有" || low == "暂无" || low == "none" || low == "no" || low == "n/a") return "无";
  if (t.size() < 4 || t.size() > 120) return {};
  if (intents::extract_mobile(t) || intents::extract_resident_id(t)) return {};
  return t;
}

void start(Decision& d, intents::Service const& service, Language lang) {
  auto& s = d.session;
  close_flow(s);
  s.flow = std::string(kFlow);
  s.slots["svc"] = service.id;
  s.offer.clear();
  say(d, replies::apply_holding(&service, lang));
  ask_next(d, service, lang);
}

bool step(Decision& d, Turn const& turn, intents::Knowledge const& kb, Language lang) {
  auto& s = d.session;
  auto const* service = kb.service(s.slots["svc"]);
  if (service == nullptr) {  // a service dropped by a knowledge-base reload
    close_flow(s);
    return false;
  }
  auto const awaited = s.slots["await"];
  bool const yes = turn.event_key == "apply:confirm" ||
                   (turn.event_key.empty() && turn.parse.intent == "affirm" && turn.parse.confidence >= kLowConfidence);
  bool const no = turn.event_key == "apply:cancel" ||
                  (turn.event_key.empty() && awaited == "confirm" && turn.parse.intent == "deny" &&
                   turn.parse.confidence >= kLowConfidence);
  if (no || (turn.event_key.empty() && wants_out(turn.text))) {
    close_flow(s);
    say(d, std::string(pick(lang, "好的，已取消本次申请，没有提交任何信息。需要时随时再说“我要申请…”。",
                            "All right, the application is cancelled; nothing was submitted. Say \"I want to "
                            "apply for …\" whenever you're ready.")));
    return true;
  }
  if (awaited == "confirm") {
    if (!yes) return false;
    CaseRequest request;
    request.service = service->id;
    request.name = s.slots["name"];
    request.phone = s.slots["phone"];
    request.employer = s.slots["employer"];
    if (auto it = s.slots.find("id"); it != s.slots.end()) request.id_number_masked = it->second;
    d.open_case = std::move(request);
    close_flow(s);
    return true;
  }
  if (!turn.event_key.empty()) return false;
  if (take(s, awaited, turn.text)) {
    ask_next(d, *service, lang);
    return true;
  }
  // Not the detail: a question in between is answered first; anything else is asked again.
  if (looks_like_question(turn)) return false;
  say(d, retry_hint(awaited, lang) + question(awaited, lang) +
             std::string(pick(lang, "（回复“取消”可退出申请）", " (Reply \"cancel\" to stop.)")));
  return true;
}

void remind(Decision& d, intents::Knowledge const& kb, Language lang) {
  auto& s = d.session;
  if (s.flow != kFlow) return;
  auto const* service = kb.service(s.slots["svc"]);
  if (service == nullptr) return close_flow(s);
  auto const awaited = next_missing(s, *service);
  if (awaited == "confirm") {
    say(d, std::string(pick(lang, "您的申请还未提交。", "Your application is not submitted yet. ")));
    return ask_confirmation(d, *service, lang);
  }
  say(d, std::string(pick(lang, "我们继续申请：", "Back to your application: ")) + question(awaited, lang));
}

}  // namespace talentbot::bot::apply
