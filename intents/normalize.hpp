// Text normalisation, word segmentation and toneless pinyin for the NLU.
//
// Everything downstream (service matching, entity extraction, classifier features) works on the
// normalised form, so full-width digits, traditional characters, capitals and the many Chinese
// punctuation marks never have to be handled twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace talentbot::intents {

// NFKC width folding, traditional → simplified (OpenCC t2s, phrase level), lower-case, one
// punctuation set (。→. ，、→, “”「」《》→" 【】→() ——→-), control characters dropped, runs of
// whitespace collapsed to one space, spaces between Han characters removed (voice input and
// copy-paste insert them at random), trimmed. Thread-safe; the converters are opened once per process.
std::string normalize(std::string_view text);

// ICU word segmentation (dictionary-based for Han) of normalised text; whitespace dropped,
// punctuation and private-use placeholder characters kept as their own tokens. Thread-safe.
std::vector<std::string> segment_words(std::string_view normalized);

// Decodes the UTF-8 code point at `pos` and advances `pos` past it; malformed bytes decode to
// U+FFFD one byte at a time, so callers can always make progress.
char32_t next_code_point(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of `c`.
void append_utf8(std::string& out, char32_t c);

bool is_han(char32_t c);

// Toneless pinyin of Han characters as small integer syllable ids, for homophone matching
// (落护 → luo hu = 落户). The readings are ICU's "Han-Latin; Latin-ASCII" transform, tabulated at
// build time for CJK Ext. A and the CJK Unified Ideographs (intents/tools/make_pinyin_table.cpp):
// building that transliterator at run time took ≈90 ms of CPU per process, and each character
// ≈5 µs more. A lookup is now an array index. pinyin.cpp.
class Pinyin {
 public:
  static const Pinyin& instance();

  // 0 for characters without a reading (non-Han, or outside CJK Unified Ideographs + Ext. A).
  std::uint16_t syllable(char32_t c) const;

  // The toneless spelling of a syllable id ("" for 0), for diagnostics and tests.
  std::string spelling(std::uint16_t id) const;

  // The pinyin of a whole string, syllables separated by spaces, other characters dropped.
  std::string romanize(std::string_view text) const;

  Pinyin(const Pinyin&) = delete;
  Pinyin& operator=(const Pinyin&) = delete;

 private:
  Pinyin() = default;
};

}  // namespace talentbot::intents
