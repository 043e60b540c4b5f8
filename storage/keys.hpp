#pragma once
// Every Redis key talentbot uses is named here and nowhere else. Keys that a script touches
// together share a hash tag ({p3}, {u:…}) so they land in one Redis Cluster slot.
#include <cstdint>
#include <string>
#include <string_view>

namespace talentbot::storage::keys {

inline constexpr std::string_view kPrefix = "tb:";

// FNV-1a: the same user maps to the same partition in every instance and every release.
inline unsigned partition_of(std::string_view user, unsigned partitions) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : user) h = (h ^ c) * 16777619u;
  return partitions == 0 ? 0 : h % partitions;
}

// Inbound messages are spread over a fixed number of partitions by user, so one instance at a
// time works a partition and a user's messages are handled in order.
inline std::string inbox(unsigned partition) { return "tb:{p" + std::to_string(partition) + "}:inbox"; }
inline std::string outbox(unsigned partition) { return "tb:{p" + std::to_string(partition) + "}:outbox"; }
// Attempt counters of outbox entries (hash: entry id → attempts), beside the outbox in its slot.
inline std::string outbox_attempts(unsigned partition) {
  return "tb:{p" + std::to_string(partition) + "}:outbox:attempts";
}
// A conversation's dialogue state. It lives in its user's partition slot so that handling a
// message, saving the session and queueing the replies commit together.
inline std::string session(unsigned partition, std::string_view user) {
  return "tb:{p" + std::to_string(partition) + "}:session:" + std::string(user);
}
// A talent's complaint (article 11 accountability): kept in its user's partition slot so it is
// recorded in the same atomic step that acknowledges the message; reports scan tb:{p*}:complaint:*.
inline std::string complaint(unsigned partition, std::string_view entry_id) {
  return "tb:{p" + std::to_string(partition) + "}:complaint:" + std::string(entry_id);
}
// Every partition's complaints, for SCAN ... MATCH (the report reads them all).
inline std::string complaint_pattern() { return "tb:{p*}:complaint:*"; }
// Who works a partition now (value: instance id, with a lease).
inline std::string partition_lease(unsigned partition) { return "tb:{p" + std::to_string(partition) + "}:lease"; }
// WeCom retries a callback it got no 200 for: the message id is remembered for a day.
inline std::string inbound_seen(unsigned partition, std::string_view msg_id) {
  return "tb:{p" + std::to_string(partition) + "}:seen:" + std::string(msg_id);
}

// Live instances (sorted set: instance id → last heartbeat, ms), to share partitions fairly.
inline std::string instances() { return "tb:instances"; }

inline constexpr std::string_view kInboxGroup = "workers";
inline constexpr std::string_view kOutboxGroup = "senders";

// Replies that failed for good (wrong user, no permission, too many attempts): kept for the
// center to see, newest first; per partition so giving up is one atomic step with the outbox.
inline std::string dead_letters(unsigned partition) { return "tb:{p" + std::to_string(partition) + "}:dead"; }

// The WeCom access token shared by all instances, and the single-flight refresh lock.
inline std::string access_token(std::string_view corp_id, std::int64_t agent_id) {
  return "tb:wecom:token:" + std::string(corp_id) + ":" + std::to_string(agent_id);
}
inline std::string access_token_lock(std::string_view corp_id, std::int64_t agent_id) {
  return access_token(corp_id, agent_id) + ":lock";
}

// Token buckets for WeCom's published limits (per member per minute, per app per minute).
inline std::string member_send_bucket(std::string_view user) { return "tb:rl:member:" + std::string(user); }
inline std::string app_call_bucket(std::int64_t agent_id) { return "tb:rl:app:" + std::to_string(agent_id); }

// ---------------------------------------------------------------------------------------------
// Cases: the unified archive (统一建档, art. 9(四)), storage/cases.hpp.
// All share one hash tag, {cases}: opening a case checks the idempotency and open-case markers and
// writes the case, its history and three indexes in one script, and a status change updates the
// case, its history, the open marker and the department queue together. One slot is ample for a
// city's green channel (thousands of cases a year, a few KB each). Case keys never expire: the
// archive is kept forever.

