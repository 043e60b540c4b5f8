#include "bot/cases.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "intents/entities.hpp"

namespace talentbot::bot {
using nlohmann::json;

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A full number must never reach the archive: anything without a mask character is masked here.
std::string masked_id_number(std::string_view value) {
  if (value.empty() || value.find('*') != std::string_view::npos) return std::string(value);
  return intents::mask_resident_id(value);
}

json history_to_json(HistoryEntry const& e) {
  return json{{"at", e.at}, {"who", e.who}, {"what", e.what}, {"note", redact_resident_ids(e.note)}};
}

json body_to_json(Case const& c) {
  return json{{"talent_user", c.talent_user},
              {"talent_name", c.talent_name},
              {"phone", c.phone},
              {"employer", c.employer},
              {"id_number_masked", masked_id_number(c.id_number_masked)},
              {"service", c.service},
              {"department", c.department},
              {"created_at", c.created_at},
              {"deadline", c.deadline},
              {"assigned_specialist", c.assigned_specialist},
              {"language", c.language}};
}

std::optional<Case> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

std::string text_field(json const& j, char const* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<HistoryEntry> entry_of(json const& h) {
  if (!h.is_object() || !h.contains("at") || !h["at"].is_number_integer()) return std::nullopt;
  return HistoryEntry{h["at"].get<std::int64_t>(), text_field(h, "who"), text_field(h, "what"),
                      redact_resident_ids(text_field(h, "note"))};
}

std::optional<Case> case_from_object(json const& j, std::string* error) {
  if (!j.is_object()) return fail(error, "case is not a JSON object");
  Case c;
  auto const id = CaseId::from_canonical(text_field(j, "id"));
  if (!id) return fail(error, "invalid case id '" + text_field(j, "id") + "'");
  c.id = id->str();
  auto const status = parse_case_status(text_field(j, "status"));
  if (!status) return fail(error, "unknown status '" + text_field(j, "status") + "'");
  c.status = *status;
  c.talent_user = text_field(j, "talent_user");
  if (c.talent_user.empty()) return fail(error, "case has no talent_user");
  c.talent_name = text_field(j, "talent_name");
  c.phone = text_field(j, "phone");
  c.employer = text_field(j, "employer");
  c.id_number_masked = masked_id_number(text_field(j, "id_number_masked"));
  c.service = text_field(j, "service");
  c.department = text_field(j, "department");
  c.assigned_specialist = text_field(j, "assigned_specialist");
  c.language = text_field(j, "language") == "en" ? "en" : "zh";
  c.deadline = text_field(j, "deadline");
  if (!c.deadline.empty() && !parse_date(c.deadline)) return fail(error, "invalid deadline '" + c.deadline + "'");
  if (auto it = j.find("created_at"); it != j.end()) {
    if (!it->is_number_integer()) return fail(error, "created_at is not an integer");
    c.created_at = it->get<std::int64_t>();
  }
  if (auto it = j.find("history"); it != j.end()) {
    if (!it->is_array()) return fail(error, "history is not a list");
    for (auto const& h : *it) {
      auto entry = entry_of(h);
      if (!entry) return fail(error, "history entry without an integer 'at'");
      c.history.push_back(std::move(*entry));
    }
  }
  return c;
}

}  // namespace

std::optional<CaseId> CaseId::parse(std::string_view text) {
  auto const found = intents::extract_case_id(text);
  return found ? from_canonical(*found) : std::nullopt;
}

std::optional<CaseId> CaseId::from_canonical(std::string_view text) {
  if (text.size() != 15 || !text.starts_with("GC") || text[10] != '-') return std::nullopt;
  if (!is_valid_case_day(text.substr(2, 8)) || !all_digits(text.substr(11, 4))) return std::nullopt;
  if (to_int(text.substr(11, 4)) == 0) return std::nullopt;  // the daily sequence starts at 0001
  return CaseId(std::string(text));
}

std::optional<CaseId> CaseId::make(std::string_view yyyymmdd, int sequence) {
  if (!is_valid_case_day(yyyymmdd) || sequence < 1 || sequence > 9999) return std::nullopt;
  std::string seq = std::to_string(sequence);
  seq.insert(0, 4 - seq.size(), '0');
  return CaseId("GC" + std::string(yyyymmdd) + "-" + seq);
}

int CaseId::sequence() const { return to_int(std::string_view(text_).substr(11, 4)); }

bool is_valid_case_day(std::string_view d) {
  if (d.size() != 8 || !all_digits(d)) return false;
  std::chrono::year_month_day const ymd{std::chrono::year{to_int(d.substr(0, 4))},
                                        std::chrono::month{static_cast<unsigned>(to_int(d.substr(4, 2)))},
                                        std::chrono::day{static_cast<unsigned>(to_int(d.substr(6, 2)))}};
  auto const y = to_int(d.substr(0, 4));
  return ymd.ok() && y >= 2000 && y <= 2099;  // the NLU extractor's range
}

std::string_view to_string(CaseStatus s) {
  switch (s) {
    case CaseStatus::submitted: return "submitted";
    case CaseStatus::accepted: return "accepted";
    case CaseStatus::in_progress: return "in_progress";
    case CaseStatus::needs_materials: return "needs_materials";
    case CaseStatus::result_ready: return "result_ready";
    case CaseStatus::closed: return "closed";
    case CaseStatus::rejected: return "rejected";
  }
  return "unknown";
}

std::optional<CaseStatus> parse_case_status(std::string_view text) {
  for (auto s : kAllStatuses)
    if (to_string(s) == text) return s;
  return std::nullopt;
}

bool is_final(CaseStatus s) { return s == CaseStatus::closed || s == CaseStatus::rejected; }

bool can_transition(CaseStatus from, CaseStatus to) {
  using enum CaseStatus;
  if (is_final(from)) return false;
  if (to == rejected) return true;  // any open case can be refused, with the reason (note_required)
  switch (from) {
    case submitted: return to == accepted;
    case accepted: return to == in_progress;
    case in_progress: return to == needs_materials || to == result_ready;
    case needs_materials: return to == in_progress;
    case result_ready: return to == closed;
    case closed:
    case rejected: return false;
  }
  return false;
}

bool note_required(CaseStatus to) { return to == CaseStatus::rejected || to == CaseStatus::needs_materials; }

std::vector<std::string> allowed_from(CaseStatus to) {
  std::vector<std::string> out;
  for (auto from : kAllStatuses)
    if (can_transition(from, to)) out.emplace_back(to_string(from));
  return out;
}

std::string to_json(Case const& c) {
  json j = body_to_json(c);
  j["id"] = c.id;
  j["status"] = std::string(to_string(c.status));
  json history = json::array();
  for (auto const& e : c.history) history.push_back(history_to_json(e));
  j["history"] = std::move(history);
  return j.dump();
}

std::optional<Case> case_from_json(std::string_view text, std::string* error) {
  auto const j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return fail(error, "case is not valid JSON");
  return case_from_object(j, error);
}

std::string case_body_json(Case const& c) { return body_to_json(c).dump(); }

std::string history_entry_json(HistoryEntry const& e) { return history_to_json(e).dump(); }

std::optional<HistoryEntry> history_entry_from_json(std::string_view text) {
  return entry_of(json::parse(text, nullptr, false));
}

std::optional<Case> case_from_stored(std::string_view id, std::string_view status, std::string_view body,
                                     std::vector<std::string> const& history, std::string* error) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(error, "case body is not a JSON object");
  j["id"] = std::string(id);
  j["status"] = std::string(status);
  json entries = json::array();
  for (auto const& h : history) {
    auto e = json::parse(h, nullptr, false);
    if (e.is_discarded()) return fail(error, "history entry is not valid JSON");
    entries.push_back(std::move(e));
  }
  j["history"] = std::move(entries);
  return case_from_object(j, error);
}

