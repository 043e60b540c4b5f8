#include "bot/report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include "bot/echo_input.hpp"

namespace talentbot::bot {
namespace {

using nlohmann::json;
using std::chrono::year_month_day;

bool in_range(year_month_day d, ReportRange const& r) { return r.from <= d && d <= r.to; }

std::optional<double> median(std::vector<int> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto const n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// The entry that finished the case: the archive's word on when it was closed or rejected.
HistoryEntry const* final_entry(Case const& c) {
  for (auto const& e : c.history)
    if (e.what == to_string(CaseStatus::closed) || e.what == to_string(CaseStatus::rejected)) return &e;
  return nullptr;
}

struct Tally {
  DepartmentRow row;
  std::vector<int> days_to_close;
};

class Tallies {
 public:
  explicit Tallies(std::vector<intents::Department> const& departments) {
    for (auto const& d : departments) {
      DepartmentRow row;
      row.department = d.id;
      row.name = d.name.zh;
      row.name_en = d.name.en;
      index_[d.id] = tallies_.size();
      tallies_.push_back(Tally{std::move(row), {}});
    }
    known_ = tallies_.size();
  }

  Tally& of(std::string const& department) {
    if (auto it = index_.find(department); it != index_.end()) return tallies_[it->second];
    DepartmentRow row;
    row.department = department;
    row.name = department.empty() ? "未指明部门" : department;
    row.name_en = department.empty() ? "no department named" : department;
    index_[department] = tallies_.size();
    tallies_.push_back(Tally{std::move(row), {}});
    return tallies_.back();
  }

  // Knowledge-base order, then departments it does not know (by id), then "no department".
  std::vector<Tally> take() {
    std::sort(tallies_.begin() + static_cast<std::ptrdiff_t>(known_), tallies_.end(), [](Tally const& a, Tally const& b) {
      if (a.row.department.empty() != b.row.department.empty()) return b.row.department.empty();
      return a.row.department < b.row.department;
    });
    return std::move(tallies_);
  }

 private:
  std::vector<Tally> tallies_;
  std::map<std::string, std::size_t> index_;
  std::size_t known_ = 0;
};

void count_case(Case const& c, Tally& t, WorkingCalendar const& calendar, ReportRange const& range,
                year_month_day as_of) {
  auto const received = local_date(c.created_at);
  auto const deadline = parse_date(c.deadline);
  auto& row = t.row;
  if (in_range(received, range)) ++row.received;
  auto const* finished = final_entry(c);
  std::optional<year_month_day> finished_on;
  if (finished) finished_on = local_date(finished->at);
  if (finished_on && in_range(*finished_on, range)) {
    bool const late = deadline && *finished_on > *deadline;
    if (finished->what == to_string(CaseStatus::closed)) {
      ++row.closed;
      if (!late) ++row.closed_on_time;
      t.days_to_close.push_back(calendar.working_days_between(received, *finished_on));
    } else {
      ++row.rejected;
    }
    if (late) ++row.overdue;
  }
  // Still open on the day the range is judged on, and past its deadline by then. A range that
  // has not begun yet judges no open case.
  bool const open_then = received <= as_of && (!finished_on || *finished_on > as_of);
  if (as_of >= range.from && open_then && deadline && *deadline < as_of) ++row.overdue;
}

void add_to(DepartmentRow& total, DepartmentRow const& row) {
  total.received += row.received;
  total.closed += row.closed;
  total.closed_on_time += row.closed_on_time;
  total.rejected += row.rejected;
  total.overdue += row.overdue;
  total.complaints += row.complaints;
}

json row_json(DepartmentRow const& r) {
  json median = nullptr;
  if (r.median_working_days_to_close) median = *r.median_working_days_to_close;
  return json{{"department", r.department},
              {"name", r.name},
              {"name_en", r.name_en},
              {"received", r.received},
              {"closed", r.closed},
              {"closed_on_time", r.closed_on_time},
              {"rejected", r.rejected},
              {"overdue", r.overdue},
              {"median_working_days_to_close", median},
              {"complaints", r.complaints}};
}

// A text cell: quoted when it holds a separator, quote or line break; a leading = + - @ is
// defused with an apostrophe, so a spreadsheet never runs a cell as a formula.
std::string csv_text(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) cell.insert(0, "'");
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(std::optional<double> v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, *v == static_cast<int>(*v) ? "%.0f" : "%.1f", *v);
  return buf;
}

void csv_row(std::string& out, DepartmentRow const& r, std::string_view id, std::string_view name) {
  out += csv_text(id) + "," + csv_text(name) + "," + std::to_string(r.received) + "," + std::to_string(r.closed) + "," +
         std::to_string(r.closed_on_time) + "," + std::to_string(r.rejected) + "," + std::to_string(r.overdue) + "," +
         csv_number(r.median_working_days_to_close) + "," + std::to_string(r.complaints) + "\r\n";
}

}  // namespace

std::optional<Complaint> complaint_from_json(std::string_view text) {
  auto const j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("at") || !j["at"].is_number_integer()) return std::nullopt;
  Complaint c;
  c.at = j["at"].get<std::int64_t>();
  if (auto it = j.find("department_id"); it != j.end() && it->is_string()) c.department_id = it->get<std::string>();
  return c;
}

