// The conversational texts of the dialogue (greeting, help, holding answers of later flows); the
// knowledge-base answers are in replies.cpp.
#include "bot/replies.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace talentbot::bot::replies {
namespace {

using intents::Knowledge;
using intents::Service;

}  // namespace

std::string greeting(Language lang) {
  return std::string(pick(
      lang,
      "您好！我是平顶山市高层次人才服务绿色通道的智能助手。我可以为您解答政策和申请条件、一次性列出所需材料、"
      "说明办理流程，也可以帮您提交申请、查询进度、预约窗口办理。请问有什么可以帮您？",
      "Hello! I'm the assistant of the Pingdingshan high-level talent green channel. I can explain policies and "
      "eligibility, list every material you need in one go, walk you through the steps, and help you apply, "
      "check progress or book a window appointment. How can I help?"));
}

std::string help_text(Knowledge const& kb, Language lang) {
  std::vector<std::string> names;
  for (auto const& s : kb.services()) names.push_back(short_name(s, lang));
  if (lang == Language::en) {
    return "Here is what I can do:\n"
           "1. Policies and eligibility (\"Who can get the green card?\")\n"
           "2. Every required material in one list (\"What documents do I need for hukou?\")\n"
           "3. Steps and time limits (\"How do I enrol my child in school?\")\n"
           "4. Apply, and follow your application (\"GC20261124-0007 status\")\n"
           "5. Book a time at the window (\"tomorrow 3pm for hukou\")\n"
           "6. The center's address, hours and phone\n"
           "7. Take a complaint, or put you through to a person (\"talk to a human\")\n"
           "Services: " + join(names, ", ") + ".";
  }
  return "我可以为您：\n"
         "1. 解答政策和申请条件（如“绿卡有什么条件”）\n"
         "2. 一次性列出全部所需材料（如“落户需要什么材料”）\n"
         "3. 说明办理流程和时限（如“子女入学怎么办理”）\n"
         "4. 提交申请、查询办理进度（如“GC20261124-0007 进度”）\n"
         "5. 预约窗口办理时间（如“明天下午三点去办落户”）\n"
         "6. 查询中心地址、办公时间和电话\n"
         "7. 受理投诉，或转人工服务（回复“转人工”）\n"
         "可咨询的服务：" + join(names, "、") + "。";
}

std::string goodbye(Language lang) {
  return std::string(pick(lang, "不客气，祝您工作顺利！有需要随时找我。",
                          "You're welcome, all the best! I'm here whenever you need me."));
}

std::string out_of_scope(Language lang) {
  return std::string(pick(lang,
                          "抱歉，这个问题超出了我的服务范围。我可以帮您了解高层次人才绿色通道的政策、所需材料和办理流程，"
                          "也可以帮您申请、查进度、预约办理，比如问我“落户需要什么材料”。回复“帮助”可查看全部功能。",
                          "Sorry, that's outside what I can help with. I can explain the green channel's policies, "
                          "materials and steps, and help you apply, check progress or book a visit, for example "
                          "\"What documents do I need for hukou?\". Type \"help\" to see everything I can do."));
}

std::string handoff(config::CenterConfig const& c, Language lang) {
  std::string out(pick(lang,
                       "好的，正在为您转接市人才交流中心的工作人员，请稍候。您可以先在这里描述您的问题，工作人员接入后都能看到。",
                       "Sure, I'm putting you through to the staff of the Talent Exchange Center; please hold on. "
                       "You can describe your question here in the meantime and they will see it."));
  if (!c.hours.empty()) {
    out += std::string(pick(lang, "人工服务时间：", " Staff hours: ")) + c.hours + std::string(pick(lang, "。", "."));
  }
  return out;
}

