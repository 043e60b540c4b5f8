#pragma once
// The center's case list (GET /api/v1/cases): which cases a query asks for, checked at the
// boundary so a typo is a 400 that says what is wrong, never an empty list that looks like an
// answer. Pure.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/cases.hpp"

namespace talentbot::bot {

struct CaseFilter {
  std::vector<CaseStatus> statuses;  // any of these; empty = any status
  std::string department;            // a department id; empty = every department
  std::optional<bool> overdue;       // open and past the deadline day (or not)
  std::optional<std::chrono::year_month_day> from, to;  // received on these days (inclusive)
  std::size_t limit = 100;

  // True when every case it can match is open: the open-case indexes suffice.
  bool open_only() const;
};

inline constexpr std::size_t kMaxCaseListLimit = 1000;

// The query's parameters, decoded: status (comma-separated), department, overdue (true|false),
// from and to (yyyy-mm-dd), limit (1-1000). Unknown parameters are refused too, so `stauts=`
// does not quietly list everything. `known_department` says whether an id exists.
std::optional<std::string> parse_case_filter(std::map<std::string, std::string, std::less<>> const& query,
                                             std::function<bool(std::string_view)> const& known_department,
                                             CaseFilter& out);

// Open (not closed or rejected) on `today` and its deadline day before it.
bool is_overdue(Case const& c, std::chrono::year_month_day today);

bool matches(Case const& c, CaseFilter const& filter, std::chrono::year_month_day today);

// The list answer: newest first, at most `filter.limit`, each case without its history (the
// detail route has it), and `total`, how many matched.
std::string case_list_json(std::vector<Case> cases, CaseFilter const& filter, std::chrono::year_month_day today);

}  // namespace talentbot::bot
