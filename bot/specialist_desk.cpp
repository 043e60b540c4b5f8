// The specialist's desk; see specialist_desk.hpp.
#include "bot/specialist_desk.hpp"

#include <sstream>

#include "bot/agenda.hpp"
#include "bot/archive_reader.hpp"
#include "bot/case_replies.hpp"
#include "bot/cases.hpp"
#include "intents/knowledge.hpp"
#include "storage/cases.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using intents::Language;

namespace {

constexpr std::string_view kNoteFlow = "note";
// Refused by storage (the archive never holds a full number); said instead of retrying forever.
constexpr char const* kNoIdNumbers = "说明里不能包含完整的身份证号码（档案只保存隐去中间数字的号码），请删去后重发。";

void say(SpecialistTurn& t, std::string text) { t.replies.push_back(Reply{Reply::Kind::text, {}, std::move(text), {}, {}}); }

std::string usage() {
  return "可用操作：\n"
         "· 点击案件卡片上的按钮更新状态\n"
         "· /cases 或“我的案件”：本部门办理中的案件\n"
         "· /status <编号> <状态> [说明]：如 /status GC20261124-0007 needs_materials 缺学位证复印件\n"
         "  状态：accepted 受理、in_progress 办理中、needs_materials 需补材料、result_ready 结果已出、closed 办结、rejected 退回\n"
         "· /note <编号> <备注>：内部备注（记入档案，申请人看不到）\n"
         "· /agenda 或“今日预约”：本部门今天的窗口预约\n"
         "· 转人工对话：点“接入”或 /take <用户>；直接回复即转给对方，多个对话用“#编号 内容”，/handback 或“交还机器人”结束\n"
         "· /help 或“帮助”：本说明";
}

std::string trim(std::string_view s) {
  auto const b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto const e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Built outside the coroutine (g++ 12 and braced std::string members in coroutine bodies).
storage::StatusChange change_of(std::string const& id, CaseStatus to, std::string const& who, std::string const& note,
                                std::int64_t at) {
  storage::StatusChange s;
  s.case_id = id;
  s.to = std::string(to_string(to));
  s.allowed_from = allowed_from(to);
  s.closes = is_final(to);
  s.entry = history_entry_json(HistoryEntry{at, who, s.to, note});
  s.at = at;
  return s;
}

std::string note_entry(std::int64_t at, std::string const& who, std::string const& text) {
  return history_entry_json(HistoryEntry{at, who, "note", text});
}

// The case a lookup found, if any and readable.
std::optional<Case> found(std::optional<storage::StoredCase> const& stored, Logger const& log) {
  return stored ? case_of(*stored, log) : std::nullopt;
}

bool may_handle(Specialist const& who, Case const& c) {
  return who.role == Specialist::Role::coordinator || who.department == c.department;
}

std::string department_cases(std::vector<storage::StoredCase> const& stored, intents::Knowledge const& kb,
                             Logger const& log) {
  if (stored.empty()) return "本部门目前没有办理中的案件。";
  std::string out = "本部门办理中的案件（按期限）：";
  for (auto const& s : stored) {
    auto c = case_of(s, log);
    if (!c) continue;
    auto const* service = kb.service(c->service);
    out += "\n" + c->id;
    out += ' ';
    out += service ? service->name.zh : c->service;
    out += " · ";
    out += case_replies::status_label(c->status, Language::zh);
    out += " · 期限 " + c->deadline;
  }
  return out;
}

}  // namespace

std::optional<StatusCommand> parse_status_command(std::string_view text) {
  auto const t = trim(text);
  if (!t.starts_with("/status")) return std::nullopt;
  std::istringstream in(t.substr(7));
  StatusCommand cmd;
  std::string raw_id;
  if (!(in >> raw_id >> cmd.status)) return std::nullopt;
  auto id = CaseId::parse(raw_id);
  if (!id) return std::nullopt;
  cmd.case_id = id->str();
  std::getline(in, cmd.note);
  cmd.note = trim(cmd.note);
  return cmd;
}

asio::awaitable<std::optional<SpecialistTurn>> specialist_turn(SpecialistDesk desk, Specialist who, std::string text,
                                                               std::string event_key, Session session, std::int64_t at) {
  SpecialistTurn turn;
  turn.session = session;
  auto const t = trim(text);
  std::string case_id, status, note;
  bool have_note = false;

  if (event_key.starts_with("case:")) {  // case:<id>:<status> from a case card
    auto const second = event_key.find(':', 5);
    case_id = event_key.substr(5, second == std::string::npos ? std::string::npos : second - 5);
    status = second == std::string::npos ? std::string() : event_key.substr(second + 1);
  } else if (!event_key.empty()) {
    say(turn, usage());
    co_return turn;
  } else if (session.flow == kNoteFlow) {  // the note a button asked for
    turn.session.flow.clear();
    turn.session.slots.clear();
    if (t == "取消" || t == "/cancel" || t == "cancel") {
      say(turn, "好的，未做更改。");
      co_return turn;
    }
    case_id = session.slots["case"];
    status = session.slots["to"];
    note = t;
    have_note = true;
  } else if (auto cmd = parse_status_command(t)) {
    case_id = cmd->case_id;
    status = cmd->status;
    note = cmd->note;
    have_note = !note.empty();
  } else if (t.starts_with("/note ") || t.starts_with("/备注 ")) {
    // An internal note: kept in the case's history for colleagues and the center, never shown to
    // the talent (the progress answer leaves notes out) and pushed to nobody.
    auto const rest = trim(t.substr(t.find(' ') + 1));
    auto const space = rest.find(' ');
    auto id = CaseId::parse(rest.substr(0, space));
    auto const body = space == std::string::npos ? std::string() : trim(rest.substr(space + 1));
    if (!id || body.empty()) {
      say(turn, "用法：/note <编号> <内部备注>");
      co_return turn;
    }
    auto stored = co_await storage::get_case(*desk.redis, id->str());
    if (!stored) co_return std::nullopt;
    auto const c = found(*stored, *desk.log);
    if (!c || !may_handle(who, *c)) {
      say(turn, "没有找到本部门的案件 " + id->str() + "。");
      co_return turn;
    }
    auto noted = co_await storage::add_note(*desk.redis, c->id, note_entry(at, who.user, body));
    if (!noted && noted.error() == storage::case_errc::unmasked_resident_id) {
      say(turn, kNoIdNumbers);
      co_return turn;
    }
    if (!noted) co_return std::nullopt;
    say(turn, "已为 " + c->id + " 添加内部备注（申请人看不到）。");
    co_return turn;
  } else if (t == "/agenda" || t == "今日预约") {
    auto text_of_day = co_await department_agenda(*desk.redis, *desk.kb, who.department, local_date(at));
    if (!text_of_day) co_return std::nullopt;
    say(turn, std::move(*text_of_day));
    co_return turn;
  } else if (t == "/cases" || t == "我的案件" || t == "本部门案件") {
    auto open = co_await storage::cases_of_department(*desk.redis, who.department, false);
    if (!open) co_return std::nullopt;
    say(turn, department_cases(*open, *desk.kb, *desk.log));
    co_return turn;
  } else {
    say(turn, usage());
    co_return turn;
  }

  auto const to = parse_case_status(status);
  if (!to || *to == CaseStatus::submitted) {
    say(turn, "未知状态“" + status + "”。\n" + usage());
    co_return turn;
  }
  auto stored = co_await storage::get_case(*desk.redis, case_id);
  if (!stored) co_return std::nullopt;
  auto const c = found(*stored, *desk.log);
  if (!c || !may_handle(who, *c)) {
    say(turn, "没有找到本部门的案件 " + case_id + "，请核对编号（/cases 查看本部门案件）。");
    co_return turn;
  }
  if (!can_transition(c->status, *to)) {
    say(turn, "案件 " + c->id + " 当前为“" + case_replies::status_label(c->status, Language::zh) + "”，不能改为“" +
                  case_replies::status_label(*to, Language::zh) + "”。");
    co_return turn;
  }
  if (note_required(*to) && !have_note) {
    turn.session.flow = std::string(kNoteFlow);
    turn.session.slots["case"] = c->id;
    turn.session.slots["to"] = std::string(to_string(*to));
    say(turn, *to == CaseStatus::needs_materials
                  ? "请一次性列出需要补充的材料（第七条 一次性告知），我会原样转告申请人。回复“取消”放弃。"
                  : "请说明退回原因，我会原样转告申请人。回复“取消”放弃。");
    co_return turn;
  }
  auto changed = co_await storage::transition(*desk.redis, change_of(c->id, *to, who.user, note, at));
  if (!changed) {
    if (changed.error() == storage::case_errc::transition_refused) {
      say(turn, "案件 " + c->id + " 的状态刚被他人更新，请发送“/cases”查看最新状态。");
      co_return turn;
    }
    if (changed.error() == storage::case_errc::not_found) {
      say(turn, "没有找到本部门的案件 " + case_id + "。");
      co_return turn;
    }
    if (changed.error() == storage::case_errc::unmasked_resident_id) {
      say(turn, kNoIdNumbers);
      co_return turn;
    }
    co_return std::nullopt;
  }
  desk.log->info("case.status_changed", {{"case", c->id}, {"from", *changed}, {"to", to_string(*to)}, {"by", "specialist"}});
  co_return turn;  // the notifier confirms to the specialist and tells the talent
}

}  // namespace talentbot::bot
