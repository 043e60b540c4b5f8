#include "storage/streams.hpp"

#include <algorithm>

#include "storage/keys.hpp"

namespace talentbot::storage {
namespace asio = boost::asio;
using boost::system::result;

namespace {

// Dedupe and append in one step: a retry that arrives while the first attempt is being stored
// finds the id already taken.
Script const kAccept(R"lua(
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], '*', 'm', ARGV[2])
end
return false
)lua");

// KEYS: inbox, outbox, state keys...; ARGV: group, entry id, n_replies, replies..., then a
// (value, ttl_ms) pair per state key.
Script const kCommit(R"lua(
local n = tonumber(ARGV[3])
for i = 4, 3 + n do redis.call('XADD', KEYS[2], '*', 'm', ARGV[i]) end
for k = 3, #KEYS do
  local at = 4 + n + (k - 3) * 2
  redis.call('SET', KEYS[k], ARGV[at], 'PX', ARGV[at + 1])
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return n
)lua");

// KEYS: pushed marker, outbox. ARGV: remember seconds, payloads...
Script const kPushOnce(R"lua(
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 2, #ARGV do redis.call('XADD', KEYS[2], '*', 'm', ARGV[i]) end
return 1
)lua");

Script const kDone(R"lua(
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2])
if ARGV[3] then
  redis.call('LPUSH', KEYS[3], ARGV[3])
  redis.call('LTRIM', KEYS[3], 0, 9999)
end
return 1
)lua");

boost::system::error_code as_error(Reply const& r) {
  return r.is_error() ? make_error_code(errc::server_error) : boost::system::error_code{};
}

// Records an entry of `stream` in the partition's dead letters and acknowledges and removes it,
// in one step (kDone): what the inbox and the outbox give up on alike.
asio::awaitable<result<void>> give_up(RedisClient& redis, std::string stream, std::string_view group,
                                      unsigned partition, std::string entry_id, std::string record) {
  auto r = co_await redis.eval(kDone, args(stream, keys::outbox_attempts(partition), keys::dead_letters(partition)),
                               args(std::string(group), entry_id, record));
  if (!r) co_return r.error();
  if (auto ec = as_error(*r)) co_return ec;
  co_return result<void>{};
}

// Entries of one stream as XREADGROUP / XAUTOCLAIM return them: [[id, [field, value, ...]], ...].
void append_entries(std::string const& stream, Reply const& list, std::vector<StreamEntry>& out) {
  for (auto const& entry : list.elements) {
    if (entry.elements.size() < 2 || entry.elements[1].type != Reply::Type::array) continue;  // deleted meanwhile
    auto const& fields = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "m") {
        out.push_back(StreamEntry{stream, entry.elements[0].str, fields[i + 1].str});
        break;
      }
    }
  }
}

Args read_args(std::string_view group, std::string const& consumer, std::vector<std::string> const& streams,
               std::size_t count, std::chrono::milliseconds block) {
  Args a = args("XREADGROUP", "GROUP", std::string(group), consumer, "COUNT", std::to_string(count));
  if (block.count() > 0) {
    a.push_back("BLOCK");
    a.push_back(std::to_string(block.count()));
  }
  a.push_back("STREAMS");
  a.insert(a.end(), streams.begin(), streams.end());
  for (std::size_t i = 0; i < streams.size(); ++i) a.push_back(">");
  return a;
}

Args commit_keys(unsigned partition, std::vector<SavedState> const& state) {
  Args k = args(keys::inbox(partition), keys::outbox(partition));
  for (auto const& s : state) k.push_back(s.key);
  return k;
}

Args commit_args(std::string const& entry_id, std::vector<std::string> const& replies,
                 std::vector<SavedState> const& state) {
  Args a = args(std::string(keys::kInboxGroup), entry_id, std::to_string(replies.size()));
  a.insert(a.end(), replies.begin(), replies.end());
  for (auto const& s : state) {
    a.push_back(s.value);
    a.push_back(std::to_string(std::max<long long>(1, s.ttl.count())));
  }
  return a;
}

}  // namespace

asio::awaitable<result<bool>> inbox_accept(RedisClient& redis, unsigned partition, std::string dedupe_id,
                                           std::string payload, std::chrono::seconds remember) {
  auto r = co_await redis.eval(kAccept, args(keys::inbound_seen(partition, dedupe_id), keys::inbox(partition)),
                               args(std::to_string(remember.count()), payload));
  // result<bool> does not convert from an error_code implicitly (bool would be ambiguous).
  if (!r) co_return result<bool>(boost::system::in_place_error, r.error());
  if (auto ec = as_error(*r)) co_return result<bool>(boost::system::in_place_error, ec);
  co_return !r->is_nil();
}

