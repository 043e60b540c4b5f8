#pragma once
// Reading the repositories' records (cases, appointments): a hash and its append-only history
// list, read together by one script so a record and its history are one consistent snapshot.
// Private to storage/.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/redis.hpp"

namespace talentbot::storage::detail {

struct Record {
  std::string id;
  std::vector<std::string> fields;   // in the order asked, "" where the hash has none
  std::vector<std::string> history;  // oldest first
};

// Names the hash or the history list of a record id (keys::case_record, keys::case_history, ...).
using KeyOf = std::string (*)(std::string_view id);

// The records of `ids`, in that order. A record whose first field is absent does not exist and
// is left out.
boost::asio::awaitable<boost::system::result<std::vector<Record>>> load_records(RedisClient& redis,
                                                                               std::vector<std::string> ids,
                                                                               KeyOf record_key, KeyOf history_key,
                                                                               Args fields);

// The members an index command (ZRANGE, ZRANGEBYSCORE, ...) returns.
boost::asio::awaitable<boost::system::result<std::vector<std::string>>> index_members(RedisClient& redis,
                                                                                     Args command);

// A stored integer field; 0 when empty or unreadable (records written by older releases).
std::int64_t to_int64(std::string const& s);

}  // namespace talentbot::storage::detail
