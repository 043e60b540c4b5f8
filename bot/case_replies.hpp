#pragma once
// What talents and specialists read about a case: the receipt, the progress answer, the push of a
// status change (集中反馈, art. 9(三)) and the specialist's new-case notice. Pure functions.
#include <string>
#include <string_view>
#include <vector>

#include "bot/cases.hpp"
#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"

namespace talentbot::bot::case_replies {

using intents::Language;

// "已受理" / "Accepted".
std::string status_label(CaseStatus status, Language lang);

// The receipt of a newly opened case: id, service, department, time limit and deadline, whether
// the talent must come in person, and how to follow it.
std::string receipt(Case const& c, intents::Knowledge const& kb, Language lang);
// The talent applied again while a case for the service is open: that case, not a second one.
std::string already_open(Case const& c, intents::Knowledge const& kb, Language lang);

// The progress answer: status, department, deadline (working days left or overdue on `today`) and
// the history, notes included (a needs_materials note lists what is missing).
std::string progress(Case const& c, intents::Knowledge const& kb, WorkingCalendar const& calendar,
                     std::chrono::year_month_day today, Language lang);
// The talent's cases, newest first, one line each.
std::string overview(std::vector<Case> const& cases, intents::Knowledge const& kb, Language lang);
// The same answer for an id that does not exist and for someone else's case: never disclosed.
std::string not_found(std::string_view case_id, Language lang);
std::string none_yet(Language lang);

// A status change pushed to the talent.
std::string status_push(Case const& c, HistoryEntry const& entry, intents::Knowledge const& kb, Language lang);

// The responsible department's notice of a new case (Chinese: the specialists are the city's).
std::string new_case_notice(Case const& c, intents::Knowledge const& kb);

}  // namespace talentbot::bot::case_replies
