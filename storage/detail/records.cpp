#include "storage/detail/records.hpp"

#include <algorithm>

namespace talentbot::storage::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;

namespace {

// KEYS: (hash, history) pairs. ARGV: the fields. One row per pair: the fields and the history,
// or false when the hash has no first field.
Script const kLoad(R"lua(
local out = {}
for i = 1, #KEYS, 2 do
  local h = redis.call('HMGET', KEYS[i], unpack(ARGV))
  if h[1] then
    local row = {}
    for k = 1, #ARGV do row[k] = h[k] or '' end
    row[#ARGV + 1] = redis.call('LRANGE', KEYS[i + 1], 0, -1)
    out[#out + 1] = row
  else
    out[#out + 1] = false
  end
end
return out
)lua");

}  // namespace

// Each script reads at most this many records: a department's whole archive in one script would
// block Redis (and with it every callback) for as long as the archive is large.
constexpr std::size_t kRecordsPerScript = 200;

asio::awaitable<result<std::vector<Record>>> load_records(RedisClient& redis, std::vector<std::string> ids,
                                                         KeyOf record_key, KeyOf history_key, Args fields) {
  std::vector<Record> out;
  auto const width = fields.size();
  for (std::size_t from = 0; from < ids.size(); from += kRecordsPerScript) {
    auto const to = std::min(ids.size(), from + kRecordsPerScript);
    Args keys;
    keys.reserve((to - from) * 2);
    for (std::size_t i = from; i < to; ++i) {
      keys.push_back(record_key(ids[i]));
      keys.push_back(history_key(ids[i]));
    }
    Args argv = fields;
    auto r = co_await redis.eval(kLoad, std::move(keys), std::move(argv));
    if (!r) co_return r.error();
    if (r->is_error() || r->type != Reply::Type::array || r->elements.size() != to - from)
      co_return error_code(r->is_error() ? errc::server_error : errc::unexpected_reply);
    for (std::size_t i = from; i < to; ++i) {
      auto const& row = r->elements[i - from];
      if (row.type != Reply::Type::array || row.elements.size() != width + 1) continue;
      Record record;
      record.id = std::move(ids[i]);
      for (std::size_t k = 0; k < width; ++k) record.fields.push_back(row.elements[k].str);
      for (auto const& e : row.elements[width].elements) record.history.push_back(e.str);
      out.push_back(std::move(record));
    }
  }
  co_return out;
}

asio::awaitable<result<std::vector<std::string>>> index_members(RedisClient& redis, Args command) {
  auto r = co_await redis.command(std::move(command));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  std::vector<std::string> members;
  for (auto const& e : r->elements) members.push_back(e.str);
  co_return members;
}

std::int64_t to_int64(std::string const& s) {
  try {
    return s.empty() ? 0 : std::stoll(s);
  } catch (...) {
    return 0;
  }
}

}  // namespace talentbot::storage::detail