std::string redact_resident_ids(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    bool const starts = is_digit(text[i]) && (i == 0 || !is_digit(text[i - 1]));
    if (starts) {
      // 17 digits and a check character, single spaces or dashes allowed between groups
      // ("410105 19900307 123X"): the spellings the NLU extractor accepts.
      std::string id;
      std::size_t p = i;
      while (p < text.size() && id.size() < 18) {
        char const ch = text[p];
        if (is_digit(ch) || (id.size() == 17 && (ch == 'X' || ch == 'x'))) {
          id.push_back(ch == 'x' ? 'X' : ch);
          ++p;
        } else if ((ch == ' ' || ch == '-') && !id.empty() && p + 1 < text.size() && is_digit(text[p + 1]) &&
                   id.size() < 17) {
          ++p;
        } else if ((ch == ' ' || ch == '-') && id.size() == 17 && p + 1 < text.size() &&
                   (is_digit(text[p + 1]) || text[p + 1] == 'X' || text[p + 1] == 'x')) {
          ++p;
        } else {
          break;
        }
      }
      bool const longer_run = p < text.size() && is_digit(text[p]);
      if (id.size() == 18 && !longer_run) {
        out += intents::mask_resident_id(id);
        i = p;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::chrono::year_month_day deadline_for(std::chrono::year_month_day received, int working_days,
                                         WorkingCalendar const& calendar) {
  return calendar.add_working_days(received, std::max(0, working_days));
}

}  // namespace talentbot::bot
