#pragma once
// Appointments at the departments' service windows in Redis: a place in a slot held atomically
// against the slot's capacity, one booked appointment per talent and service (booking again moves
// it), cancellation, and the lists a talent ("我约的是几点") and a department (the morning agenda)
// read. Storage knows no opening hours or holidays: bot/appointments.hpp decides which slot may
// be booked and with what capacity; the scripts here make the reservation itself race-free
// across instances.
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

enum class appointment_errc {
  full = 1,          // the slot has as many appointments as its capacity: offer nearest_free
  not_found,         // no such appointment, or not the talent's (never disclosed which)
  invalid_argument,  // a malformed slot id or an empty required field
};

boost::system::error_category const& appointment_category() noexcept;

inline boost::system::error_code make_error_code(appointment_errc e) noexcept {
  return {static_cast<int>(e), appointment_category()};
}

// A place to reserve. `slot_id` is bot::Slot::id() ("public_security:20261127T1500"); its
// department and day name the agenda the appointment goes on.
struct Booking {
  std::string user;  // WeCom user id of the talent
  std::string service;
  std::string slot_id;
  std::int64_t start = 0;  // unix seconds
  std::int64_t end = 0;
  int capacity = 1;     // bot::AppointmentPlanner::capacity(department)
  std::string case_id;  // optional: the case the visit belongs to
  std::int64_t at = 0;  // now, unix seconds
};

struct Reservation {
  enum class Outcome {
    booked,       // a new appointment
    rescheduled,  // the talent's booked appointment for the service moved here
    unchanged,    // it was already in this slot
    repeated,     // the same request key was answered before: nothing done again
  };
  std::string id;  // AP000123
  Outcome outcome = Outcome::booked;
  std::string previous_slot;  // rescheduled: the slot given up (its reminders are void)
};

struct StoredAppointment {
  std::string id;
  std::string status;  // "booked" or "cancelled"
  std::string user;
  std::string service;
  std::string department;
  std::string slot_id;
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::string case_id;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::vector<std::string> history;  // JSON {at, who, what, slot[, from]}, oldest first
};

// The department and local day (yyyymmdd) a slot id names; nullopt when malformed.
struct SlotPlace {
  std::string department;
  std::string day;
};
std::optional<SlotPlace> slot_place(std::string const& slot_id);

// Holds a place in the slot if it has fewer than `capacity` appointments. A talent's booked,
// still upcoming appointment for the same service is moved (its old place freed in the same
// step); one already past is left as it was and a new one is made. The same `idempotency_key`
// (the inbound message id) within `remember` returns the first answer's id and books nothing.
// appointment_errc::full when the slot is full; nothing changes then.
boost::asio::awaitable<boost::system::result<Reservation>> reserve(
    RedisClient& redis, Booking booking, std::string idempotency_key,
    std::chrono::seconds remember = std::chrono::hours(24));

// Frees the appointment's place. `owner` non-empty: only that talent's appointment (a talent
// cancelling someone else's id gets not_found); empty: the center or the department cancels.
// `who` goes into the history. Cancelling again is harmless (a retried message).
enum class Cancellation { cancelled, already_cancelled };
boost::asio::awaitable<boost::system::result<Cancellation>> cancel_appointment(RedisClient& redis, std::string id,
                                                                              std::string owner, std::string who,
                                                                              std::int64_t at);

boost::asio::awaitable<boost::system::result<std::optional<StoredAppointment>>> get_appointment(RedisClient& redis,
                                                                                                std::string id);

// A talent's booked appointments starting at or after `from` (unix seconds), earliest first.
boost::asio::awaitable<boost::system::result<std::vector<StoredAppointment>>> appointments_of_user(
    RedisClient& redis, std::string user, std::int64_t from = 0);

// A department's booked appointments on a local day (yyyymmdd), earliest first: the agenda the
// specialists get in the morning.
boost::asio::awaitable<boost::system::result<std::vector<StoredAppointment>>> agenda_of_department(
    RedisClient& redis, std::string department, std::string yyyymmdd);

// How many appointments hold each slot, in the order asked (one round trip): what
// nearest_free's predicate compares with the capacity.
boost::asio::awaitable<boost::system::result<std::vector<int>>> slot_usage(RedisClient& redis,
                                                                          std::vector<std::string> slot_ids);

// The whole record as a JSON object, history included (API, archive, tests).
std::string to_json(StoredAppointment const& a);

}  // namespace talentbot::storage

template <>
struct boost::system::is_error_code_enum<talentbot::storage::appointment_errc> : std::true_type {};
