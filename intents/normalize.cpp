#include "intents/normalize.hpp"

#include <opencc/opencc.h>
#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/DictGroup.hpp>
#include <opencc/Lexicon.hpp>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <atomic>
#include <bitset>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace talentbot::intents {
namespace {

// OpenCC t2s, opened once per process (≈2 ms). Converter::Convert is const and the dictionaries
// are read-only after loading, so one instance serves every thread. A conversion costs ≈10 µs per
// message even when nothing changes, so we only run it when the text holds a character that starts
// or differs in some t2s dictionary entry — most messages are already simplified.
class Simplifier {
 public:
  Simplifier() : converter_(opencc::Config().NewFromFile(TALENTBOT_OPENCC_DIR "/t2s.json")) {
    std::vector<opencc::LexiconPtr> lexicons;
    for (const auto& conversion : converter_->GetConversionChain()->GetConversions()) {
      collect(conversion->GetDict(), lexicons);
    }
    // A changing phrase can only match text that contains all of its characters, so it needs a
    // trigger of its own only when none of them is already a changing single character (么麼 is
    // covered by 麼; marking 么 would send every 什么 through OpenCC).
    for (const auto& lexicon : lexicons) {
      for (const auto& entry : *lexicon) {
        const std::string key = entry->Key();
        std::size_t pos = 0;
        const char32_t first = next_code_point(key, pos);
        if (pos == key.size() && first <= 0xFFFF && key != entry->GetDefault()) triggers_[first] = true;
      }
    }
    for (const auto& lexicon : lexicons) {
      for (const auto& entry : *lexicon) add_phrase_triggers(entry->Key(), entry->GetDefault());
    }
  }

  bool needed(std::string_view text) const {
    for (std::size_t pos = 0; pos < text.size();) {
      const char32_t c = next_code_point(text, pos);
      if (c >= 0x80 && (c > 0xFFFF || triggers_[c])) return true;
    }
    return false;
  }

  std::string convert(const std::string& text) const { return converter_->Convert(text); }

 private:
  static void collect(const opencc::DictPtr& dict, std::vector<opencc::LexiconPtr>& out) {
    if (auto group = std::dynamic_pointer_cast<opencc::DictGroup>(dict)) {
      for (const auto& inner : group->GetDicts()) collect(inner, out);
      return;
    }
    out.push_back(dict->GetLexicon());
  }

  void add_phrase_triggers(const std::string& key, const std::string& value) {
    if (key == value) return;
    for (std::size_t k = 0; k < key.size();) {
      const char32_t kc = next_code_point(key, k);
      if (kc > 0xFFFF || triggers_[kc]) return;
    }
    std::size_t k = 0, v = 0;
    bool marked = false;
    while (k < key.size()) {
      const char32_t kc = next_code_point(key, k);
      const char32_t vc = v < value.size() ? next_code_point(value, v) : 0;
      if (kc != vc) triggers_[kc] = marked = true;
    }
    if (!marked) {
      for (k = 0; k < key.size();) triggers_[next_code_point(key, k)] = true;
    }
  }

  opencc::ConverterPtr converter_;
  std::bitset<0x10000> triggers_;
};

const Simplifier& simplifier() {
  static const Simplifier instance;
  return instance;
}

const icu::Normalizer2& nfkc() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normaliser unavailable");
    return n;
  }();
  return *instance;
}

// One punctuation set after NFKC (which already folded the full-width ASCII forms).
char32_t unify_punctuation(char32_t c) {
  switch (c) {
    case U'。': case U'｡': return U'.';
    case U'、': case U'､': return U',';
    case U'“': case U'”': case U'„': case U'‟': case U'「': case U'」': case U'『': case U'』':
    case U'〝': case U'〞': case U'《': case U'》': case U'〈': case U'〉': return U'"';
    case U'‘': case U'’': case U'‚': case U'‛': case U'`': return U'\'';
    case U'【': case U'〔': case U'〖': return U'(';
    case U'】': case U'〕': case U'〗': return U')';
    case U'—': case U'–': case U'―': case U'‐': case U'‑': case U'‒': case U'−': case U'─': return U'-';
    case U'〜': case U'～': return U'~';
    case U'•': case U'‧': case U'・': case U'∙': return U'·';
    default: return c;
  }
}

bool is_dropped(char32_t c) {
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF ||
         u_charType(static_cast<UChar32>(c)) == U_FORMAT_CHAR;
}

bool is_space(char32_t c) {
  return c < 0x20 || c == 0x7F || u_isUWhiteSpace(static_cast<UChar32>(c)) ||
         u_charType(static_cast<UChar32>(c)) == U_CONTROL_CHAR;
}

bool is_punct(char32_t c) { return u_ispunct(static_cast<UChar32>(c)) != 0; }

// Punctuation, spacing and control characters, on text that is already NFKC, lower-case, simplified.
std::string tidy(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  char32_t prev = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t c = next_code_point(text, pos);
    if (is_dropped(c)) continue;
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    c = unify_punctuation(c);
    if (pending_space) {
      const bool prev_wide = is_han(prev) || is_punct(prev);
      const bool next_wide = is_han(c) || is_punct(c);
      if (!(prev_wide && next_wide)) out.push_back(' ');
      pending_space = false;
    }
    append_utf8(out, c);
    prev = c;
  }
  return out;
}

}  // namespace

char32_t next_code_point(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  int length = 0;
  char32_t c = 0;
  if (lead < 0x80) {
    ++pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, c = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, c = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, c = lead & 0x07;
  } else {
    ++pos;
    return 0xFFFD;
  }
  if (pos + length > text.size()) {
    ++pos;
    return 0xFFFD;
  }
  for (int i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    c = (c << 6) | (byte(pos + i) & 0x3F);
  }
  pos += length;
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool is_han(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

std::string normalize(std::string_view text) {
  bool ascii = true;
  for (const char ch : text) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  if (ascii) {
    std::string lower(text);
    for (char& ch : lower) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return tidy(lower);
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded = nfkc().normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))),
      status);
  if (U_FAILURE(status)) folded = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(),
                                                                               static_cast<int32_t>(text.size())));
  folded.toLower(icu::Locale::getRoot());
  std::string utf8;
  folded.toUTF8String(utf8);
  const Simplifier& t2s = simplifier();
  if (t2s.needed(utf8)) utf8 = t2s.convert(utf8);
  return tidy(utf8);
}

std::vector<std::string> segment_words(std::string_view normalized) {
  // BreakIterator is stateful, so each thread keeps its own (creation costs ≈70 µs).
  thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !it) throw std::runtime_error("ICU word break iterator unavailable");
    return it;
  }();
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(normalized.data(), static_cast<int32_t>(normalized.size())));
  iterator->setText(text);
  std::vector<std::string> words;
  std::int32_t start = iterator->first();
  for (std::int32_t end = iterator->next(); end != icu::BreakIterator::DONE;
       start = end, end = iterator->next()) {
    if (end - start == 1 && u_isUWhiteSpace(text.charAt(start))) continue;
    std::string word;
    text.tempSubStringBetween(start, end).toUTF8String(word);
    if (word.find_first_not_of(' ') == std::string::npos) continue;
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace talentbot::intents