// Article 11: delay or buck-passing in accepting or handling a matter is reported for accountability.
std::string complaint(std::optional<std::string> const& case_id, config::CenterConfig const& c, Language lang) {
  std::string out;
  if (lang == Language::en) {
    out = "I'm sorry this has happened. I've recorded your complaint" +
          (case_id ? " about " + *case_id : std::string()) +
          " and passed it to the Talent Exchange Center to follow up at once. Under the green channel's "
          "accountability rules (article 11), delays or passing the buck are followed up and reported, and you "
          "will hear back about the outcome.";
    if (!case_id) out += " If you can, tell me your application number (like GC20261124-0007) and what happened.";
    if (!c.phone.empty()) out += " You can also call " + c.phone + ".";
  } else {
    out = "非常抱歉让您遇到这样的情况。您反映的问题" + (case_id ? "（申请 " + *case_id + "）" : std::string()) +
          "已经记录，并立即转交市人才交流中心督办。按照绿色通道责任追究机制（第十一条），受理、承办中拖延、推诿的情况"
          "会被跟踪问责，处理结果会反馈给您。";
    if (!case_id) out += "方便的话，请补充申请编号（如 GC20261124-0007）和具体情况，便于尽快核实。";
    if (!c.phone.empty()) out += "也可以致电 " + c.phone + " 反映。";
  }
  return out;
}

std::string apply_holding(Service const* s, Language lang) {
  if (s == nullptr) {
    return std::string(pick(lang, "点击或回复数字选择；之后我再确认您的姓名、手机号码和工作单位。",
                            "Tap one or reply with its number; then I'll confirm your name, mobile number and "
                            "employer."));
  }
  auto name = name_of(*s, lang);
  if (lang == Language::en) {
    return "Sure, let's apply for " + name + ". Before I submit it I need your name, mobile number" +
           (s->id_number ? std::string(", employer and resident ID number") : std::string(" and employer")) +
           "; I'll ask for them one at a time.";
  }
  return "好的，我来帮您申请「" + name + "」。提交前需要确认您的姓名、手机号码" +
         (s->id_number ? std::string("、工作单位和身份证号码") : std::string("和工作单位")) + "，我会逐项询问。";
}

std::string case_status_holding(std::optional<std::string> const& case_id, Language lang) {
  if (case_id) {
    return lang == Language::en ? "Let me look up the progress of application " + *case_id + "."
                                : "好的，正在为您查询申请 " + *case_id + " 的办理进度。";
  }
  return std::string(pick(lang, "请告诉我您的申请编号（形如 GC20261124-0007，见受理回执），我来为您查询进度。",
                          "Please tell me your application number (like GC20261124-0007, on your receipt) and "
                          "I'll check its progress."));
}

std::string format_when(std::string_view iso, Language lang) {
  auto num = [&](std::size_t at, std::size_t len) {
    int v = -1;
    if (at + len > iso.size()) return -1;
    auto r = std::from_chars(iso.data() + at, iso.data() + at + len, v);
    return r.ec == std::errc() && r.ptr == iso.data() + at + len ? v : -1;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return {};
  int hh = iso.size() >= 16 ? num(11, 2) : -1, mm = iso.size() >= 16 ? num(14, 2) : -1;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return {};
  unsigned wd = weekday{sys_days{ymd}}.c_encoding();
  char clock[32] = "";
  if (hh >= 0 && mm >= 0) std::snprintf(clock, sizeof clock, "%02d:%02d", hh, mm);
  if (lang == Language::en) {
    static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto month_name = kMonths[static_cast<std::size_t>(m - 1)];
    std::string out = std::string(kDays[wd]) + " " + std::to_string(d) + " " + std::string(month_name);
    if (clock[0] != '\0') out += std::string(", ") + clock;
    return out;
  }
  static constexpr std::array<std::string_view, 7> kDays = {"日", "一", "二", "三", "四", "五", "六"};
  std::string out = std::to_string(m) + "月" + std::to_string(d) + "日（周" + std::string(kDays[wd]) + "）";
  if (clock[0] != '\0') out += clock;
  return out;
}

std::string offer_question(std::string_view offer, Language lang) {
  std::string_view zh = "还有其他可以帮您的吗？", en = "Is there anything else I can help with?";
  if (offer == "ask_materials") zh = "需要我把所需材料一次性列给您吗？", en = "Shall I list every material you need?";
  if (offer == "ask_process") zh = "需要了解办理流程和时限吗？", en = "Would you like the steps and the time limit?";
  if (offer == "apply") zh = "材料备齐后，需要我帮您提交申请吗？", en = "Once your materials are ready, shall I help you apply?";
  return std::string(pick(lang, zh, en));
}

}  // namespace talentbot::bot::replies
