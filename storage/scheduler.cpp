#include "storage/scheduler.hpp"

#include "storage/keys.hpp"

namespace talentbot::storage {
namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;

namespace {

Script const kSchedule(R"lua(
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
)lua");

Script const kUnschedule(R"lua(
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
)lua");

// ARGV: now, lease ms, limit. Returns {id, payload, due, claim} per item.
Script const kClaim(R"lua(
local now = tonumber(ARGV[1])
local held = now + tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for i = 1, #due, 2 do
  local id = due[i]
  redis.call('ZADD', KEYS[1], held, id)
  out[#out + 1] = {id, redis.call('HGET', KEYS[2], id) or '', due[i + 1], tostring(held)}
end
return out
)lua");

// ARGV: id, claim. Removes the item only while its score is still the claim's.
Script const kComplete(R"lua(
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
return 0
)lua");

UnixMillis to_millis(std::string const& s) {
  try {
    return static_cast<UnixMillis>(std::stod(s));
  } catch (...) {
    return 0;
  }
}

asio::awaitable<result<void>> run_script(RedisClient& redis, Script const& script, Args argv) {
  auto r = co_await redis.eval(script, args(keys::scheduled_due(), keys::scheduled_items()), std::move(argv));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  co_return result<void>{};
}

}  // namespace

asio::awaitable<result<void>> schedule(RedisClient& redis, std::string id, UnixMillis due, std::string payload) {
  co_return co_await run_script(redis, kSchedule, args(id, std::to_string(due), payload));
}

asio::awaitable<result<void>> unschedule(RedisClient& redis, std::string id) {
  co_return co_await run_script(redis, kUnschedule, args(id));
}

asio::awaitable<result<std::vector<DueItem>>> claim_due(RedisClient& redis, UnixMillis now,
                                                        std::chrono::milliseconds lease, std::size_t limit) {
  auto r = co_await redis.eval(kClaim, args(keys::scheduled_due(), keys::scheduled_items()),
                               args(std::to_string(now), std::to_string(lease.count()), std::to_string(limit)));
  if (!r) co_return r.error();
  if (r->is_error() || r->type != Reply::Type::array) co_return error_code(errc::unexpected_reply);
  std::vector<DueItem> out;
  for (auto const& row : r->elements) {
    if (row.elements.size() != 4) continue;
    DueItem item;
    item.id = row.elements[0].str;
    item.payload = row.elements[1].str;
    item.due = to_millis(row.elements[2].str);
    item.claim = to_millis(row.elements[3].str);
    out.push_back(std::move(item));
  }
  co_return out;
}

asio::awaitable<result<void>> complete(RedisClient& redis, DueItem item) {
  co_return co_await run_script(redis, kComplete, args(item.id, std::to_string(item.claim)));
}

asio::awaitable<result<std::vector<DueItem>>> scheduled_with_prefix(RedisClient& redis, std::string prefix) {
  auto r = co_await redis.command(args("ZRANGE", keys::scheduled_due(), "0", "-1", "WITHSCORES"));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  std::vector<DueItem> out;
  for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    if (!r->elements[i].str.starts_with(prefix)) continue;
    DueItem item;
    item.id = r->elements[i].str;
    item.due = to_millis(r->elements[i + 1].str);
    out.push_back(std::move(item));
  }
  for (auto& item : out) {
    auto p = co_await redis.command(args("HGET", keys::scheduled_items(), item.id));
    if (p && !p->is_nil()) item.payload = p->str;
  }
  co_return out;
}

}  // namespace talentbot::storage
