#include "intents/entities.hpp"

#include <array>
#include <chrono>

#include "intents/entity_text.hpp"

namespace talentbot::intents {
namespace entity_detail {
namespace {

bool is_calendar_date(int y, int m, int d) {
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                     std::chrono::day{static_cast<unsigned>(d)}}
      .ok();
}

int digits_value(std::string_view s) {
  int v = 0;
  for (const char c : s) v = v * 10 + (c - '0');
  return v;
}

// A number as people write it: digit groups joined by single spaces or dashes. Mobile and ID
// numbers are only accepted when they end exactly on a group boundary, so "13800138000 2份" is a
// phone number followed by a count, but "138001380002" is neither.
struct DigitChain {
  // Room for any phone or ID number with its prefix; longer runs (bank cards, pasted tables) are
  // followed to their end but only their start is kept. Fixed storage: this runs on every message.
  static constexpr std::size_t kCapacity = 48;
  std::array<char, kCapacity> digit{};
  std::array<std::size_t, kCapacity> index{};  // folded index of each digit
  std::size_t count = 0;
  bool truncated = false;
  std::size_t last = 0;  // folded index of the last digit, kept or not

  std::string_view digits() const { return {digit.data(), count}; }
  std::size_t end_of(std::size_t n) const { return index[n - 1] + 1; }
  bool boundary_after(std::size_t n) const {
    return n == count ? !truncated : index[n] != index[n - 1] + 1;
  }
};

DigitChain read_chain(const FoldedText& text, std::size_t i) {
  DigitChain chain;
  for (char32_t c = text.at(static_cast<std::ptrdiff_t>(i)); is_digit(c); c = text.at(static_cast<std::ptrdiff_t>(i))) {
    if (chain.count < DigitChain::kCapacity) {
      chain.digit[chain.count] = static_cast<char>(c);
      chain.index[chain.count++] = i;
    } else {
      chain.truncated = true;
    }
    chain.last = i;
    const auto next = text.at(static_cast<std::ptrdiff_t>(i + 1));
    if (is_digit(next)) {
      ++i;
    } else if ((next == U' ' || next == U'-') && is_digit(text.at(static_cast<std::ptrdiff_t>(i + 2)))) {
      i += 2;
    } else {
      break;
    }
  }
  return chain;
}

bool starts_number(const FoldedText& text, std::size_t i) {
  const auto prev = text.at(static_cast<std::ptrdiff_t>(i) - 1);
  return is_digit(text.at(static_cast<std::ptrdiff_t>(i))) && !is_digit(prev) && !is_ascii_letter(prev);
}

bool mobile_digits(std::string_view d) { return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'; }

std::optional<Found> case_id_at(const FoldedText& text, std::size_t i) {
  const auto c = [&](std::size_t k) { return text.at(static_cast<std::ptrdiff_t>(k)); };
  std::size_t p = i;
  const bool prefixed = c(p) == U'g' && c(p + 1) == U'c' && !is_ascii_letter(c(p - 1));
  if (prefixed) {
    p += 2;
    if (c(p) == U' ' || c(p) == U'-') ++p;
  } else if (!starts_number(text, p)) {
    return std::nullopt;
  }
  std::string date;
  while (date.size() < 8 && is_digit(c(p))) date.push_back(static_cast<char>(c(p++)));
  if (date.size() != 8) return std::nullopt;  // GC202611240007: the sequence may follow at once
  std::size_t gap = 0;
  bool dash = false;
  while (gap < 3 && (c(p) == U' ' || c(p) == U'-' || c(p) == U'_')) {
    dash = dash || c(p) != U' ';
    ++p, ++gap;
  }
  // Without the GC prefix only the receipt's own dash makes 8+4 digits a case id.
  if (!prefixed && (!dash || gap != 1)) return std::nullopt;
  std::string seq;
  while (seq.size() < 4 && is_digit(c(p))) seq.push_back(static_cast<char>(c(p++)));
  if (seq.size() != 4 || is_digit(c(p))) return std::nullopt;
  const int year = digits_value(std::string_view(date).substr(0, 4));
  if (year < 2000 || year > 2099 ||
      !is_calendar_date(year, digits_value(std::string_view(date).substr(4, 2)),
                        digits_value(std::string_view(date).substr(6, 2)))) {
    return std::nullopt;
  }
  return Found{i, p, "GC" + date + "-" + seq};
}

constexpr std::array<int, 17> kIdWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheck = "10X98765432";

// Province-level codes of GB/T 2260 (71 Taiwan, 81/82 Hong Kong/Macao residence permits, 83 Taiwan
// residents' residence permits), and 9x: the 2023 foreigners' permanent residence ID card, which
// foreign experts with a green card carry.
bool known_region(int code) {
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
         code == 71 || code == 81 || code == 82 || code == 83 || (code >= 90 && code <= 99);
}

}  // namespace

std::optional<Found> find_case_id(const FoldedText& text, std::size_t from) {
  const std::u32string_view chars = text.view();
  for (std::size_t i = from; i < chars.size(); ++i) {
    if (chars[i] != U'g' && !is_digit(chars[i])) continue;
    if (auto found = case_id_at(text, i)) return found;
  }
  return std::nullopt;
}

namespace {

// Each digit group of a chain may start a number: "410105199003071234 13800138000" is one chain
// holding an ID number and then a phone.
template <typename Match>
std::optional<Found> first_in_chains(const FoldedText& text, std::size_t from, Match match) {
  const std::u32string_view chars = text.view();
  for (std::size_t i = from; i < chars.size(); ++i) {
    if (!is_digit(chars[i]) || !starts_number(text, i)) continue;
    const DigitChain chain = read_chain(text, i);
    for (std::size_t g = 0; g < chain.count; ++g) {
      if (g > 0 && chain.index[g] == chain.index[g - 1] + 1) continue;
      if (auto found = match(chain, g)) return found;
    }
    i = chain.last;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Found> find_mobile(const FoldedText& text, std::size_t from) {
  return first_in_chains(text, from, [&](const DigitChain& chain, std::size_t g) -> std::optional<Found> {
    const std::string_view digits = chain.digits().substr(g);
    for (const std::string_view prefix : {std::string_view(""), std::string_view("86"), std::string_view("0086")}) {
      const std::size_t count = prefix.size() + 11;
      if (digits.size() < count || !chain.boundary_after(g + count) || !digits.starts_with(prefix) ||
          !mobile_digits(digits.substr(prefix.size(), 11))) {
        continue;
      }
      std::size_t begin = chain.index[g];
      if (!prefix.empty() && text.at(static_cast<std::ptrdiff_t>(begin) - 1) == U'+') --begin;
      return Found{begin, chain.end_of(g + count), std::string(digits.substr(prefix.size(), 11))};
    }
    return std::nullopt;
  });
}

std::optional<Found> find_resident_id(const FoldedText& text, std::size_t from) {
  return first_in_chains(text, from, [&](const DigitChain& chain, std::size_t g) -> std::optional<Found> {
    const std::size_t left = chain.count - g;
    std::optional<Found> found;
    if (left >= 18 && chain.boundary_after(g + 18)) {
      found = Found{chain.index[g], chain.end_of(g + 18), std::string(chain.digits().substr(g, 18))};
    } else if (left == 17 && !chain.truncated && text.at(static_cast<std::ptrdiff_t>(chain.end_of(g + 17))) == U'x') {
      found = Found{chain.index[g], chain.end_of(g + 17) + 1, std::string(chain.digits().substr(g)) + "X"};
    }
    if (found && !is_ascii_letter(text.at(static_cast<std::ptrdiff_t>(found->end))) &&
        is_valid_resident_id(found->value)) {
      return found;
    }
    return std::nullopt;
  });
}

}  // namespace entity_detail

using entity_detail::FoldedText;

std::optional<std::string> extract_case_id(std::string_view text) {
  auto found = entity_detail::find_case_id(FoldedText(text), 0);
  return found ? std::optional(std::move(found->value)) : std::nullopt;
}

std::optional<std::string> extract_mobile(std::string_view text) {
  auto found = entity_detail::find_mobile(FoldedText(text), 0);
  return found ? std::optional(std::move(found->value)) : std::nullopt;
}

std::optional<std::string> extract_resident_id(std::string_view text) {
  auto found = entity_detail::find_resident_id(FoldedText(text), 0);
  return found ? std::optional(std::move(found->value)) : std::nullopt;
}

bool is_valid_resident_id(std::string_view id) {
  if (id.size() != 18) return false;
  int sum = 0;
  for (std::size_t k = 0; k < 17; ++k) {
    if (id[k] < '0' || id[k] > '9') return false;
    sum += (id[k] - '0') * entity_detail::kIdWeights[k];
  }
  const char check = id[17] == 'x' ? 'X' : id[17];
  if (check != entity_detail::kIdCheck[static_cast<std::size_t>(sum % 11)]) return false;
  const auto num = [&](std::size_t pos, std::size_t len) { return entity_detail::digits_value(id.substr(pos, len)); };
  if (!entity_detail::known_region(num(0, 2))) return false;
  const int year = num(6, 4);
  return year >= 1900 && year <= 2099 && entity_detail::is_calendar_date(year, num(10, 2), num(12, 2));
}

std::string mask_resident_id(std::string_view id) {
  if (id.size() <= 8) return std::string(id.size(), '*');
  std::string out(id);
  for (std::size_t k = 4; k + 4 < out.size(); ++k) out[k] = '*';
  return out;
}

std::string mask_mobile(std::string_view mobile) {
  std::string digits;
  for (const char c : mobile) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  // Logs show the subscriber number only; a +86/0086 prefix would shift the kept digits.
  if (digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
  if (digits.size() == 15 && digits.starts_with("0086")) digits.erase(0, 4);
  if (digits.size() < 7) return std::string(digits.size(), '*');
  for (std::size_t k = 3; k + 4 < digits.size(); ++k) digits[k] = '*';
  return digits;
}

Language detect_language(std::string_view text) {
  const FoldedText folded(text);
  std::size_t han = 0;
  std::size_t latin = 0;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const char32_t c = folded.at(static_cast<std::ptrdiff_t>(i));
    if (entity_detail::is_han(c)) {
      ++han;
    } else if (entity_detail::is_latin_letter(c)) {
      ++latin;
    }
  }
  if (han == 0) return latin > 0 ? Language::en : Language::zh;
  // One Han character amid an English sentence is a name or a pasted term ("Dr. 王"), not the
  // language the talent writes in.
  if (han == 1 && latin >= 4) return Language::en;
  return Language::zh;
}

}  // namespace talentbot::intents
