#pragma once
// Work due at a time (appointment reminders, SLA warnings, overdue escalations, the specialists'
// morning agenda), shared by every instance through Redis. An item is claimed atomically: the
// script that reads it moves its due time forward by a lease, so no other instance sees it until
// then, and an instance that dies mid-send leaves it to be claimed again when the lease ends.
// Items are idempotent by id: scheduling the same id again replaces its time and payload.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/redis.hpp"

namespace talentbot::storage {

// Coroutine parameters are taken by value on purpose (g++ 12, see streams.hpp).

using UnixMillis = std::int64_t;

struct DueItem {
  std::string id;       // "<kind>:<rest>", e.g. "appt_remind:AP000012:1440"
  std::string payload;  // opaque to storage
  UnixMillis due = 0;   // when it was due
  UnixMillis claim = 0; // the claim's token: complete() only removes the item while it holds
};

boost::asio::awaitable<boost::system::result<void>> schedule(RedisClient& redis, std::string id, UnixMillis due,
                                                             std::string payload);
boost::asio::awaitable<boost::system::result<void>> unschedule(RedisClient& redis, std::string id);

// Up to `limit` items due at `now`, earliest first, each held for `lease`.
boost::asio::awaitable<boost::system::result<std::vector<DueItem>>> claim_due(RedisClient& redis, UnixMillis now,
                                                                              std::chrono::milliseconds lease,
                                                                              std::size_t limit);

// Done with a claimed item. If it was scheduled again meanwhile (a rescheduled appointment), the
// new schedule stays.
boost::asio::awaitable<boost::system::result<void>> complete(RedisClient& redis, DueItem item);

// Items whose id starts with `prefix` (tests, the center's view); earliest first.
boost::asio::awaitable<boost::system::result<std::vector<DueItem>>> scheduled_with_prefix(RedisClient& redis,
                                                                                          std::string prefix);

}  // namespace talentbot::storage