// The daily sequence behind GCyyyymmdd-NNNN (INCR; expires a few days after its day).
inline std::string case_sequence(std::string_view yyyymmdd) { return "tb:{cases}:seq:" + std::string(yyyymmdd); }
// A case (hash: status, body JSON, index fields, created_at, updated_at).
inline std::string case_record(std::string_view case_id) { return "tb:{cases}:case:" + std::string(case_id); }
// Its history (list of JSON entries, oldest first, append-only).
inline std::string case_history(std::string_view case_id) { return case_record(case_id) + ":history"; }
// A request already answered with a case (value: case id, kept for a day): retries open nothing.
inline std::string case_request(std::string_view idempotency_key) {
  return "tb:{cases}:request:" + std::string(idempotency_key);
}
// The open case of a talent for a service (value: case id), removed when the case closes or is
// rejected: applying again while it is open returns it instead of a second case.
inline std::string open_case(std::string_view service, std::string_view user) {
  return "tb:{cases}:open:" + std::string(service) + ":" + std::string(user);
}
// A talent's cases (sorted set: case id by created_at).
inline std::string cases_of_user(std::string_view user) { return "tb:{cases}:user:" + std::string(user); }
// A department's cases, all and still open (sorted sets: case id by deadline as yyyymmdd).
inline std::string cases_of_department(std::string_view department) {
  return "tb:{cases}:dept:" + std::string(department);
}
inline std::string open_cases_of_department(std::string_view department) {
  return "tb:{cases}:dept-open:" + std::string(department);
}
// Every department that has ever had a case (set): the report counts departments that have since
// left the knowledge base too.
inline std::string case_departments() { return "tb:{cases}:departments"; }
// Every opening and status change, appended by the same script that makes it (a stream with the
// consumer group kCaseEventGroup): the notifier tells the talent and the department from here, so
// a change made by any instance, the center API or a specialist is pushed exactly once.
inline std::string case_events() { return "tb:{cases}:events"; }
inline constexpr std::string_view kCaseEventGroup = "notifier";

// A push made outside a message's own commit (a status change, a reminder) is remembered here by
// its cause, in the recipient's partition slot, so handling the cause again pushes nothing twice.
inline std::string pushed(unsigned partition, std::string_view cause) {
  return "tb:{p" + std::to_string(partition) + "}:pushed:" + std::string(cause);
}

// ---------------------------------------------------------------------------------------------
// Appointments at the service windows, storage/appointments.hpp. All share one hash tag, {appt}:
// a booking checks the request marker, the talent's active appointment for the service and the
// slot's holders, and moves the appointment between slots and agendas, in one script. Records are
// kept (the unified archive shows them beside the case); the indexes hold booked ones only.

// The sequence behind appointment ids AP000001, AP000002, ... (INCR; never expires).
inline std::string appointment_sequence() { return "tb:{appt}:seq"; }
// An appointment (hash: status, user, service, department, slot, start, day, case id, times) and
// its history (list of JSON entries, oldest first). Scripts build these names from the prefixes,
// because a booking learns its id (a new number, or the talent's existing appointment) inside the
// script; the shared hash tag keeps them in the script's slot.
inline constexpr std::string_view kAppointmentPrefix = "tb:{appt}:ap:";
inline std::string appointment_record(std::string_view id) { return std::string(kAppointmentPrefix) + std::string(id); }
inline std::string appointment_history(std::string_view id) { return appointment_record(id) + ":history"; }
// The appointments holding a place in a slot (set of ids); its size is checked against capacity.
inline constexpr std::string_view kSlotHoldersPrefix = "tb:{appt}:slot:";
inline std::string slot_holders(std::string_view slot_id) { return std::string(kSlotHoldersPrefix) + std::string(slot_id); }
// A department's booked appointments of one local day (sorted set: id by start), its agenda.
inline constexpr std::string_view kAgendaPrefix = "tb:{appt}:agenda:";
inline std::string agenda(std::string_view department, std::string_view yyyymmdd) {
  return std::string(kAgendaPrefix) + std::string(department) + ":" + std::string(yyyymmdd);
}
// The talent's booked appointment for a service (value: id): booking again moves it.
inline constexpr std::string_view kActiveAppointmentPrefix = "tb:{appt}:active:";
inline std::string active_appointment(std::string_view service, std::string_view user) {
  return std::string(kActiveAppointmentPrefix) + std::string(service) + ":" + std::string(user);
}
// A talent's booked appointments (sorted set: id by start).
inline constexpr std::string_view kAppointmentsOfUserPrefix = "tb:{appt}:user:";
inline std::string appointments_of_user(std::string_view user) {
  return std::string(kAppointmentsOfUserPrefix) + std::string(user);
}
// A request already answered with a booking (value: id, kept for a day): a retry books nothing.
inline std::string appointment_request(std::string_view idempotency_key) {
  return "tb:{appt}:request:" + std::string(idempotency_key);
}

// ---------------------------------------------------------------------------------------------
// Scheduled work (storage/scheduler.hpp): reminders, SLA warnings, escalations, agendas. The due
// set and the payloads share the {sched} tag: claiming moves an item's score forward by a lease in
// the same script that reads it, so two instances never take one item.
inline std::string scheduled_due() { return "tb:{sched}:due"; }      // sorted set: item id → due, ms
inline std::string scheduled_items() { return "tb:{sched}:items"; }  // hash: item id → payload

// ---------------------------------------------------------------------------------------------
// Handoff to a specialist (storage/handoff.hpp). One tag, {ho}: accepting checks and takes the
// request, moves the messages written while waiting and records the holder in one script.
inline std::string handoff(std::string_view talent) { return "tb:{ho}:t:" + std::string(talent); }
inline std::string handoff_waiting(std::string_view talent) { return "tb:{ho}:q:" + std::string(talent); }
inline std::string handoffs_held(std::string_view specialist) { return "tb:{ho}:s:" + std::string(specialist); }

}  // namespace talentbot::storage::keys
