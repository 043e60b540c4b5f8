#pragma once
// The half-yearly report per department (article 11: the center reports each department's
// handling to the leading group every half year, and delays are held to account). Pure: cases,
// complaints, the departments of the knowledge base, the working-day calendar and a date range
// in, rows out; bot/report_source.hpp reads the inputs from Redis.
//
// What each figure counts, for a range [from, to] of local (China) days:
//   received        cases opened on a day in the range;
//   closed          cases whose `closed` history entry falls in the range, whenever received;
//   closed_on_time  of those, closed on or before their deadline day;
//   rejected        cases whose `rejected` entry falls in the range;
//   overdue         cases finished (closed or rejected) in the range after their deadline day, plus
//                   cases still open at the end of the range (or today, if earlier) whose deadline
//                   day had passed by then;
//   median_working_days_to_close  over the cases closed in the range, from the day received to
//                   the day closed, in working days of the calendar (null when none closed);
//   complaints      complaint records against the department made in the range.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/calendar.hpp"
#include "bot/cases.hpp"
#include "intents/knowledge.hpp"

namespace talentbot::bot {

// A talent's complaint as recorded by the dialogue (tb:{pN}:complaint:<entry>).
struct Complaint {
  std::string department_id;  // empty when the talent named no service
  std::int64_t at = 0;        // unix seconds
};
// The recorded JSON ({"user", "at", "text", "service", "department_id", "department"}).
std::optional<Complaint> complaint_from_json(std::string_view json);

struct ReportRange {
  std::chrono::year_month_day from;
  std::chrono::year_month_day to;  // inclusive
};

// January-June or July-December of the half year `today` is in.
ReportRange current_half_year(std::chrono::year_month_day today);

// Reads `from` and `to` (yyyy-mm-dd, either may be empty: the current half year's bound). Returns
// an error sentence, or nullopt with `out` set.
std::optional<std::string> parse_report_range(std::string_view from, std::string_view to,
                                              std::chrono::year_month_day today, ReportRange& out);

struct DepartmentRow {
  std::string department;  // id; "" for complaints that name no department
  std::string name;        // Chinese name (the report goes to the leading group)
  std::string name_en;
  int received = 0;
  int closed = 0;
  int closed_on_time = 0;
  int rejected = 0;
  int overdue = 0;
  std::optional<double> median_working_days_to_close;
  int complaints = 0;
};

struct Report {
  ReportRange range;
  std::chrono::year_month_day as_of;  // the day open cases were judged on: min(to, today)
  std::vector<DepartmentRow> rows;    // every department of the knowledge base, in its order
  DepartmentRow total;
};

// Every department gets a row, also one with nothing to count. Cases of a department the
// knowledge base no longer has, and complaints naming none, get rows of their own after them, so
// no figure silently drops out of the total.
Report compute_report(std::vector<Case> const& cases, std::vector<Complaint> const& complaints,
                      std::vector<intents::Department> const& departments, WorkingCalendar const& calendar,
                      ReportRange range, std::chrono::year_month_day today);

std::string report_json(Report const& report);
// RFC 4180 (CRLF, quoted where needed), UTF-8 with a byte-order mark: the readers are the HR
// bureau's spreadsheets, and Excel reads a CSV without one as the local code page (GBK), which
// garbles every Chinese name.
std::string report_csv(Report const& report);

}  // namespace talentbot::bot
