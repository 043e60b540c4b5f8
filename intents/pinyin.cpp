// Toneless pinyin from the table generated at build time (see normalize.hpp and
// intents/tools/make_pinyin_table.cpp).
#include "intents/normalize.hpp"

#include <cstddef>
#include <cstdint>

namespace talentbot::intents {
namespace pinyin_table {
extern const char* const kSpellings[];
extern const std::size_t kSpellingCount;
extern const std::uint16_t kSyllables[];
}  // namespace pinyin_table

namespace {
constexpr char32_t kFirstHan = 0x3400;  // CJK Ext. A .. CJK Unified Ideographs, as generated
constexpr char32_t kLastHan = 0x9FFF;
}  // namespace

const Pinyin& Pinyin::instance() {
  static const Pinyin pinyin;
  return pinyin;
}

std::uint16_t Pinyin::syllable(char32_t c) const {
  if (c < kFirstHan || c > kLastHan) return 0;
  return pinyin_table::kSyllables[c - kFirstHan];
}

std::string Pinyin::spelling(std::uint16_t id) const {
  return id < pinyin_table::kSpellingCount ? pinyin_table::kSpellings[id] : std::string();
}

std::string Pinyin::romanize(std::string_view text) const {
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::uint16_t id = syllable(next_code_point(text, pos));
    if (id == 0) continue;
    if (!out.empty()) out.push_back(' ');
    out += spelling(id);
  }
  return out;
}

}  // namespace talentbot::intents
