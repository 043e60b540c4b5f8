// Case texts; see case_replies.hpp.
#include "bot/case_replies.hpp"

#include <cstdio>

#include "bot/replies.hpp"

namespace talentbot::bot::case_replies {
namespace {

using replies::pick;

std::string service_name(Case const& c, intents::Knowledge const& kb, Language lang) {
  auto const* s = kb.service(c.service);
  return s ? replies::name_of(*s, lang) : c.service;
}

std::string department_of(Case const& c, intents::Knowledge const& kb, Language lang) {
  return replies::department_label(kb, c.department, lang);
}

// "11-25 14:05" in China time.
std::string short_time(std::int64_t unix_seconds, Language lang) {
  auto const local = std::chrono::sys_seconds(std::chrono::seconds(unix_seconds)) + std::chrono::hours(8);
  auto const day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss hms(local - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, lang == Language::en ? "%02u/%02u %02d:%02d" : "%02u-%02u %02d:%02d",
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()));
  return buf;
}

std::string event_label(std::string_view what, Language lang) {
  if (auto status = parse_case_status(what)) return status_label(*status, lang);
  return std::string(what);
}

}  // namespace

std::string status_label(CaseStatus status, Language lang) {
  switch (status) {
    case CaseStatus::submitted: return std::string(pick(lang, "已提交，待部门受理", "Submitted, awaiting the department"));
    case CaseStatus::accepted: return std::string(pick(lang, "已受理", "Accepted"));
    case CaseStatus::in_progress: return std::string(pick(lang, "办理中", "In progress"));
    case CaseStatus::needs_materials: return std::string(pick(lang, "需补充材料", "Materials needed"));
    case CaseStatus::result_ready: return std::string(pick(lang, "办理结果已出", "Result ready"));
    case CaseStatus::closed: return std::string(pick(lang, "已办结", "Closed"));
    case CaseStatus::rejected: return std::string(pick(lang, "未予受理", "Not accepted"));
  }
  return {};
}

std::string receipt(Case const& c, intents::Knowledge const& kb, Language lang) {
  auto const* s = kb.service(c.service);
  int const days = s ? s->time_limit.working_days : 0;
  bool const in_person = s && s->in_person;
  if (lang == Language::en) {
    std::string out = "Your application is submitted.\nNumber: " + c.id + "\nService: " + service_name(c, kb, lang) +
                      "\nHandled by: " + department_of(c, kb, lang) + " (a named specialist)\nTime limit: " +
                      std::to_string(days) + " working days, due by " + c.deadline;
    if (in_person) out += "\nYou need to come in person: say \"book an appointment\" to pick a time at the window.";
    return out + "\nYou'll be told every step here. To check at any time, send \"" + c.id + " progress\".";
  }
  std::string out = "您的申请已提交。\n编号：" + c.id + "\n事项：" + service_name(c, kb, lang) + "\n承办部门：" +
                    department_of(c, kb, lang) + "（专员办理）\n办理时限：" + std::to_string(days) +
                    " 个工作日，预计 " + c.deadline + " 前办结";
  if (in_person) out += "\n该事项需本人到场：可回复“预约”选择窗口办理时间。";
  return out + "\n每一步进展都会在这里通知您；随时发送“" + c.id + " 进度”查询。";
}

std::string already_open(Case const& c, intents::Knowledge const& kb, Language lang) {
  if (lang == Language::en) {
    return "You already have an open application for " + service_name(c, kb, lang) + ": " + c.id + " (" +
           status_label(c.status, lang) + "). No second one is needed; send \"" + c.id + " progress\" to follow it.";
  }
  return "您已有一件正在办理的「" + service_name(c, kb, lang) + "」申请：" + c.id + "（" +
         status_label(c.status, lang) + "），无需重复提交。发送“" + c.id + " 进度”可查看详情。";
}

