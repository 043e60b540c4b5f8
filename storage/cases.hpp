#pragma once
// The unified archive in Redis (统一建档, art. 9(四)): cases, their history, the daily id sequence
// and the indexes a talent and a department read. Storage knows no case rules: bot/cases.hpp
// builds the body and history entries (JSON, opaque here) and says which statuses a new status
// may follow; the scripts here apply that check and the write in one atomic step.
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/redis.hpp"

namespace talentbot::storage {

// Coroutine parameters are taken by value on purpose (g++ 12, see streams.hpp).

enum class case_errc {
  sequence_exhausted = 1,  // the day already has 9999 cases: the id has 4 digits, nothing is opened
  not_found,               // no such case
  transition_refused,      // the case's current status may not be followed by the requested one
  unmasked_resident_id,    // the record holds a full resident ID number: refused, never stored
  invalid_argument,        // a malformed day, id or empty required field
};

boost::system::error_category const& case_category() noexcept;

inline boost::system::error_code make_error_code(case_errc e) noexcept {
  return {static_cast<int>(e), case_category()};
}

// A case to open. The id is taken from the day's sequence by create_case.
struct NewCase {
  std::string day;  // yyyymmdd, the local day of receipt
  std::string talent_user;
  std::string service;
  std::string department;
  std::string deadline;  // yyyy-mm-dd
  std::string status;    // the first status ("submitted")
  std::int64_t created_at = 0;  // unix seconds
  std::string body;         // bot::case_body_json
  std::string first_entry;  // bot::history_entry_json of the opening
};

struct StoredCase {
  std::string id;
  std::string status;
  std::string body;
  std::string talent_user;
  std::string service;
  std::string department;
  std::string deadline;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::vector<std::string> history;  // JSON entries, oldest first
};

struct CreatedCase {
  std::string id;
  bool created = false;  // false: an existing case was returned (retry or already open)
};

// A status change. `allowed_from` comes from bot::allowed_from(to); `closes` when `to` is final
// (the open marker and the department's open queue drop the case).
struct StatusChange {
  std::string case_id;
  std::string to;
  std::vector<std::string> allowed_from;
  bool closes = false;
  std::string entry;  // bot::history_entry_json
  std::int64_t at = 0;
};

// Takes the next number of `yyyymmdd`'s sequence: "GC20261124-0007". Atomic across instances;
// past 9999 it fails with case_errc::sequence_exhausted (the format has 4 digits, and a silent
// 5th digit would break every parser of the receipt). The counter expires 3 days after creation.
boost::asio::awaitable<boost::system::result<std::string>> next_case_id(RedisClient& redis, std::string yyyymmdd);

// Opens a case, or returns the existing one when the same `idempotency_key` (e.g. the inbound
// message id) opened a case in the last `remember`, or the talent already has an open case for
// the service (一窗接件: one application, one case). The check and the write are one script;
// the number is taken just before it, so only two identical requests racing each other can skip
// a number. Refuses a body or entry holding a full resident ID number.
boost::asio::awaitable<boost::system::result<CreatedCase>> create_case(
    RedisClient& redis, NewCase record, std::string idempotency_key,
    std::chrono::seconds remember = std::chrono::hours(24));

boost::asio::awaitable<boost::system::result<std::optional<StoredCase>>> get_case(RedisClient& redis,
                                                                                  std::string case_id);

// A talent's cases, newest first.
boost::asio::awaitable<boost::system::result<std::vector<StoredCase>>> cases_of_user(RedisClient& redis,
                                                                                     std::string user);

// A department's cases by deadline, earliest first (ties in id order); open ones only unless
// `include_finished`.
boost::asio::awaitable<boost::system::result<std::vector<StoredCase>>> cases_of_department(
    RedisClient& redis, std::string department, bool include_finished = false);

// Applies a status change if the case's current status is in `allowed_from`, appending the
// history entry in the same step. Returns the previous status; case_errc::transition_refused or
// not_found otherwise. Refuses an entry holding a full resident ID number.
boost::asio::awaitable<boost::system::result<std::string>> transition(RedisClient& redis, StatusChange change);

// Every department that has had a case, sorted (also those no longer in the knowledge base).
boost::asio::awaitable<boost::system::result<std::vector<std::string>>> departments_with_cases(RedisClient& redis);

// Appends an internal note (a history entry that changes no status and tells nobody) to an
// existing case. case_errc::not_found otherwise; refuses a full resident ID number.
boost::asio::awaitable<boost::system::result<void>> add_note(RedisClient& redis, std::string case_id,
                                                             std::string entry);

// One entry of keys::case_events(): an opening (`from` empty) or a status change, with the
// history entry (bot::history_entry_json) the change appended.
struct CaseEvent {
  std::string case_id;
  std::string from;
  std::string entry;
};
std::optional<CaseEvent> parse_case_event(std::string_view payload);

// True when `text` holds 17 digits and a check character in a row, as a full resident ID number
// would (the last line of defence; bot::redact_resident_ids masks them before).
bool contains_resident_id(std::string_view text);

}  // namespace talentbot::storage

template <>
struct boost::system::is_error_code_enum<talentbot::storage::case_errc> : std::true_type {};
