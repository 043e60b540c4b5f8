#include "bot/api_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace talentbot {
namespace config {
namespace {

constexpr std::size_t kMinSecret = 16;  // `openssl rand -hex 24` gives 48
constexpr std::size_t kMaxSecret = 256;
constexpr std::size_t kMaxName = 32;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; }
// Hex, base64 and base64url alphabets; no ',' or ':' (the list's separators).
bool secret_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("-._~+/=").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::optional<std::string> parse_api_tokens(std::string const& text, std::vector<ApiToken>& out) {
  std::vector<ApiToken> tokens;
  std::string_view rest = text;
  for (int position = 1; !trim(rest).empty(); ++position) {
    auto const comma = rest.find(',');
    auto const item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    // Errors name the entry by position and name only: the text may hold a token.
    std::string const where = "entry " + std::to_string(position);
    auto const eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return where + ": expected name=TOKEN or name=TOKEN:read (entries separated by commas)";
    ApiToken t;
    auto const name = item.substr(0, eq);
    if (name.size() > kMaxName || !std::all_of(name.begin(), name.end(), [](char c) { return name_char(c); }))
      return where + ": the name must be 1 to 32 letters, digits, '_', '-' or '.'";
    t.name = std::string(name);
    auto secret = item.substr(eq + 1);
    if (auto const colon = secret.rfind(':'); colon != std::string_view::npos) {
      auto const role = secret.substr(colon + 1);
      if (role == "read") t.write = false;
      else if (role == "write") t.write = true;
      else return where + " ('" + t.name + "'): the role after ':' must be read or write";
      secret = secret.substr(0, colon);
    }
    if (secret.size() < kMinSecret || secret.size() > kMaxSecret)
      return where + " ('" + t.name + "'): the token must be 16 to 256 characters (e.g. openssl rand -hex 24)";
    if (!std::all_of(secret.begin(), secret.end(), [](char c) { return secret_char(c); }))
      return where + " ('" + t.name + "'): the token may hold only letters, digits and -._~+/=";
    t.secret = std::string(secret);
    for (auto const& other : tokens) {
      if (other.name == t.name) return where + ": the name '" + t.name + "' is used twice";
      if (other.secret == t.secret) return where + " ('" + t.name + "'): the same token as '" + other.name + "'";
    }
    tokens.push_back(std::move(t));
  }
  out = std::move(tokens);
  return std::nullopt;
}

}  // namespace config

namespace bot {
namespace {

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> digest{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1 || len != digest.size())
    throw std::runtime_error("SHA-256 failed");
  return digest;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

ApiAuth::ApiAuth(std::vector<config::ApiToken> const& tokens) {
  for (auto const& t : tokens) entries_.push_back(Entry{t.name, t.write, sha256(t.secret)});
}

ApiAuth::Result ApiAuth::check(std::string_view authorization) const {
  Result r;
  authorization = config::trim(authorization);
  if (authorization.empty()) return r;
  r.outcome = Outcome::malformed;
  auto const space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "Bearer")) return r;
  auto const presented = sha256(config::trim(authorization.substr(space + 1)));
  // Digests have one length, so CRYPTO_memcmp's constant time covers every token length too.
  Entry const* match = nullptr;
  for (auto const& e : entries_)
    if (CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0) match = &e;
  r.outcome = match ? Outcome::ok : Outcome::invalid;
  if (match) {
    r.name = match->name;
    r.write = match->write;
  }
  return r;
}

}  // namespace bot
}  // namespace talentbot
