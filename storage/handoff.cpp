#include "storage/handoff.hpp"

#include "storage/keys.hpp"

namespace talentbot::storage {
namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;

namespace {

constexpr char const* kFields[] = {"talent", "state", "department", "specialist", "case_id", "language",
                                   "requested_at", "escalations"};

// KEYS: record. ARGV: talent, department, case_id, language, at.
Script const kRequest(R"lua(
if redis.call('HEXISTS', KEYS[1], 'state') == 1 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'talent', ARGV[1], 'state', 'waiting', 'department', ARGV[2], 'case_id', ARGV[3],
           'language', ARGV[4], 'requested_at', ARGV[5], 'escalations', 0, 'specialist', '')
return 1
)lua");

// KEYS: record, waiting list. ARGV: message.
Script const kKeep(R"lua(
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then return -1 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -200, -1)
return redis.call('LLEN', KEYS[2])
)lua");

// KEYS: record, waiting list, the specialist's set. ARGV: specialist, talent.
Script const kAccept(R"lua(
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'none'} end
local holder = redis.call('HGET', KEYS[1], 'specialist')
-- The winner asking again (its message handled again after a crash) wins again, with the same
-- kept messages: they are deleted only when the handoff ends.
if state ~= 'waiting' and holder ~= ARGV[1] then return {'held', holder} end
redis.call('HSET', KEYS[1], 'state', 'held', 'specialist', ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return {'won', redis.call('LRANGE', KEYS[2], 0, -1)}
)lua");

// KEYS: record, waiting list. ARGV: talent, the prefix of the holders' sets (same {ho} slot).
Script const kEnd(R"lua(
local holder = redis.call('HGET', KEYS[1], 'specialist')
if not holder then return 0 end
if holder ~= '' then redis.call('SREM', ARGV[2] .. holder, ARGV[1]) end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
)lua");

Handoff from_fields(Reply const& r) {
  Handoff h;
  auto get = [&](std::size_t i) { return i < r.elements.size() && !r.elements[i].is_nil() ? r.elements[i].str : std::string(); };
  h.talent = get(0);
  h.state = get(1);
  h.department = get(2);
  h.specialist = get(3);
  h.case_id = get(4);
  h.language = get(5);
  try {
    h.requested_at = get(6).empty() ? 0 : std::stoll(get(6));
    h.escalations = get(7).empty() ? 0 : std::stoll(get(7));
  } catch (...) {
  }
  return h;
}

Args hmget(std::string const& talent) {
  Args a = args("HMGET", keys::handoff(talent));
  for (auto const* f : kFields) a.push_back(f);
  return a;
}

Requested requested(Handoff h, bool created) {
  Requested r;
  r.handoff = std::move(h);
  r.created = created;
  return r;
}

}  // namespace

asio::awaitable<result<std::optional<Handoff>>> get_handoff(RedisClient& redis, std::string talent) {
  auto r = co_await redis.command(hmget(talent));
  if (!r) co_return r.error();
  if (r->is_error() || r->elements.size() != std::size(kFields)) co_return error_code(errc::unexpected_reply);
  if (r->elements[1].is_nil()) co_return std::optional<Handoff>{};
  co_return std::optional<Handoff>(from_fields(*r));
}

asio::awaitable<result<Requested>> request_handoff(RedisClient& redis, Handoff h) {
  auto r = co_await redis.eval(kRequest, args(keys::handoff(h.talent)),
                               args(h.talent, h.department, h.case_id, h.language, std::to_string(h.requested_at)));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  bool const created = r->integer == 1;
  auto now = co_await get_handoff(redis, h.talent);
  if (!now) co_return now.error();
  if (!*now) co_return error_code(errc::unexpected_reply);  // ended in between: the caller asks again
  co_return requested(std::move(**now), created);
}

asio::awaitable<result<long long>> keep_waiting_message(RedisClient& redis, std::string talent, std::string message) {
  auto r = co_await redis.eval(kKeep, args(keys::handoff(talent), keys::handoff_waiting(talent)), args(message));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  co_return r->integer;
}

asio::awaitable<result<Accepted>> accept_handoff(RedisClient& redis, std::string talent, std::string specialist) {
  auto r = co_await redis.eval(kAccept, args(keys::handoff(talent), keys::handoff_waiting(talent), keys::handoffs_held(specialist)),
                               args(specialist, talent));
  if (!r) co_return r.error();
  if (r->is_error() || r->elements.empty()) co_return error_code(errc::unexpected_reply);
  Accepted out;
  out.won = r->elements[0].str == "won";
  if (out.won && r->elements.size() > 1)
    for (auto const& m : r->elements[1].elements) out.waiting.push_back(m.str);
  if (r->elements[0].str != "none") {
    auto now = co_await get_handoff(redis, talent);
    if (!now) co_return now.error();
    if (*now) out.handoff = std::move(**now);
  }
  co_return out;
}

asio::awaitable<result<bool>> end_handoff(RedisClient& redis, std::string talent) {
  auto r = co_await redis.eval(kEnd, args(keys::handoff(talent), keys::handoff_waiting(talent)),
                               args(talent, keys::handoffs_held("")));
  if (!r) co_return result<bool>(boost::system::in_place_error, r.error());
  if (r->is_error()) co_return result<bool>(boost::system::in_place_error, error_code(errc::server_error));
  co_return r->integer == 1;
}

asio::awaitable<result<std::vector<std::string>>> handoffs_of(RedisClient& redis, std::string specialist) {
  auto r = co_await redis.command(args("SMEMBERS", keys::handoffs_held(specialist)));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  std::vector<std::string> out;
  for (auto const& e : r->elements) out.push_back(e.str);
  co_return out;
}

asio::awaitable<result<std::vector<std::string>>> waiting_messages(RedisClient& redis, std::string talent) {
  auto r = co_await redis.command(args("LRANGE", keys::handoff_waiting(talent), "0", "-1"));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  std::vector<std::string> out;
  for (auto const& e : r->elements) out.push_back(e.str);
  co_return out;
}

// Counts only on a live record: a handoff ended meanwhile must not come back as a husk.
Script const kEscalated(R"lua(
if redis.call('HEXISTS', KEYS[1], 'state') == 0 then return 0 end
return redis.call('HINCRBY', KEYS[1], 'escalations', 1)
)lua");

asio::awaitable<result<void>> note_escalation(RedisClient& redis, std::string talent) {
  auto r = co_await redis.eval(kEscalated, args(keys::handoff(talent)), Args{});
  if (!r) co_return r.error();
  co_return result<void>{};
}

}  // namespace talentbot::storage
