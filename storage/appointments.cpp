#include "storage/appointments.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "storage/detail/records.hpp"
#include "storage/keys.hpp"

namespace talentbot::storage {
namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;

namespace {

class AppointmentCategory final : public boost::system::error_category {
 public:
  char const* name() const noexcept override { return "talentbot.appointments"; }
  std::string message(int ev) const override {
    switch (static_cast<appointment_errc>(ev)) {
      case appointment_errc::full: return "the slot is full";
      case appointment_errc::not_found: return "no such appointment";
      case appointment_errc::invalid_argument: return "invalid appointment argument";
    }
    return "unknown appointment error";
  }
};

// Every script gets the key prefixes as ARGV[1..5] (from keys.hpp, the one place key names live)
// and shares these helpers. Scripts build the keys of an appointment they find inside the script
// (the talent's current one, the one being cancelled); all of them carry the {appt} hash tag, so
// they are in the slot of the declared keys, which is what Redis Cluster needs.
constexpr char kPreamble[] = R"lua(
local P = {record = ARGV[1], slot = ARGV[2], agenda = ARGV[3], active = ARGV[4], user = ARGV[5]}
local function entry(at, who, what, slot, from)
  return cjson.encode({at = tonumber(at), who = who, what = what, slot = slot, from = from})
end
-- Takes a booked appointment out of its slot and its day's agenda; returns slot, department, day.
local function unlist(id)
  local f = redis.call('HMGET', P.record .. id, 'slot', 'department', 'day')
  redis.call('SREM', P.slot .. f[1], id)
  redis.call('ZREM', P.agenda .. f[2] .. ':' .. f[3], id)
  return f
end
)lua";

std::string with_preamble(char const* body) { return std::string(kPreamble) + body; }

// KEYS: request, active marker, slot holders, sequence, user index, agenda.
// ARGV: prefixes (1-5), has key, remember, user, service, department, slot, start, end, capacity,
//       at, case id, day. Returns {outcome, id, previous slot}; outcome 'full' books nothing.
Script const kReserve(with_preamble(R"lua(
local A = {has_key = ARGV[6] == '1', remember = ARGV[7], user = ARGV[8], service = ARGV[9], department = ARGV[10],
           slot = ARGV[11], start = ARGV[12], finish = ARGV[13], capacity = tonumber(ARGV[14]), at = ARGV[15],
           case_id = ARGV[16], day = ARGV[17]}
local function remember(id)
  if A.has_key then redis.call('SET', KEYS[1], id, 'EX', A.remember) end
end
if A.has_key then
  local prior = redis.call('GET', KEYS[1])
  if prior then return {'repeated', prior, ''} end
end
local id = redis.call('GET', KEYS[2])
local old_slot = ''
if id then
  local f = redis.call('HMGET', P.record .. id, 'slot', 'start')
  if tonumber(f[2] or '0') < tonumber(A.at) then
    id = false  -- that visit is over: the talent books a new one
  elseif f[1] == A.slot then
    remember(id)
    return {'unchanged', id, ''}
  else
    old_slot = f[1]
  end
end
if redis.call('SCARD', KEYS[3]) >= A.capacity then return {'full', '', ''} end
local outcome = 'booked'
if id then
  unlist(id)
  redis.call('HSET', P.record .. id, 'slot', A.slot, 'department', A.department, 'start', A.start, 'end', A.finish,
             'day', A.day, 'updated_at', A.at)
  if A.case_id ~= '' then redis.call('HSET', P.record .. id, 'case_id', A.case_id) end
  redis.call('RPUSH', P.record .. id .. ':history', entry(A.at, A.user, 'rescheduled', A.slot, old_slot))
  outcome = 'rescheduled'
else
  id = string.format('AP%06d', redis.call('INCR', KEYS[4]))
  redis.call('HSET', P.record .. id, 'status', 'booked', 'user', A.user, 'service', A.service,
             'department', A.department, 'slot', A.slot, 'start', A.start, 'end', A.finish, 'day', A.day,
             'case_id', A.case_id, 'created_at', A.at, 'updated_at', A.at)
  redis.call('RPUSH', P.record .. id .. ':history', entry(A.at, A.user, 'booked', A.slot))
  redis.call('SET', KEYS[2], id)
end
redis.call('SADD', KEYS[3], id)
redis.call('ZADD', KEYS[5], A.start, id)
redis.call('ZADD', KEYS[6], A.start, id)
remember(id)
return {outcome, id, old_slot}
)lua"));

// KEYS: record. ARGV: prefixes (1-5), id, owner ('' = anyone), who, at.
// Returns 'cancelled' | 'already' | 'missing'.
Script const kCancel(with_preamble(R"lua(
local id = ARGV[6]
local f = redis.call('HMGET', KEYS[1], 'status', 'user', 'service', 'slot')
if not f[1] then return 'missing' end
if ARGV[7] ~= '' and f[2] ~= ARGV[7] then return 'missing' end
if f[1] == 'cancelled' then return 'already' end
unlist(id)
redis.call('ZREM', P.user .. f[2], id)
if redis.call('GET', P.active .. f[3] .. ':' .. f[2]) == id then redis.call('DEL', P.active .. f[3] .. ':' .. f[2]) end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'updated_at', ARGV[9])
redis.call('RPUSH', KEYS[1] .. ':history', entry(ARGV[9], ARGV[8], 'cancelled', f[4]))
return 'cancelled'
)lua"));

// KEYS: slot holder sets. Their sizes, in order.
Script const kUsage(R"lua(
local out = {}
for i = 1, #KEYS do out[i] = redis.call('SCARD', KEYS[i]) end
return out
)lua");

Args prefixes() {
  return args(keys::kAppointmentPrefix, keys::kSlotHoldersPrefix, keys::kAgendaPrefix, keys::kActiveAppointmentPrefix,
              keys::kAppointmentsOfUserPrefix);
}

// The hash fields a loaded appointment is read from, in StoredAppointment's order.
Args appointment_fields() {
  return args("status", "user", "service", "department", "slot", "start", "end", "case_id", "created_at", "updated_at");
}

StoredAppointment stored_from(detail::Record record) {
  auto& f = record.fields;
  StoredAppointment a;
  a.id = std::move(record.id);
  a.status = std::move(f[0]);
  a.user = std::move(f[1]);
  a.service = std::move(f[2]);
  a.department = std::move(f[3]);
  a.slot_id = std::move(f[4]);
  a.start = detail::to_int64(f[5]);
  a.end = detail::to_int64(f[6]);
  a.case_id = std::move(f[7]);
  a.created_at = detail::to_int64(f[8]);
  a.updated_at = detail::to_int64(f[9]);
  a.history = std::move(record.history);
  return a;
}

// Only booked appointments: one cancelled between reading an index and its records is dropped.
asio::awaitable<result<std::vector<StoredAppointment>>> load(RedisClient& redis, std::vector<std::string> ids,
                                                            bool booked_only) {
  Args fields = appointment_fields();
  auto records = co_await detail::load_records(redis, std::move(ids), keys::appointment_record,
                                               keys::appointment_history, std::move(fields));
  if (!records) co_return records.error();
  std::vector<StoredAppointment> out;
  for (auto& r : *records) {
    auto a = stored_from(std::move(r));
    if (!booked_only || a.status == "booked") out.push_back(std::move(a));
  }
  co_return out;
}

asio::awaitable<result<std::vector<StoredAppointment>>> load_index(RedisClient& redis, Args range) {
  auto ids = co_await detail::index_members(redis, std::move(range));
  if (!ids) co_return ids.error();
  co_return co_await load(redis, std::move(*ids), true);
}

Args reserve_keys(Booking const& b, SlotPlace const& place, std::string const& idempotency_key) {
  // Without a key the request marker is never read or written; a fixed name keeps KEYS declared.
  return args(keys::appointment_request(idempotency_key.empty() ? "-" : idempotency_key),
              keys::active_appointment(b.service, b.user), keys::slot_holders(b.slot_id), keys::appointment_sequence(),
              keys::appointments_of_user(b.user), keys::agenda(place.department, place.day));
}

Args reserve_args(Booking const& b, SlotPlace const& place, bool has_key, std::chrono::seconds remember) {
  Args a = prefixes();
  auto more = args(has_key ? "1" : "0", std::to_string(std::max<long long>(1, remember.count())), b.user, b.service,
                   place.department, b.slot_id, std::to_string(b.start), std::to_string(b.end),
                   std::to_string(b.capacity), std::to_string(b.at), b.case_id, place.day);
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

Args cancel_args(std::string const& id, std::string const& owner, std::string const& who, std::int64_t at) {
  Args a = prefixes();
  auto more = args(id, owner, who, std::to_string(at));
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// Built outside the coroutines: g++ 12 and braced initialisers of std::string members there.
Reservation reservation(Reply const& r) {
  Reservation out;
  auto const& outcome = r.elements[0].str;
  out.id = r.elements[1].str;
  out.previous_slot = r.elements[2].str;
  out.outcome = outcome == "rescheduled" ? Reservation::Outcome::rescheduled
                : outcome == "unchanged" ? Reservation::Outcome::unchanged
                : outcome == "repeated"  ? Reservation::Outcome::repeated
                                         : Reservation::Outcome::booked;
  return out;
}

bool valid_booking(Booking const& b) {
  return !b.user.empty() && !b.service.empty() && b.capacity >= 1 && b.start > 0 && b.end > b.start;
}

}  // namespace

boost::system::error_category const& appointment_category() noexcept {
  static AppointmentCategory const category;
  return category;
}

std::optional<SlotPlace> slot_place(std::string const& slot_id) {
  auto const colon = slot_id.rfind(':');
  if (colon == std::string::npos || colon == 0 || slot_id.size() != colon + 14 || slot_id[colon + 9] != 'T')
    return std::nullopt;
  auto const day = slot_id.substr(colon + 1, 8);
  if (!std::all_of(day.begin(), day.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return SlotPlace{slot_id.substr(0, colon), day};
}

asio::awaitable<result<Reservation>> reserve(RedisClient& redis, Booking booking, std::string idempotency_key,
                                             std::chrono::seconds remember) {
  auto const place = slot_place(booking.slot_id);
  if (!place || !valid_booking(booking)) co_return error_code(appointment_errc::invalid_argument);
  bool const has_key = !idempotency_key.empty();
  Args k = reserve_keys(booking, *place, idempotency_key);
  Args a = reserve_args(booking, *place, has_key, remember);
  auto r = co_await redis.eval(kReserve, std::move(k), std::move(a));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  if (r->type != Reply::Type::array || r->elements.size() != 3) co_return error_code(errc::unexpected_reply);
  if (r->elements[0].str == "full") co_return error_code(appointment_errc::full);
  co_return reservation(*r);
}

asio::awaitable<result<Cancellation>> cancel_appointment(RedisClient& redis, std::string id, std::string owner, std::string who,
                                                 std::int64_t at) {
  if (id.empty() || who.empty()) co_return error_code(appointment_errc::invalid_argument);
  Args k = args(keys::appointment_record(id));
  Args a = cancel_args(id, owner, who, at);
  auto r = co_await redis.eval(kCancel, std::move(k), std::move(a));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  if (r->str == "missing") co_return error_code(appointment_errc::not_found);
  if (r->str != "cancelled" && r->str != "already") co_return error_code(errc::unexpected_reply);
  co_return r->str == "cancelled" ? Cancellation::cancelled : Cancellation::already_cancelled;
}

asio::awaitable<result<std::optional<StoredAppointment>>> get_appointment(RedisClient& redis, std::string id) {
  if (id.empty()) co_return std::optional<StoredAppointment>{};
  std::vector<std::string> ids;
  ids.push_back(id);
  auto r = co_await load(redis, std::move(ids), false);
  if (!r) co_return r.error();
  if (r->empty()) co_return std::optional<StoredAppointment>{};
  co_return std::optional<StoredAppointment>(std::move(r->front()));
}

asio::awaitable<result<std::vector<StoredAppointment>>> appointments_of_user(RedisClient& redis, std::string user,
                                                                             std::int64_t from) {
  Args range = args("ZRANGEBYSCORE", keys::appointments_of_user(user), std::to_string(from), "+inf");
  co_return co_await load_index(redis, std::move(range));
}

asio::awaitable<result<std::vector<StoredAppointment>>> agenda_of_department(RedisClient& redis, std::string department,
                                                                             std::string yyyymmdd) {
  Args range = args("ZRANGE", keys::agenda(department, yyyymmdd), "0", "-1");
  co_return co_await load_index(redis, std::move(range));
}

asio::awaitable<result<std::vector<int>>> slot_usage(RedisClient& redis, std::vector<std::string> slot_ids) {
  std::vector<int> out;
  if (slot_ids.empty()) co_return out;
  Args k;
  for (auto const& id : slot_ids) k.push_back(keys::slot_holders(id));
  auto r = co_await redis.eval(kUsage, std::move(k), Args{});
  if (!r) co_return r.error();
  if (r->is_error() || r->elements.size() != slot_ids.size()) co_return error_code(errc::unexpected_reply);
  for (auto const& e : r->elements) out.push_back(static_cast<int>(e.integer));
  co_return out;
}

std::string to_json(StoredAppointment const& a) {
  auto history = nlohmann::json::array();
  for (auto const& h : a.history) history.push_back(nlohmann::json::parse(h, nullptr, false));
  nlohmann::json j{{"id", a.id},           {"status", a.status},   {"user", a.user},
                   {"service", a.service}, {"department", a.department}, {"slot", a.slot_id},
                   {"start", a.start},     {"end", a.end},         {"created_at", a.created_at},
                   {"updated_at", a.updated_at}, {"history", std::move(history)}};
  if (!a.case_id.empty()) j["case_id"] = a.case_id;
  return j.dump();
}

}  // namespace talentbot::storage
