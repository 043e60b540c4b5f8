// The case: one application in the unified archive (统一建档, art. 9(四)), opened at the one window
// (一窗接件, art. 9(一)), handled by the responsible department's specialist (专员办理, art. 9(二)),
// answered through the center (集中反馈, art. 9(三)). Pure: ids, statuses and their transitions,
// the deadline, and the JSON form. The Redis repository is storage/cases.hpp; it stores what
// `case_body_json` and `history_entry_json` produce and enforces `allowed_from` atomically.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/calendar.hpp"

namespace talentbot::bot {

// GC + yyyymmdd + '-' + 4-digit daily sequence, e.g. GC20261124-0007. Valid once constructed.
class CaseId {
 public:
  // The first case id in what a talent types or pastes ("GC20261124-0007 进度"): lower case,
  // spaces, full-width characters, a missing dash
  // ("gc 20261124 0007", "GC202611240007", "20261124-0007") — the NLU's extractor rules, so the
  // chat and the API accept the same spellings. The date must be real and the sequence 0001-9999.
  static std::optional<CaseId> parse(std::string_view text);
  // The canonical form only (storage, API paths).
  static std::optional<CaseId> from_canonical(std::string_view text);
  // From the day (yyyymmdd) and the daily sequence (1-9999).
  static std::optional<CaseId> make(std::string_view yyyymmdd, int sequence);

  std::string const& str() const { return text_; }
  std::string_view day() const { return std::string_view(text_).substr(2, 8); }  // yyyymmdd
  int sequence() const;

  friend bool operator==(CaseId const&, CaseId const&) = default;
  friend auto operator<=>(CaseId const&, CaseId const&) = default;

 private:
  explicit CaseId(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

bool is_valid_case_day(std::string_view yyyymmdd);

enum class CaseStatus { submitted, accepted, in_progress, needs_materials, result_ready, closed, rejected };

inline constexpr CaseStatus kAllStatuses[] = {CaseStatus::submitted,   CaseStatus::accepted,
                                              CaseStatus::in_progress, CaseStatus::needs_materials,
                                              CaseStatus::result_ready, CaseStatus::closed,
                                              CaseStatus::rejected};

std::string_view to_string(CaseStatus s);
std::optional<CaseStatus> parse_case_status(std::string_view text);

// closed and rejected end a case; nothing follows them (the archive keeps the case forever).
bool is_final(CaseStatus s);

// DESIGN.md: submitted → accepted → in_progress → (needs_materials ↔ in_progress) → result_ready
// → closed, and any open status → rejected. No skipping: the talent is told each step (集中反馈).
bool can_transition(CaseStatus from, CaseStatus to);
// Reasons the talent must read: rejected says why, needs_materials lists what is missing
// (一次性告知: everything at once, art. 7).
bool note_required(CaseStatus to);
// The statuses `to` may follow, as strings: what storage checks atomically in its script.
std::vector<std::string> allowed_from(CaseStatus to);

struct HistoryEntry {
  std::int64_t at = 0;  // unix seconds
  std::string who;      // WeCom user id of the talent or specialist, or "bot", "center"
  std::string what;     // the status reached ("submitted", "accepted", ...) or an event name
  std::string note;

  friend bool operator==(HistoryEntry const&, HistoryEntry const&) = default;
};

struct Case {
  std::string id;  // canonical CaseId
  std::string talent_user;  // WeCom user id
  std::string talent_name;
  std::string phone;
  std::string employer;
  // Only ever the masked form ("4101**********123X"): the archive, its history and the logs never
  // hold a full resident ID number. A service that needs the full number gets it from the talent
  // at the window, in person.
  std::string id_number_masked;
  std::string service;     // intents::kServiceIds
  std::string department;  // Department id responsible for the service
  CaseStatus status = CaseStatus::submitted;
  std::int64_t created_at = 0;  // unix seconds
  std::string deadline;         // yyyy-mm-dd, `time_limit.working_days` after the day of receipt
  std::string assigned_specialist;
  std::string language = "zh";  // the talent's: status changes are pushed in it
  std::vector<HistoryEntry> history;  // oldest first

  friend bool operator==(Case const&, Case const&) = default;
};

// The full case as a JSON object (API, tests). id_number_masked is masked again on the way out
// and in, so a full number can never round-trip.
std::string to_json(Case const& c);
// Parses and validates (id, status, dates, history); nullopt with `error` set otherwise.
std::optional<Case> case_from_json(std::string_view json, std::string* error = nullptr);

// What storage keeps as the case body: everything but id, status and history, which storage owns.
std::string case_body_json(Case const& c);
std::string history_entry_json(HistoryEntry const& e);
// One stored history entry (a case event's); nullopt unless it has an integer "at".
std::optional<HistoryEntry> history_entry_from_json(std::string_view text);
// Reassembles a case from what storage returns.
std::optional<Case> case_from_stored(std::string_view id, std::string_view status, std::string_view body,
                                     std::vector<std::string> const& history, std::string* error = nullptr);

// Masks every resident-ID-shaped run (17 digits and a check character) in free text, checksum or
// not: notes from specialists and talents go into the history, which is kept forever.
std::string redact_resident_ids(std::string_view text);

// The deadline: `working_days` working days after the day the case was received, that day not
// counted (a Friday application with a 1-day limit is due Monday).
std::chrono::year_month_day deadline_for(std::chrono::year_month_day received, int working_days,
                                         WorkingCalendar const& calendar);

}  // namespace talentbot::bot
