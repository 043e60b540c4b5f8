#pragma once
// A talent's conversation handed to a person (article 9): requested → held by one specialist →
// handed back. Storage knows no roster or texts; it makes the steps atomic across instances:
// two specialists accepting at once → one wins; messages written while waiting are kept in order
// and given to the winner; the holder is recorded so the bot stops answering and relays.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/redis.hpp"

namespace talentbot::storage {

// Coroutine parameters are taken by value on purpose (g++ 12, see streams.hpp).

struct Handoff {
  std::string talent;
  std::string state;       // "waiting" | "held"
  std::string department;  // who was asked ("" = the center)
  std::string specialist;  // the holder, when held
  std::string case_id;     // the case it concerns, if any
  std::string language;    // the talent's
  std::int64_t requested_at = 0;
  std::int64_t escalations = 0;  // how many times the request went up (lead, then center)
};

// Opens a request unless one is open: returns the open one (its state tells which) or the new one.
struct Requested {
  Handoff handoff;
  bool created = false;
};
boost::asio::awaitable<boost::system::result<Requested>> request_handoff(RedisClient& redis, Handoff h);

boost::asio::awaitable<boost::system::result<std::optional<Handoff>>> get_handoff(RedisClient& redis,
                                                                                  std::string talent);

// Keeps a message written while waiting; returns how many are kept (1 for the first).
boost::asio::awaitable<boost::system::result<long long>> keep_waiting_message(RedisClient& redis, std::string talent,
                                                                            std::string message);

struct Accepted {
  bool won = false;
  Handoff handoff;                     // as it is now (the holder, if another won)
  std::vector<std::string> waiting;    // the kept messages, oldest first (to the winner only)
};
// The first specialist wins (and wins again if it asks again: a message handled twice); `none`
// (handoff missing) comes back as won=false with an empty talent. The kept messages stay until
// the handoff ends.
boost::asio::awaitable<boost::system::result<Accepted>> accept_handoff(RedisClient& redis, std::string talent,
                                                                     std::string specialist);

// Ends the handoff (the holder hands back, or it lapses). False if there was none.
boost::asio::awaitable<boost::system::result<bool>> end_handoff(RedisClient& redis, std::string talent);

// The talents a specialist holds now.
boost::asio::awaitable<boost::system::result<std::vector<std::string>>> handoffs_of(RedisClient& redis,
                                                                                  std::string specialist);

// The messages kept while waiting, oldest first (for the center when nobody accepted).
boost::asio::awaitable<boost::system::result<std::vector<std::string>>> waiting_messages(RedisClient& redis,
                                                                                       std::string talent);

boost::asio::awaitable<boost::system::result<void>> note_escalation(RedisClient& redis, std::string talent);

}  // namespace talentbot::storage
