#pragma once
// A value a client sent, quoted in an error message ("from: '2026-13-01' is not a date"): cut at
// 40 bytes, never inside a UTF-8 character, so a pasted paragraph does not come back whole.
#include <string>
#include <string_view>

namespace talentbot::bot {

inline std::string echo_input(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  std::size_t cut = text.size();
  if (cut > kMax) {
    cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  out.append(text.substr(0, cut));
  out += cut < text.size() ? "…'" : "'";
  return out;
}

}  // namespace talentbot::bot
