#pragma once
// The durable queues: the inbox (accepted WeCom callbacks) and the outbox (replies to send), each
// a Redis Stream per partition with a consumer group, plus the commit that moves a handled
// message's replies into the outbox and acknowledges it in one atomic step.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "storage/redis.hpp"

namespace talentbot::storage {

// Coroutine parameters are taken by value on purpose: g++ 12 destroys a temporary bound to a
// reference parameter of a co_awaited call twice, so callers may pass temporaries safely.

struct StreamEntry {
  std::string stream;  // key it came from
  std::string id;      // stream entry id
  std::string payload;
};

// Appends a message to its partition's inbox unless its id was seen in the last `remember`
// (WeCom retries a callback up to three times): returns true when appended, false for a repeat.
boost::asio::awaitable<boost::system::result<bool>> inbox_accept(RedisClient& redis, unsigned partition,
                                                                 std::string dedupe_id,
                                                                 std::string payload,
                                                                 std::chrono::seconds remember);

// Creates the consumer group of a stream (and the stream) if missing.
boost::asio::awaitable<boost::system::result<void>> ensure_group(RedisClient& redis, std::string stream,
                                                                 std::string_view group);

// New entries for `consumer` from several streams. `block` > 0 makes it a blocking read: use a
// connection of its own for that, since a blocked connection answers nothing else meanwhile.
boost::asio::awaitable<boost::system::result<std::vector<StreamEntry>>> read_group(
    RedisClient& redis, std::string_view group, std::string consumer, std::vector<std::string> streams,
    std::size_t count, std::chrono::milliseconds block);

// Takes over the group's entries that have been pending on any consumer for at least `min_idle`
// (a previous owner of the partition died before acknowledging them), oldest first.
boost::asio::awaitable<boost::system::result<std::vector<StreamEntry>>> claim_pending(
    RedisClient& redis, std::string stream, std::string_view group, std::string consumer,
    std::chrono::milliseconds min_idle);

// State a handler saves with its replies (e.g. the dialogue session), expiring after `ttl`.
struct SavedState {
  std::string key;  // must be in the partition's slot
  std::string value;
  std::chrono::milliseconds ttl{0};
};

// Handled: appends `replies` to the outbox, saves `state` (if any) and acknowledges + deletes
// the inbox entry, atomically (a crash can neither lose the replies nor send them twice, and a
// re-handled message never sees the state its first handling wrote).
boost::asio::awaitable<boost::system::result<void>> inbox_commit(RedisClient& redis, unsigned partition,
                                                                 std::string entry_id,
                                                                 std::vector<std::string> replies,
                                                                 std::vector<SavedState> state = {});

// Pushes messages to a user's partition outbox once per `cause` (e.g. a case event id and the
// recipient): the check and the appends are one step, so handling the cause again after a crash
// sends nothing twice. Returns false when the cause had already been pushed.
boost::asio::awaitable<boost::system::result<bool>> outbox_push_once(RedisClient& redis, unsigned partition,
                                                                     std::string cause,
                                                                     std::vector<std::string> payloads,
                                                                     std::chrono::seconds remember);

// Done with an entry of any consumer group's stream: acknowledges and deletes it.
boost::asio::awaitable<boost::system::result<void>> ack_entry(RedisClient& redis, std::string stream,
                                                              std::string_view group, std::string entry_id);

// Sent (or given up): acknowledges and deletes an outbox entry and forgets its attempts.
boost::asio::awaitable<boost::system::result<void>> outbox_done(RedisClient& redis, unsigned partition,
                                                                std::string entry_id);

// Counts a failed attempt of an outbox entry; returns the number of attempts so far.
boost::asio::awaitable<boost::system::result<long long>> outbox_attempt(RedisClient& redis, unsigned partition,
                                                                        std::string entry_id);

// Gives up on an outbox entry: records it (with the reason) in the dead-letter list and removes it.
boost::asio::awaitable<boost::system::result<void>> outbox_dead_letter(RedisClient& redis, unsigned partition,
                                                                       std::string entry_id,
                                                                       std::string record);

// Gives up on an inbox entry that could not be handled however often it was tried (while Redis
// answered): recorded in the partition's dead letters with the reason, acknowledged and removed,
// so one poisoned message cannot stop its partition.
boost::asio::awaitable<boost::system::result<void>> inbox_dead_letter(RedisClient& redis, unsigned partition,
                                                                      std::string entry_id, std::string record);

}  // namespace talentbot::storage
