#pragma once
// Expected failures of the storage layer, as error codes (Boost.Redis's error.hpp pattern).
#include <boost/system/error_code.hpp>

namespace talentbot::storage {

enum class errc {
  disconnected = 1,  // no connection to Redis right now: the command was not sent (fail fast)
  timeout,           // sent, but no reply within the call's timeout; the connection is reset
  connection_lost,   // sent, and the connection dropped before the reply arrived
  protocol,          // hiredis could not queue or parse the command
  server_error,      // Redis answered with an error reply (see the reply text)
  unexpected_reply,  // a reply of a type the caller did not expect
  spawn_failed,      // the embedded redis-server could not be started
};

boost::system::error_category const& storage_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), storage_category()};
}

}  // namespace talentbot::storage

template <>
struct boost::system::is_error_code_enum<talentbot::storage::errc> : std::true_type {};