ReportRange current_half_year(year_month_day today) {
  using namespace std::chrono;
  bool const first = today.month() <= June;
  return ReportRange{year_month_day{today.year(), first ? January : July, day{1}},
                     year_month_day{today.year(), first ? June : December, day{first ? 30u : 31u}}};
}

std::optional<std::string> parse_report_range(std::string_view from, std::string_view to, year_month_day today,
                                              ReportRange& out) {
  auto range = current_half_year(today);
  if (!from.empty()) {
    auto const d = parse_date(from);
    if (!d) return "from: " + echo_input(from) + " is not a date (expected yyyy-mm-dd)";
    range.from = *d;
  }
  if (!to.empty()) {
    auto const d = parse_date(to);
    if (!d) return "to: " + echo_input(to) + " is not a date (expected yyyy-mm-dd)";
    range.to = *d;
  }
  if (range.to < range.from) return "from (" + format_date(range.from) + ") is after to (" + format_date(range.to) + ")";
  out = range;
  return std::nullopt;
}

Report compute_report(std::vector<Case> const& cases, std::vector<Complaint> const& complaints,
                      std::vector<intents::Department> const& departments, WorkingCalendar const& calendar,
                      ReportRange range, year_month_day today) {
  Report report;
  report.range = range;
  report.as_of = std::min(range.to, today);
  Tallies tallies(departments);
  for (auto const& c : cases) count_case(c, tallies.of(c.department), calendar, range, report.as_of);
  for (auto const& c : complaints)
    if (in_range(local_date(c.at), range)) ++tallies.of(c.department_id).row.complaints;

  report.total.department = "total";
  report.total.name = "合计";
  report.total.name_en = "total";
  std::vector<int> all_days;
  for (auto& t : tallies.take()) {
    t.row.median_working_days_to_close = median(t.days_to_close);
    all_days.insert(all_days.end(), t.days_to_close.begin(), t.days_to_close.end());
    add_to(report.total, t.row);
    report.rows.push_back(std::move(t.row));
  }
  report.total.median_working_days_to_close = median(std::move(all_days));
  return report;
}

std::string report_json(Report const& report) {
  json rows = json::array();
  for (auto const& r : report.rows) rows.push_back(row_json(r));
  return json{{"from", format_date(report.range.from)},
              {"to", format_date(report.range.to)},
              {"as_of", format_date(report.as_of)},
              {"departments", std::move(rows)},
              {"total", row_json(report.total)}}
      .dump();
}

std::string report_csv(Report const& report) {
  std::string out = "\xEF\xBB\xBF";
  out += "department,name,received,closed,closed_on_time,rejected,overdue,median_working_days_to_close,complaints\r\n";
  for (auto const& r : report.rows) csv_row(out, r, r.department, r.name);
  csv_row(out, report.total, report.total.department, report.total.name);
  return out;
}

}  // namespace talentbot::bot
