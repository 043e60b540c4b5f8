#include "intents/entity_text.hpp"

namespace talentbot::intents::entity_detail {
namespace {

// Strict decoding: overlong forms, surrogates and truncated sequences become U+FFFD one byte at a
// time, so a malformed byte never swallows the ASCII digits after it.
char32_t decode(std::string_view s, std::size_t& pos) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char b0 = bytes[pos];
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    ++pos;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++pos;
    return 0xFFFD;
  }
  if (pos + static_cast<std::size_t>(extra) >= s.size()) {
    ++pos;
    return 0xFFFD;
  }
  for (int k = 1; k <= extra; ++k) {
    const unsigned char b = bytes[pos + static_cast<std::size_t>(k)];
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return 0xFFFD;
  }
  pos += static_cast<std::size_t>(extra) + 1;
  return cp;
}

// Traditional forms of the characters the date, time and number patterns look for. Users on
// Taiwan/HK keyboards write 下週二下午兩點 as often as 下周二下午两点; a full t2s conversion is
// the normaliser's job and would cost far more than this table.
char32_t simplified(char32_t c) {
  switch (c) {
    case U'來': return U'来'; case U'倆': return U'俩'; case U'個': return U'个'; case U'億': return U'亿';
    case U'內': return U'内'; case U'兩': return U'两'; case U'幾': return U'几'; case U'廳': return U'厅';
    case U'張': return U'张'; case U'後': return U'后'; case U'時': return U'时'; case U'條': return U'条';
    case U'樓': return U'楼'; case U'機': return U'机'; case U'檯': return U'台'; case U'歲': return U'岁';
    case U'禮': return U'礼'; case U'約': return U'约'; case U'線': return U'线'; case U'臺': return U'台';
    case U'萬': return U'万'; case U'號': return U'号'; case U'這': return U'这'; case U'週': return U'周';
    case U'過': return U'过'; case U'鐘': return U'钟'; case U'門': return U'门'; case U'開': return U'开';
    case U'間': return U'间'; case U'頁': return U'页'; case U'項': return U'项'; case U'點': return U'点';
    default: return c;
  }
}

char32_t fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII block
  if (c == 0x3000 || c == 0x00A0) return U' ';
  // Dash look-alikes that IMEs and copy-paste produce inside phone numbers and case ids.
  if (c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014 || c == 0x2212 ||
      c == 0xFE63) {
    return U'-';
  }
  if (c == 0x2018 || c == 0x2019) return U'\'';  // o’clock
  if (c >= U'A' && c <= U'Z') return c + (U'a' - U'A');
  return c >= 0x4E00 ? simplified(c) : c;
}

}  // namespace

FoldedText::FoldedText(std::string_view utf8)
    : chars_(std::make_unique_for_overwrite<char32_t[]>(utf8.size())),
      offsets_(std::make_unique_for_overwrite<std::size_t[]>(utf8.size() + 1)) {
  // Sized for the worst case (all ASCII): no per-character capacity checks.
  char32_t* out = chars_.get();
  std::size_t* offset = offsets_.get();
  std::size_t n = 0;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    offset[n] = pos;
    const auto byte = static_cast<unsigned char>(utf8[pos]);
    if (byte < 0x80) {  // ASCII needs only lower-casing
      ++pos;
      out[n++] = byte >= 'A' && byte <= 'Z' ? char32_t{byte} + 32 : char32_t{byte};
    } else {
      out[n++] = fold(decode(utf8, pos));
    }
  }
  offset[n] = utf8.size();
  data_ = out;
  size_ = n;
}

bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F) || c == 0x3007;  // 〇 is written as a Han numeral
}

bool is_latin_letter(char32_t c) {
  return is_ascii_letter(c) || (c >= U'A' && c <= U'Z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

}  // namespace talentbot::intents::entity_detail