std::string progress(Case const& c, intents::Knowledge const& kb, WorkingCalendar const& calendar,
                     std::chrono::year_month_day today, Language lang) {
  bool const en = lang == Language::en;
  std::string out = (en ? "Application " : "申请 ") + c.id + " · " + service_name(c, kb, lang) +
                    (en ? "\nStatus: " : "\n状态：") + status_label(c.status, lang) +
                    (en ? "\nHandled by: " : "\n承办部门：") + department_of(c, kb, lang);
  if (auto due = parse_date(c.deadline); due && !c.deadline.empty()) {
    out += (en ? "\nDue by: " : "\n办理期限：") + c.deadline;
    if (!is_final(c.status)) {
      int const left = calendar.working_days_between(today, *due);
      if (left < 0) out += en ? " (overdue; the center has been told)" : "（已超期，已报市人才交流中心督办）";
      else out += en ? " (" + std::to_string(left) + " working days left)" : "（还剩 " + std::to_string(left) + " 个工作日）";
    }
  }
  out += en ? "\nHistory:" : "\n办理记录：";
  for (auto const& h : c.history) {
    if (h.what == "note") continue;  // internal notes are for the department and the center
    out += '\n';
    out += short_time(h.at, lang);
    out += ' ';
    out += event_label(h.what, lang);
    if (!h.note.empty()) out += (en ? ": " : "：") + h.note;
  }
  return out;
}

std::string overview(std::vector<Case> const& cases, intents::Knowledge const& kb, Language lang) {
  std::string out = std::string(pick(lang, "您的申请：", "Your applications:"));
  std::size_t shown = 0;
  for (auto const& c : cases) {
    if (++shown > 5) break;
    out += '\n';
    out += c.id;
    out += ' ';
    out += service_name(c, kb, lang);
    out += " · ";
    out += status_label(c.status, lang);
  }
  out += pick(lang, "\n发送编号加“进度”查看详情，例如“", "\nSend a number with \"progress\" for the details, e.g. \"");
  out += cases.front().id;
  out += pick(lang, " 进度”。", " progress\".");
  return out;
}

std::string not_found(std::string_view case_id, Language lang) {
  if (lang == Language::en) {
    return "I can't find an application numbered " + std::string(case_id) +
           " among yours. Please check the number on your receipt.";
  }
  return "在您的申请中没有找到编号为 " + std::string(case_id) + " 的申请，请核对受理回执上的编号。";
}

std::string none_yet(Language lang) {
  return std::string(pick(lang, "您还没有通过这里提交过申请。需要时可以说“我要申请…”，例如“我要申请人才落户”。",
                          "You have no applications here yet. Say \"I want to apply for …\" to start one."));
}

std::string status_push(Case const& c, HistoryEntry const& entry, intents::Knowledge const& kb, Language lang) {
  bool const en = lang == Language::en;
  std::string out = (en ? "Update on application " : "您的申请 ") + c.id + (en ? " (" : "（") +
                    service_name(c, kb, lang) + (en ? "): " : "）进展：") + event_label(entry.what, lang);
  if (!entry.note.empty()) out += (en ? "\nNote: " : "\n说明：") + entry.note;
  if (entry.what == "needs_materials") {
    out += en ? "\nPlease bring or send what is listed; the time limit resumes once it is complete."
              : "\n请按上述说明补充材料，材料齐全后继续办理。";
  } else if (entry.what == "result_ready") {
    out += en ? "\nThe result is ready; the center will tell you how to collect it if you need to come."
              : "\n办理结果已出，如需领取，工作人员会告知领取方式。";
  }
  return out + (en ? "\nSend \"" + c.id + " progress\" for the details." : "\n发送“" + c.id + " 进度”查看详情。");
}

std::string new_case_notice(Case const& c, intents::Knowledge const& kb) {
  std::string out = "【绿色通道新案件】" + c.id + "\n事项：" + service_name(c, kb, Language::zh) + "\n申请人：" +
                    c.talent_name + "（" + c.employer + "）\n联系电话：" + c.phone + "\n办理期限：" + c.deadline;
  if (!c.id_number_masked.empty()) out += "\n身份证号：" + c.id_number_masked;
  return out;
}

}  // namespace talentbot::bot::case_replies
