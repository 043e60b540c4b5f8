// Appointment texts; see appointment_replies.hpp.
#include "bot/appointment_replies.hpp"

#include <cstdio>

#include "bot/replies.hpp"

namespace talentbot::bot::appointment_replies {
namespace {

using namespace std::chrono;
using replies::pick;

constexpr std::string_view kPrefix = "appt:";
constexpr std::size_t kMaxButtons = 6;  // a WeCom button_interaction card holds at most six

// "11月27日 15:00" / "27 Nov 15:00": short enough for a button.
std::string button_label(Slot const& slot, Language lang) {
  static constexpr char const* kEnMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto const d = china_date(slot.start);
  auto const local = slot.start + kChinaOffset;
  hh_mm_ss<minutes> const t{floor<minutes>(local - floor<days>(local))};
  char buf[48];
  auto const m = static_cast<unsigned>(d.month()), dd = static_cast<unsigned>(d.day());
  auto const h = static_cast<int>(t.hours().count()), mm = static_cast<int>(t.minutes().count());
  if (lang == Language::en) std::snprintf(buf, sizeof buf, "%u %s %02d:%02d", dd, kEnMonths[m - 1], h, mm);
  else std::snprintf(buf, sizeof buf, "%u月%u日 %02d:%02d", m, dd, h, mm);
  return buf;
}

// "24 小时" / "1 hour" / "30 分钟".
std::string span(minutes m, Language lang) {
  bool const en = lang == Language::en;
  if (m.count() % 60 == 0) {
    auto const h = m.count() / 60;
    return std::to_string(h) + (en ? (h == 1 ? " hour" : " hours") : " 小时");
  }
  return std::to_string(m.count()) + (en ? " minutes" : " 分钟");
}

// "国庆节 National Day" holds both names: the one of the language.
std::string holiday_name(std::string const& both, Language lang) {
  auto const space = both.find(' ');
  if (space == std::string::npos) return both;
  return lang == Language::en ? both.substr(space + 1) : both.substr(0, space);
}

std::string day_text(year_month_day d, Language lang) {
  char buf[32];
  if (lang == Language::en) std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
  else std::snprintf(buf, sizeof buf, "%u月%u日", unsigned(d.month()), unsigned(d.day()));
  return buf;
}

std::string where(Visit const& v, Language lang) {
  std::string out = v.department_name + std::string(pick(lang, " 窗口", " window"));
  if (!v.address.empty()) out += (lang == Language::en ? ", " : "，") + v.address;
  return out;
}

Reply card(std::string title, std::string desc, std::vector<wecom::CardButton> buttons, std::string tag) {
  return Reply{Reply::Kind::buttons, std::move(title), std::move(desc), std::move(buttons), std::move(tag)};
}

}  // namespace

std::optional<Button> parse_button(std::string_view key) {
  if (!key.starts_with(kPrefix)) return std::nullopt;
  key.remove_prefix(kPrefix.size());
  auto const colon = key.find(':');
  if (colon == std::string_view::npos || colon + 1 >= key.size()) return std::nullopt;
  auto const verb = key.substr(0, colon);
  auto const rest = key.substr(colon + 1);
  Button b;
  if (verb == "move" || verb == "cancel") {
    b.action = verb == "move" ? Button::Action::move : Button::Action::cancel;
    b.appointment = std::string(rest);
    return b;
  }
  auto const split = rest.find(':');
  b.service = std::string(rest.substr(0, split));
  auto const tail = split == std::string_view::npos ? std::string_view() : rest.substr(split + 1);
  if (verb == "svc") {
    b.action = Button::Action::service;
    b.when = std::string(tail);
    return b;
  }
  if (verb == "book" && !tail.empty()) {
    b.action = Button::Action::book;
    b.slot_id = std::string(tail);
    return b;
  }
  return std::nullopt;
}

std::string book_key(std::string_view service, std::string_view slot_id) {
  std::string key(kPrefix);
  key += "book:";
  key += service;
  key += ':';
  key += slot_id;
  return key;
}

std::string service_key(std::string_view service, std::string_view when) {
  std::string key(kPrefix);
  key += "svc:";
  key += service;
  if (!when.empty()) {
    key += ':';
    key += when;
  }
  return key;
}

std::string confirmation(Visit const& v, bool moved, std::size_t materials, bool consultation,
                         std::vector<minutes> const& reminders, Language lang) {
  bool const en = lang == Language::en;
  std::string out;
  if (en) {
    out = moved ? "Your appointment is moved." : "Your appointment is booked.";
    out += "\nNumber: " + v.id + "\nService: " + v.service_name;
    if (consultation) out += " (consultation)";
    out += "\nTime: ";
    out += describe(v.slot, false);
    out += "\nPlace: ";
    out += where(v, lang);
    if (materials > 0) {
      out += "\nPlease bring: the ";
      out += std::to_string(materials);
      out += " materials on the checklist (reply \"materials\" to see it)";
    } else {
      out += "\nPlease bring: your ID (reply \"materials\" to see the checklist)";
    }
  } else {
    out = moved ? "已为您改约。" : "已为您预约。";
    out += "\n预约号：" + v.id + "\n事项：" + v.service_name;
    if (consultation) out += "（当面咨询）";
    out += "\n时间：";
    out += describe(v.slot, true);
    out += "\n地点：";
    out += where(v, lang);
    if (materials > 0) {
      out += "\n请携带：办理所需的 ";
      out += std::to_string(materials);
      out += " 项材料（回复“材料”查看清单）";
    } else {
      out += "\n请携带：本人身份证件（回复“材料”查看清单）";
    }
  }
  if (!reminders.empty()) {
    std::string list;
    for (auto const r : reminders) {
      if (!list.empty()) list += en ? " and " : "和 ";
      list += span(r, lang);
    }
    out += en ? "\nI'll remind you " + list + " before." : "\n将在预约前 " + list + "提醒您。";
  }
  return out;
}

Reply manage_card(std::string const& appointment_id, Language lang) {
  std::vector<wecom::CardButton> buttons{
      {std::string(pick(lang, "改约", "Reschedule")), "appt:move:" + appointment_id, 1},
      {std::string(pick(lang, "取消预约", "Cancel")), "appt:cancel:" + appointment_id, 2}};
  return card(std::string(pick(lang, "预约 ", "Appointment ")) + appointment_id,
              std::string(pick(lang, "需要改时间或取消，点下方按钮或直接告诉我。",
                               "To change the time or cancel, tap below or just tell me.")),
              std::move(buttons), "appt_manage");
}

std::string refusal(Verdict const& v, bool full, std::string const& asked, std::string const& hours, Language lang) {
  bool const en = lang == Language::en;
  std::string const at = asked.empty() ? std::string(pick(lang, "该时间", "That time")) : asked;
  if (full) return en ? at + " is fully booked." : at + " 已约满。";
  switch (v.refusal) {
    case Refusal::in_past: return en ? at + " has already passed." : at + " 已经过去了。";
    case Refusal::too_soon: {
      auto const earliest = year_month_day{floor<days>(v.earliest + kChinaOffset)};
      auto const local = v.earliest + kChinaOffset;
      hh_mm_ss<minutes> const t{floor<minutes>(local - floor<days>(local))};
      char clock[16];
      std::snprintf(clock, sizeof clock, "%02d:%02d", int(t.hours().count()), int(t.minutes().count()));
      return en ? at + " is too soon: the window needs time to prepare, so the earliest is after " +
                      day_text(earliest, lang) + " " + clock + "."
                : at + " 太近了：窗口需要提前准备，最早可约 " + day_text(earliest, lang) + " " + clock + " 之后的时段。";
    }
    case Refusal::beyond_horizon:
      return en ? at + " is too far ahead: appointments open up to " + day_text(v.last_day, lang) + "."
                : at + " 太远了：目前最晚可约到 " + day_text(v.last_day, lang) + "。";
    case Refusal::not_working_day:
      if (!v.holiday.empty()) {
        auto const name = holiday_name(v.holiday, lang);
        return en ? at + " falls on " + name + ", a public holiday: the windows are closed."
                  : at + " 是" + name + "假期，窗口不办公。";
      }
      return en ? at + " is not a working day: the windows are closed." : at + " 不是工作日，窗口不办公。";
    case Refusal::outside_hours:
      return en ? at + " is outside the window's hours (" + hours + ")."
                : at + " 不在窗口办公时间内（" + hours + "）。";
    case Refusal::none: break;
  }
  return {};
}

std::vector<Reply> offer_slots(std::string const& lead, std::vector<Slot> const& slots, std::string_view service,
                               Language lang) {
  std::vector<Reply> out;
  if (slots.empty()) {
    out.push_back(Reply{Reply::Kind::text, {}, lead + std::string(pick(lang, "近期暂无可约时段，请换一天再试，或联系中心。",
                                                                        " No free times soon; please try another "
                                                                        "day or contact the center.")),
                        {}, {}});
    return out;
  }
  std::string text = lead;
  std::vector<wecom::CardButton> buttons;
  for (std::size_t i = 0; i < slots.size() && i < kMaxButtons; ++i) {
    text += '\n';
    text += std::to_string(i + 1);
    text += ". ";
    text += describe(slots[i], lang != Language::en);
    buttons.push_back({button_label(slots[i], lang), book_key(service, slots[i].id()), 1});
  }
  out.push_back(Reply{Reply::Kind::text, {}, std::move(text), {}, {}});
  out.push_back(card(std::string(pick(lang, "请选择预约时间", "Pick a time")),
                     std::string(pick(lang, "点击或回复数字预约；其他时间请直接告诉我。",
                                      "Tap one or reply with its number; for another time just tell me.")),
                     std::move(buttons), "appt_slots"));
  return out;
}

Reply which_service(std::vector<intents::Service const*> const& services, std::string_view when, Language lang) {
  std::vector<wecom::CardButton> buttons;
  for (auto const* s : services) {
    if (buttons.size() >= kMaxButtons) break;
    buttons.push_back({replies::short_name(*s, lang), service_key(s->id, when), 1});
  }
  return card(std::string(pick(lang, "您要预约办理哪项服务？", "Which service is the appointment for?")),
              std::string(pick(lang, "以下事项需本人到窗口办理；其他事项请直接告诉我名称。",
                               "These need you in person; for another service just tell me its name.")),
              std::move(buttons), "appt_service");
}

std::string consultation_note(std::string const& service_name, Language lang) {
  return lang == Language::en
             ? service_name + " does not need you in person: it can be handled online or by the center for you. "
               "If you would still like to talk it through at the window, you can book a consultation."
             : "「" + service_name + "」无需本人到场，可在线或由中心代办。如仍希望到窗口当面咨询，可以预约咨询时间。";
}

std::string listing(std::vector<Visit> const& visits, Language lang) {
  bool const en = lang == Language::en;
  std::string out = en ? "Your appointments:" : "您的预约：";
  for (auto const& v : visits) {
    out += "\n" + v.id + " · " + v.service_name + "\n  " + describe(v.slot, !en) + (en ? "\n  at " : "\n  地点：") +
           where(v, lang);
  }
  return out;
}

std::string none_booked(Language lang) {
  return std::string(pick(lang, "您目前没有待办的预约。需要时可以说“明天下午三点去办落户”。",
                          "You have no upcoming appointments. To book one, say e.g. \"tomorrow 3pm for hukou\"."));
}

std::string cancelled(Visit const& v, Language lang) {
  return lang == Language::en ? "Your appointment " + v.id + " (" + v.service_name + ", " + describe(v.slot, false) +
                                    ") is cancelled; its reminders are off. Book again whenever you like."
                              : "已取消预约 " + v.id + "（" + v.service_name + "，" + describe(v.slot, true) +
                                    "），提醒也已取消。需要时可随时重新预约。";
}

std::string already_cancelled(Language lang) {
  return std::string(pick(lang, "该预约已取消，无需再次操作。", "That appointment is already cancelled."));
}

Reply which_appointment(std::vector<Visit> const& visits, bool cancel, Language lang) {
  std::vector<wecom::CardButton> buttons;
  for (auto const& v : visits) {
    if (buttons.size() >= kMaxButtons) break;
    buttons.push_back({button_label(v.slot, lang), std::string(cancel ? "appt:cancel:" : "appt:move:") + v.id, 1});
  }
  std::string title = cancel ? std::string(pick(lang, "要取消哪一个预约？", "Which appointment to cancel?"))
                             : std::string(pick(lang, "要改哪一个预约？", "Which appointment to move?"));
  return card(std::move(title), listing(visits, lang), std::move(buttons), cancel ? "appt_cancel" : "appt_move");
}

std::string reminder(Visit const& v, minutes before, Language lang) {
  return lang == Language::en ? "Reminder: your appointment " + v.id + " for " + v.service_name + " is in " +
                                    span(before, lang) + ", " + describe(v.slot, false) + ", at " + where(v, lang) +
                                    ". Please bring your materials (reply \"materials\" for the list)."
                              : "预约提醒：您预约的「" + v.service_name + "」将在 " + span(before, lang) + "后开始，" +
                                    describe(v.slot, true) + "，地点：" + where(v, lang) +
                                    "。请带齐材料（回复“材料”查看清单）；如需改约或取消，直接告诉我。";
}

}  // namespace talentbot::bot::appointment_replies