asio::awaitable<result<void>> ensure_group(RedisClient& redis, std::string stream, std::string_view group) {
  auto r = co_await redis.command(args("XGROUP", "CREATE", stream, std::string(group), "0", "MKSTREAM"));
  if (!r) co_return r.error();
  if (r->is_error() && !r->str.starts_with("BUSYGROUP")) co_return make_error_code(errc::server_error);
  co_return result<void>{};
}

asio::awaitable<result<std::vector<StreamEntry>>> read_group(RedisClient& redis, std::string_view group,
                                                             std::string consumer,
                                                             std::vector<std::string> streams,
                                                             std::size_t count, std::chrono::milliseconds block) {
  // A blocking read may legitimately take `block`: give the call that long plus the usual margin.
  CallPolicy policy;
  policy.timeout = block + std::chrono::seconds(2);
  auto r = co_await redis.command(read_args(group, consumer, streams, count, block), policy);
  if (!r) co_return r.error();
  if (auto ec = as_error(*r)) co_return ec;
  std::vector<StreamEntry> out;
  for (auto const& per_stream : r->elements)
    if (per_stream.elements.size() == 2) append_entries(per_stream.elements[0].str, per_stream.elements[1], out);
  co_return out;
}

asio::awaitable<result<std::vector<StreamEntry>>> claim_pending(RedisClient& redis, std::string stream,
                                                               std::string_view group, std::string consumer,
                                                               std::chrono::milliseconds min_idle) {
  std::vector<StreamEntry> out;
  std::string cursor = "0-0";
  do {
    auto r = co_await redis.command(
        args("XAUTOCLAIM", stream, std::string(group), consumer, std::to_string(min_idle.count()), cursor, "COUNT", "100"));
    if (!r) co_return r.error();
    if (auto ec = as_error(*r)) co_return ec;
    if (r->elements.size() < 2) co_return make_error_code(errc::unexpected_reply);
    cursor = r->elements[0].str;
    append_entries(stream, r->elements[1], out);
  } while (cursor != "0-0");
  co_return out;
}

asio::awaitable<result<void>> inbox_commit(RedisClient& redis, unsigned partition, std::string entry_id,
                                           std::vector<std::string> replies, std::vector<SavedState> state) {
  auto r = co_await redis.eval(kCommit, commit_keys(partition, state), commit_args(entry_id, replies, state));
  if (!r) co_return r.error();
  if (auto ec = as_error(*r)) co_return ec;
  co_return result<void>{};
}

asio::awaitable<result<bool>> outbox_push_once(RedisClient& redis, unsigned partition, std::string cause,
                                              std::vector<std::string> payloads, std::chrono::seconds remember) {
  Args values = args(std::to_string(std::max<long long>(1, remember.count())));
  values.insert(values.end(), payloads.begin(), payloads.end());
  auto r = co_await redis.eval(kPushOnce, args(keys::pushed(partition, cause), keys::outbox(partition)),
                               std::move(values));
  if (!r) co_return result<bool>(boost::system::in_place_error, r.error());
  if (auto ec = as_error(*r)) co_return result<bool>(boost::system::in_place_error, ec);
  co_return r->integer == 1;
}

asio::awaitable<result<void>> ack_entry(RedisClient& redis, std::string stream, std::string_view group,
                                        std::string entry_id) {
  auto r = co_await redis.command(args("XACK", stream, std::string(group), entry_id));
  if (!r) co_return r.error();
  if (auto ec = as_error(*r)) co_return ec;
  auto d = co_await redis.command(args("XDEL", stream, entry_id));
  if (!d) co_return d.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> outbox_done(RedisClient& redis, unsigned partition, std::string entry_id) {
  auto r = co_await redis.eval(kDone, args(keys::outbox(partition), keys::outbox_attempts(partition)),
                               args(std::string(keys::kOutboxGroup), entry_id));
  if (!r) co_return r.error();
  if (auto ec = as_error(*r)) co_return ec;
  co_return result<void>{};
}

asio::awaitable<result<long long>> outbox_attempt(RedisClient& redis, unsigned partition, std::string entry_id) {
  auto r = co_await redis.command(args("HINCRBY", keys::outbox_attempts(partition), entry_id, "1"));
  if (!r) co_return r.error();
  if (auto ec = as_error(*r)) co_return ec;
  co_return r->integer;
}

asio::awaitable<result<void>> outbox_dead_letter(RedisClient& redis, unsigned partition, std::string entry_id,
                                                 std::string record) {
  co_return co_await give_up(redis, keys::outbox(partition), keys::kOutboxGroup, partition, std::move(entry_id),
                             std::move(record));
}
asio::awaitable<result<void>> inbox_dead_letter(RedisClient& redis, unsigned partition, std::string entry_id,
                                                std::string record) {
  co_return co_await give_up(redis, keys::inbox(partition), keys::kInboxGroup, partition, std::move(entry_id),
                             std::move(record));
}
}  // namespace talentbot::storage
