// Private to the entity extractors: the raw message as code points after a light fold, with a map
// back to byte offsets in the original text.
//
// The extractors run on raw user text (they must not depend on the classifier's normaliser, whose
// output has different offsets), so they fold only what their patterns need: full-width ASCII,
// the ideographic space, dash look-alikes, ASCII case, and the few traditional characters that
// occur in dates and times (週, 點, 號, 後 …).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <memory>

namespace talentbot::intents::entity_detail {

class FoldedText {
 public:
  explicit FoldedText(std::string_view utf8);

  std::size_t size() const { return size_; }
  // U+0000 past either end, so look-ahead and look-behind never need a bounds check.
  char32_t at(std::ptrdiff_t i) const {
    return i >= 0 && static_cast<std::size_t>(i) < size_ ? data_[i] : U'\0';
  }
  // Byte offset in the original text of folded character `i` (`i == size()` gives the text length).
  std::size_t byte_offset(std::size_t i) const { return offsets_[i]; }

  std::u32string_view view() const { return {data_, size_}; }
  // True when the folded characters from `i` spell `word`. Inline: the recognisers ask this for
  // every keyword at every candidate position, and almost always the first character differs.
  bool starts_with(std::size_t i, std::u32string_view word) const {
    return !word.empty() && i < size_ && data_[i] == word.front() && size_ - i >= word.size() &&
           std::u32string_view(data_ + i, word.size()) == word;
  }

 private:
  // Plain arrays, not strings: at() runs for every character of every scan, and even unoptimised
  // (Debug) builds should not pay for accessor calls or zero-filling each time.
  std::unique_ptr<char32_t[]> chars_;
  std::unique_ptr<std::size_t[]> offsets_;
  const char32_t* data_ = nullptr;
  std::size_t size_ = 0;
};

inline bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
inline bool is_ascii_letter(char32_t c) { return c >= U'a' && c <= U'z'; }  // text is folded to lower case
inline bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r'; }
bool is_han(char32_t c);
bool is_latin_letter(char32_t c);

// A stretch of the folded text [begin, end) and the canonical value found there.
struct Found {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string value;
};

// The first match starting at or after `from`; used both by the public extractors and by the
// date-time extractor, which must not read a case id, phone or ID number as a date.
std::optional<Found> find_case_id(const FoldedText& text, std::size_t from);
std::optional<Found> find_mobile(const FoldedText& text, std::size_t from);
std::optional<Found> find_resident_id(const FoldedText& text, std::size_t from);

}  // namespace talentbot::intents::entity_detail
