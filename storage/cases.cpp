#include "storage/cases.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "storage/detail/records.hpp"
#include "storage/keys.hpp"

namespace talentbot::storage {
namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;

namespace {

class CaseCategory final : public boost::system::error_category {
 public:
  char const* name() const noexcept override { return "talentbot.cases"; }
  std::string message(int ev) const override {
    switch (static_cast<case_errc>(ev)) {
      case case_errc::sequence_exhausted: return "the day's case sequence is exhausted (9999)";
      case case_errc::not_found: return "no such case";
      case case_errc::transition_refused: return "status change not allowed from the case's current status";
      case case_errc::unmasked_resident_id: return "refused: contains a full resident ID number";
      case case_errc::invalid_argument: return "invalid case argument";
    }
    return "unknown case error";
  }
};

constexpr long long kMaxSequence = 9999;
// Long enough for a request that crosses midnight and for clock skew between instances; the
// day's ids are in the cases themselves, the counter is only needed while the day lasts.
constexpr int kSequenceTtlSeconds = 3 * 86'400;

// KEYS: sequence. ARGV: ttl seconds.
Script const kNextNumber(R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
)lua");

// KEYS: request, open, case, history, user index, department, department open, events, departments.
// ARGV: id, remember seconds, has request key, status, body, entry, created_at, deadline score,
//       talent_user, service, department, deadline.
// Returns {id, 1} when opened, {existing id, 0} for a retry or an already open case.
Script const kCreate(R"lua(
if ARGV[3] == '1' then
  local prior = redis.call('GET', KEYS[1])
  if prior then return {prior, 0} end
end
local open = redis.call('GET', KEYS[2])
if open then
  if ARGV[3] == '1' then redis.call('SET', KEYS[1], open, 'EX', ARGV[2]) end
  return {open, 0}
end
if redis.call('EXISTS', KEYS[3]) == 1 then return redis.error_reply('ERR case id already used') end
redis.call('HSET', KEYS[3], 'status', ARGV[4], 'body', ARGV[5], 'created_at', ARGV[7], 'updated_at', ARGV[7],
           'talent_user', ARGV[9], 'service', ARGV[10], 'department', ARGV[11], 'deadline', ARGV[12])
redis.call('RPUSH', KEYS[4], ARGV[6])
redis.call('SET', KEYS[2], ARGV[1])
if ARGV[3] == '1' then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
redis.call('ZADD', KEYS[5], ARGV[7], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[8], ARGV[1])
redis.call('ZADD', KEYS[7], ARGV[8], ARGV[1])
redis.call('XADD', KEYS[8], '*', 'm', cjson.encode({c = ARGV[1], from = '', e = ARGV[6]}))
redis.call('SADD', KEYS[9], ARGV[11])
return {ARGV[1], 1}
)lua");

// KEYS: case, history, open marker, department open, events. ARGV: id, to, closes, entry, at, allowed...
// Returns {'ok', previous} | {'refused', current} | {'missing', ''}.
Script const kTransition(R"lua(
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then return {'missing', ''} end
local allowed = false
for i = 6, #ARGV do
  if ARGV[i] == cur then allowed = true break end
end
if not allowed then return {'refused', cur} end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updated_at', ARGV[5])
redis.call('RPUSH', KEYS[2], ARGV[4])
if ARGV[3] == '1' then
  if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
  redis.call('ZREM', KEYS[4], ARGV[1])
end
redis.call('XADD', KEYS[5], '*', 'm', cjson.encode({c = ARGV[1], from = cur, e = ARGV[4]}))
return {'ok', cur}
)lua");

// KEYS: case, history. ARGV: entry.
Script const kNote(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1
)lua");

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_day(std::string_view d) {
  return d.size() == 8 && std::all_of(d.begin(), d.end(), is_digit) && d.substr(0, 2) == "20";
}

// yyyy-mm-dd → yyyymmdd as a number: the department queue's order. No deadline sorts last.
std::string deadline_score(std::string const& deadline) {
  std::string digits;
  for (char c : deadline)
    if (is_digit(c)) digits.push_back(c);
  return digits.size() == 8 ? digits : std::string("99991231");
}

std::string format_id(std::string const& day, long long n) {
  std::string seq = std::to_string(n);
  seq.insert(0, 4 - std::min<std::size_t>(4, seq.size()), '0');
  return "GC" + day + "-" + seq;
}

// The hash fields a loaded case is read from, in StoredCase's order.
Args case_fields() {
  return args("status", "body", "talent_user", "service", "department", "deadline", "created_at", "updated_at");
}

StoredCase stored_from(detail::Record record) {
  auto& f = record.fields;
  StoredCase c;
  c.id = std::move(record.id);
  c.status = std::move(f[0]);
  c.body = std::move(f[1]);
  c.talent_user = std::move(f[2]);
  c.service = std::move(f[3]);
  c.department = std::move(f[4]);
  c.deadline = std::move(f[5]);
  c.created_at = detail::to_int64(f[6]);
  c.updated_at = detail::to_int64(f[7]);
  c.history = std::move(record.history);
  return c;
}

asio::awaitable<result<std::vector<StoredCase>>> load_cases(RedisClient& redis, std::vector<std::string> ids) {
  Args fields = case_fields();
  auto records =
      co_await detail::load_records(redis, std::move(ids), keys::case_record, keys::case_history, std::move(fields));
  if (!records) co_return records.error();
  std::vector<StoredCase> out;
  for (auto& r : *records) out.push_back(stored_from(std::move(r)));
  co_return out;
}

asio::awaitable<result<std::vector<std::string>>> range_ids(RedisClient& redis, std::string key, bool newest_first) {
  Args command = args(newest_first ? "ZREVRANGE" : "ZRANGE", key, "0", "-1");
  co_return co_await detail::index_members(redis, std::move(command));
}

Args create_args(std::string const& id, NewCase const& c, bool has_key, std::chrono::seconds remember) {
  return args(id, std::to_string(std::max<long long>(1, remember.count())), has_key ? "1" : "0", c.status, c.body,
              c.first_entry, std::to_string(c.created_at), deadline_score(c.deadline), c.talent_user, c.service,
              c.department, c.deadline);
}

Args create_keys(std::string const& id, NewCase const& c, std::string const& idempotency_key) {
  // Without a key the request marker is never read or written; a fixed name keeps KEYS declared.
  return args(keys::case_request(idempotency_key.empty() ? "-" : idempotency_key),
              keys::open_case(c.service, c.talent_user), keys::case_record(id), keys::case_history(id),
              keys::cases_of_user(c.talent_user), keys::cases_of_department(c.department),
              keys::open_cases_of_department(c.department), keys::case_events(), keys::case_departments());
}

// Built outside the coroutines: g++ 12 and braced initialisers of std::string members there.
CreatedCase created(std::string id, bool fresh) {
  CreatedCase c;
  c.id = std::move(id);
  c.created = fresh;
  return c;
}

Args transition_args(StatusChange const& s) {
  Args a = args(s.case_id, s.to, s.closes ? "1" : "0", s.entry, std::to_string(s.at));
  a.insert(a.end(), s.allowed_from.begin(), s.allowed_from.end());
  return a;
}

}  // namespace

boost::system::error_category const& case_category() noexcept {
  static CaseCategory const category;
  return category;
}

asio::awaitable<result<std::vector<std::string>>> departments_with_cases(RedisClient& redis) {
  auto r = co_await redis.command(args("SMEMBERS", keys::case_departments()));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  std::vector<std::string> out;
  for (auto const& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  co_return out;
}

asio::awaitable<result<void>> add_note(RedisClient& redis, std::string case_id, std::string entry) {
  if (case_id.empty() || entry.empty()) co_return error_code(case_errc::invalid_argument);
  if (contains_resident_id(entry)) co_return error_code(case_errc::unmasked_resident_id);
  auto r = co_await redis.eval(kNote, args(keys::case_record(case_id), keys::case_history(case_id)), args(entry));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  if (r->integer == 0) co_return error_code(case_errc::not_found);
  co_return result<void>{};
}

std::optional<CaseEvent> parse_case_event(std::string_view payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto text = [&](char const* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  CaseEvent e{text("c"), text("from"), text("e")};
  if (e.case_id.empty() || e.entry.empty()) return std::nullopt;
  return e;
}

bool contains_resident_id(std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    char const c = i < text.size() ? text[i] : '\0';
    if (is_digit(c)) {
      ++run;
      continue;
    }
    if (run == 18) return true;
    if (run == 17 && (c == 'X' || c == 'x') && !(i + 1 < text.size() && is_digit(text[i + 1]))) return true;
    run = 0;
  }
  return false;
}

asio::awaitable<result<std::string>> next_case_id(RedisClient& redis, std::string yyyymmdd) {
  if (!valid_day(yyyymmdd)) co_return error_code(case_errc::invalid_argument);
  auto r = co_await redis.eval(kNextNumber, args(keys::case_sequence(yyyymmdd)),
                               args(std::to_string(kSequenceTtlSeconds)));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  if (r->type != Reply::Type::integer) co_return error_code(errc::unexpected_reply);
  if (r->integer > kMaxSequence) co_return error_code(case_errc::sequence_exhausted);
  co_return format_id(yyyymmdd, r->integer);
}

asio::awaitable<result<CreatedCase>> create_case(RedisClient& redis, NewCase record, std::string idempotency_key,
                                                 std::chrono::seconds remember) {
  if (!valid_day(record.day) || record.talent_user.empty() || record.service.empty() ||
      record.department.empty() || record.status.empty())
    co_return error_code(case_errc::invalid_argument);
  if (contains_resident_id(record.body) || contains_resident_id(record.first_entry))
    co_return error_code(case_errc::unmasked_resident_id);
  bool const has_key = !idempotency_key.empty();
  // A retry or a repeated application usually finds its case here and takes no number.
  Args lookup = args("MGET", keys::case_request(has_key ? idempotency_key : "-"),
                     keys::open_case(record.service, record.talent_user));
  auto prior = co_await redis.command(std::move(lookup));
  if (!prior) co_return prior.error();
  if (prior->is_error() || prior->elements.size() != 2) co_return error_code(errc::unexpected_reply);
  for (std::size_t i = has_key ? 0 : 1; i < 2; ++i)
    if (!prior->elements[i].is_nil()) co_return created(prior->elements[i].str, false);

  auto id = co_await next_case_id(redis, record.day);
  if (!id) co_return id.error();
  auto r = co_await redis.eval(kCreate, create_keys(*id, record, idempotency_key),
                               create_args(*id, record, has_key, remember));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  if (r->type != Reply::Type::array || r->elements.size() != 2) co_return error_code(errc::unexpected_reply);
  co_return created(r->elements[0].str, r->elements[1].integer == 1);
}

asio::awaitable<result<std::optional<StoredCase>>> get_case(RedisClient& redis, std::string case_id) {
  if (case_id.empty()) co_return std::optional<StoredCase>{};
  std::vector<std::string> ids;
  ids.push_back(case_id);
  auto r = co_await load_cases(redis, std::move(ids));
  if (!r) co_return r.error();
  if (r->empty()) co_return std::optional<StoredCase>{};
  co_return std::optional<StoredCase>(std::move(r->front()));
}

asio::awaitable<result<std::vector<StoredCase>>> cases_of_user(RedisClient& redis, std::string user) {
  auto ids = co_await range_ids(redis, keys::cases_of_user(user), true);
  if (!ids) co_return ids.error();
  co_return co_await load_cases(redis, std::move(*ids));
}

asio::awaitable<result<std::vector<StoredCase>>> cases_of_department(RedisClient& redis, std::string department,
                                                                     bool include_finished) {
  std::string key = keys::open_cases_of_department(department);
  if (include_finished) key = keys::cases_of_department(department);
  auto ids = co_await range_ids(redis, std::move(key), false);
  if (!ids) co_return ids.error();
  co_return co_await load_cases(redis, std::move(*ids));
}

asio::awaitable<result<std::string>> transition(RedisClient& redis, StatusChange change) {
  if (change.case_id.empty() || change.to.empty()) co_return error_code(case_errc::invalid_argument);
  if (contains_resident_id(change.entry)) co_return error_code(case_errc::unmasked_resident_id);
  // The fields naming the open marker and the queue never change after opening, so reading them
  // first is safe and keeps every key the script touches declared.
  auto f = co_await redis.command(args("HMGET", keys::case_record(change.case_id), "talent_user", "service", "department"));
  if (!f) co_return f.error();
  if (f->is_error() || f->elements.size() != 3) co_return error_code(errc::unexpected_reply);
  if (f->elements[0].is_nil()) co_return error_code(case_errc::not_found);
  auto r = co_await redis.eval(
      kTransition,
      args(keys::case_record(change.case_id), keys::case_history(change.case_id),
           keys::open_case(f->elements[1].str, f->elements[0].str), keys::open_cases_of_department(f->elements[2].str),
           keys::case_events()),
      transition_args(change));
  if (!r) co_return r.error();
  if (r->is_error()) co_return error_code(errc::server_error);
  if (r->type != Reply::Type::array || r->elements.size() != 2) co_return error_code(errc::unexpected_reply);
  auto const& outcome = r->elements[0].str;
  if (outcome == "missing") co_return error_code(case_errc::not_found);
  if (outcome == "refused") co_return error_code(case_errc::transition_refused);
  co_return r->elements[1].str;
}

}  // namespace talentbot::storage
