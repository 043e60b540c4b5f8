#include "bot/case_filter.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "bot/echo_input.hpp"

namespace talentbot::bot {
namespace {

using nlohmann::json;
using std::chrono::year_month_day;

std::string status_names() {
  std::string out;
  for (auto s : kAllStatuses) out += (out.empty() ? "" : ", ") + std::string(to_string(s));
  return out;
}

std::optional<std::string> parse_statuses(std::string_view text, std::vector<CaseStatus>& out) {
  while (true) {
    auto const comma = text.find(',');
    auto const name = text.substr(0, comma);
    auto const status = parse_case_status(name);
    if (!status) return "status: " + echo_input(name) + " is not a status (one or more of " + status_names() + ")";
    out.push_back(*status);
    if (comma == std::string_view::npos) return std::nullopt;
    text.remove_prefix(comma + 1);
  }
}

std::optional<std::string> parse_day(std::string_view key, std::string_view text,
                                     std::optional<year_month_day>& out) {
  out = parse_date(text);
  if (!out) return std::string(key) + ": " + echo_input(text) + " is not a date (expected yyyy-mm-dd)";
  return std::nullopt;
}

json summary_json(Case const& c, year_month_day today) {
  return json{{"id", c.id},
              {"status", std::string(to_string(c.status))},
              {"service", c.service},
              {"department", c.department},
              {"talent_user", c.talent_user},
              {"talent_name", c.talent_name},
              {"assigned_specialist", c.assigned_specialist},
              {"received", format_date(local_date(c.created_at))},
              {"created_at", c.created_at},
              {"deadline", c.deadline},
              {"overdue", is_overdue(c, today)}};
}

}  // namespace

bool CaseFilter::open_only() const {
  if (overdue == true) return true;
  return !statuses.empty() && std::none_of(statuses.begin(), statuses.end(), is_final);
}

std::optional<std::string> parse_case_filter(std::map<std::string, std::string, std::less<>> const& query,
                                             std::function<bool(std::string_view)> const& known_department,
                                             CaseFilter& out) {
  CaseFilter f;
  for (auto const& [key, value] : query) {
    if (key == "status") {
      if (auto e = parse_statuses(value, f.statuses)) return e;
    } else if (key == "department") {
      if (!known_department(value))
        return "department: " + echo_input(value) + " is not a department id of the knowledge base";
      f.department = value;
    } else if (key == "overdue") {
      if (value != "true" && value != "false") return "overdue: expected true or false, got " + echo_input(value);
      f.overdue = value == "true";
    } else if (key == "from") {
      if (auto e = parse_day("from", value, f.from)) return e;
    } else if (key == "to") {
      if (auto e = parse_day("to", value, f.to)) return e;
    } else if (key == "limit") {
      std::size_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || p != value.data() + value.size() || n < 1 || n > kMaxCaseListLimit)
        return "limit: expected a whole number from 1 to " + std::to_string(kMaxCaseListLimit) + ", got " +
               echo_input(value);
      f.limit = n;
    } else {
      return "unknown parameter " + echo_input(key) + " (known: status, department, overdue, from, to, limit)";
    }
  }
  if (f.from && f.to && *f.to < *f.from)
    return "from (" + format_date(*f.from) + ") is after to (" + format_date(*f.to) + ")";
  out = std::move(f);
  return std::nullopt;
}

bool is_overdue(Case const& c, year_month_day today) {
  if (is_final(c.status)) return false;
  auto const deadline = parse_date(c.deadline);
  return deadline && *deadline < today;
}

bool matches(Case const& c, CaseFilter const& f, year_month_day today) {
  if (!f.statuses.empty() && std::find(f.statuses.begin(), f.statuses.end(), c.status) == f.statuses.end()) return false;
  if (!f.department.empty() && c.department != f.department) return false;
  if (f.overdue && is_overdue(c, today) != *f.overdue) return false;
  auto const received = local_date(c.created_at);
  if (f.from && received < *f.from) return false;
  if (f.to && received > *f.to) return false;
  return true;
}

std::string case_list_json(std::vector<Case> cases, CaseFilter const& filter, year_month_day today) {
  std::erase_if(cases, [&](Case const& c) { return !matches(c, filter, today); });
  std::sort(cases.begin(), cases.end(), [](Case const& a, Case const& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });
  json list = json::array();
  for (std::size_t i = 0; i < cases.size() && i < filter.limit; ++i) list.push_back(summary_json(cases[i], today));
  return json{{"cases", std::move(list)}, {"total", cases.size()}, {"limit", filter.limit}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace talentbot::bot
