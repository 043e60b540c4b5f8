#pragma once
// Who may use the center API: named bearer tokens from `api.tokens`, each read-only or allowed to
// change a case's status. Tokens are kept only as SHA-256 digests and compared in constant time,
// so neither the comparison's timing nor a memory dump of this object gives one away.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "bot/config.hpp"

namespace talentbot::bot {

class ApiAuth {
 public:
  enum class Outcome {
    missing,    // no Authorization header
    malformed,  // a header, but not "Bearer <token>"
    invalid,    // a bearer token no configured entry has
    ok,
  };
  struct Result {
    Outcome outcome = Outcome::missing;
    std::string name;  // the token's name when ok: logs and history entries say who acted
    bool write = false;
  };

  explicit ApiAuth(std::vector<config::ApiToken> const& tokens);

  bool enabled() const { return !entries_.empty(); }
  // The value of an Authorization header. Every configured digest is compared, always, so the
  // time taken does not depend on which token (if any) matched.
  Result check(std::string_view authorization) const;

 private:
  struct Entry {
    std::string name;
    bool write = false;
    std::array<unsigned char, 32> digest{};
  };
  std::vector<Entry> entries_;
};

}  // namespace talentbot::bot
