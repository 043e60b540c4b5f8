#include "intents/service_matcher.hpp"

#include "intents/knowledge.hpp"
#include "intents/normalize.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <functional>
#include <map>

namespace talentbot::intents {
namespace {

constexpr double kExact = ServiceMatcher::kNamed;
constexpr double kSingleServiceDepartment = 0.9;
constexpr double kSharedDepartment = 0.5;  // below kConfident: one of several, the bot asks
constexpr double kLongHomophone = 0.85;    // three or more syllables rarely collide by chance
constexpr double kShortHomophone = 0.75;

bool is_word_byte(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t pos = 0; pos < text.size(); ++n) next_code_point(text, pos);
  return n;
}

std::string strip_punctuation(std::string_view text) {
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = next_code_point(text, pos);
    if (u_ispunct(static_cast<UChar32>(c))) continue;
    if (c == U' ' && (out.empty() || out.back() == ' ')) continue;
    append_utf8(out, c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Official names carry brackets and quotes ("工商登记（营业执照）", "《外国专家证》办理",
// "Household registration (hukou) transfer"); users type the parts.
std::vector<std::string> name_variants(std::string_view name) {
  const std::string n = normalize(name);
  std::vector<std::string> out{strip_punctuation(n)};
  const std::size_t open = n.find('(');
  if (open != std::string::npos) {
    out.push_back(strip_punctuation(n.substr(0, open)));
    const std::size_t close = n.find(')', open);
    if (close != std::string::npos) out.push_back(strip_punctuation(n.substr(open + 1, close - open - 1)));
  }
  return out;
}

struct Char {
  char32_t c;
  std::uint16_t syllable;
  std::size_t offset;
};

bool is_single_word(std::string_view text) { return segment_words(text).size() == 1; }

// Two syllables collide by chance far more often than three, so a two-character homophone must
// keep one character of the alias (落护 keeps 落), must not be a word of its own (入院 is not a
// typo of 入园), and its other character must not belong to a neighbouring word (查信息 is 查 +
// 信息, not a typo of 查新).
bool plausible_typo(std::string_view text, const std::vector<Char>& chars, std::size_t i, std::string_view key) {
  std::size_t key_pos = 0;
  const bool first_same = next_code_point(key, key_pos) == chars[i].c;
  const bool second_same = next_code_point(key, key_pos) == chars[i + 1].c;
  if (first_same == second_same) return false;
  const auto slice = [&](std::size_t from, std::size_t to) {
    const std::size_t end = to < chars.size() ? chars[to].offset : text.size();
    return text.substr(chars[from].offset, end - chars[from].offset);
  };
  if (is_single_word(slice(i, i + 2))) return false;
  if (first_same) return i + 2 >= chars.size() || !is_single_word(slice(i + 1, i + 3));
  return i == 0 || !is_single_word(slice(i - 1, i + 1));
}

// English on word level: articles and possessives skipped and words crudely stemmed, on both
// the alias and the message, so "register my company", "registering a company" and "companies"
// all meet the alias "register a company".
struct Token {
  std::string stem;
  std::size_t begin, end;
};

bool is_skipped_word(std::string_view w) {
  for (const std::string_view s : {"a", "an", "the", "my", "our", "your", "his", "her", "their", "its", "this", "that"}) {
    if (w == s) return true;
  }
  return false;
}

std::string stem(std::string w) {
  const auto cut = [&](std::string_view suffix, std::string_view replacement, std::size_t min_left) {
    if (w.size() < suffix.size() + min_left || !w.ends_with(suffix)) return false;
    w.resize(w.size() - suffix.size());
    w.append(replacement);
    return true;
  };
  if (w.ends_with("'s")) w.resize(w.size() - 2);
  w.erase(std::remove(w.begin(), w.end(), '\''), w.end());
  cut("ies", "y", 2) || cut("ied", "y", 2) || cut("ing", "", 3) || cut("ed", "", 3) || cut("ches", "ch", 1) ||
      cut("shes", "sh", 1) || cut("xes", "x", 1) || (!w.ends_with("ss") && cut("s", "", 3));
  if (w.size() > 3 && w.back() == 'e') w.pop_back();
  if (w.size() > 3 && w[w.size() - 1] == w[w.size() - 2] && w.back() != 's') w.pop_back();  // enroll = enrol
  return w;
}

std::vector<Token> english_tokens(std::string_view text) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_word_byte(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && (is_word_byte(text[end]) || text[end] == '\'')) ++end;
    const std::string_view word = text.substr(i, end - i);
    if (!is_skipped_word(word)) out.push_back({stem(std::string(word)), i, end});
    i = end;
  }
  return out;
}

std::string english_key(std::string_view text) {
  std::string key;
  for (const auto& t : english_tokens(text)) key += (key.empty() ? "" : " ") + t.stem;
  return key;
}

}  // namespace

struct ServiceMatcher::Hit {
  std::uint32_t entry;
  std::size_t begin;
  std::size_t end;
  bool homophone;
};

ServiceMatcher::ServiceMatcher(const Knowledge& knowledge) {
  for (const auto& s : knowledge.services()) services_.push_back(s.id);
  for (std::uint16_t i = 0; i < knowledge.services().size(); ++i) {
    const Service& s = knowledge.services()[i];
    const std::vector<std::uint16_t> self{i};
    for (const auto* name : {&s.name.zh, &s.name.en}) {
      for (const auto& variant : name_variants(*name)) add(variant, self, false);
    }
    for (const auto* list : {&s.aliases.zh, &s.aliases.en}) {
      for (const auto& alias : *list) add(alias, self, false);
    }
  }
  for (const auto& d : knowledge.departments()) {
    std::vector<std::uint16_t> owned;
    for (const auto& id : d.service_ids) {
      owned.push_back(static_cast<std::uint16_t>(std::find(services_.begin(), services_.end(), id) - services_.begin()));
    }
    if (owned.empty()) continue;  // the talent exchange center and the finance bureau run no service themselves
    for (const auto* name : {&d.name.zh, &d.name.en, &d.short_name.zh, &d.short_name.en}) add(*name, owned, true);
    for (const auto& alias : d.aliases) add(alias, owned, true);
  }
  for (std::uint32_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    if (e.ascii) {
      for (std::size_t pos = 0; pos <= e.key.size();) {
        const std::size_t space = std::min(e.key.find(' ', pos), e.key.size());
        e.tokens.push_back(e.key.substr(pos, space - pos));
        pos = space + 1;
      }
      by_first_token_[e.tokens.front()].push_back(i);
    } else {
      std::size_t pos = 0;
      by_first_char_[next_code_point(e.key, pos)].push_back(i);
    }
  }
  for (auto& [c, list] : by_first_char_) std::sort(list.begin(), list.end(), longest_first());
  for (auto& [t, list] : by_first_token_) {
    std::sort(list.begin(), list.end(), [this](std::uint32_t a, std::uint32_t b) {
      return entries_[a].tokens.size() != entries_[b].tokens.size() ? entries_[a].tokens.size() > entries_[b].tokens.size()
                                                                     : a < b;
    });
  }
}

std::function<bool(std::uint32_t, std::uint32_t)> ServiceMatcher::longest_first() const {
  return [this](std::uint32_t a, std::uint32_t b) {
    return entries_[a].key.size() != entries_[b].key.size() ? entries_[a].key.size() > entries_[b].key.size() : a < b;
  };
}

void ServiceMatcher::add(std::string_view surface, const std::vector<std::uint16_t>& services, bool department) {
  std::string key = normalize(surface);
  const bool ascii = std::all_of(key.begin(), key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (code_points(key) < 2) return;  // one character is too ambiguous to name a service
  const std::string surface_key = key;
  if (ascii) key = english_key(key);
  if (key.empty()) return;
  for (auto& e : entries_) {
    if (e.key != key) continue;
    if (e.department && !department) {
      e.services = services, e.department = false;
    } else if (e.department == department) {
      for (const auto s : services) {
        if (std::find(e.services.begin(), e.services.end(), s) == e.services.end()) e.services.push_back(s);
      }
    }
    return;
  }
  entries_.push_back({std::move(key), {}, services, department, ascii, {}, surface_key});
}

void ServiceMatcher::index_homophones() {
  if (!by_first_syllable_.empty()) return;
  for (std::uint32_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    bool all_han = true;
    for (std::size_t pos = 0; pos < e.key.size() && all_han;) {
      const std::uint16_t id = Pinyin::instance().syllable(next_code_point(e.key, pos));
      all_han = id != 0;
      e.syllables.push_back(id);
    }
    if (!all_han) e.syllables.clear();
    if (!e.syllables.empty()) by_first_syllable_[e.syllables.front()].push_back(i);
  }
  for (auto& [s, list] : by_first_syllable_) std::sort(list.begin(), list.end(), longest_first());
}

void ServiceMatcher::find_exact(std::string_view text, std::vector<Hit>& hits) const {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const auto it = by_first_char_.find(next_code_point(text, pos));
    if (it == by_first_char_.end()) continue;
    for (const std::uint32_t index : it->second) {
      const Entry& e = entries_[index];
      if (text.compare(start, e.key.size(), e.key) == 0) hits.push_back({index, start, start + e.key.size(), false});
    }
  }
  const std::vector<Token> tokens = english_tokens(text);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto it = by_first_token_.find(tokens[i].stem);
    if (it == by_first_token_.end()) continue;
    for (const std::uint32_t index : it->second) {
      const Entry& e = entries_[index];
      const std::size_t n = e.tokens.size();
      if (i + n > tokens.size()) continue;
      bool same = true;
      for (std::size_t j = 1; j < n && same; ++j) same = tokens[i + j].stem == e.tokens[j];
      // A one-word alias is matched as written (plus a plural s): stemmed, staffing would be staff.
      const std::string_view word = text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
      const bool as_written = word == e.surface || word == e.surface + "s" || word == e.surface + "es" ||
                              (e.surface.ends_with('s') && std::string(word) + "s" == e.surface);
      if (n == 1 && !as_written) continue;
      if (same) hits.push_back({index, tokens[i].begin, tokens[i + n - 1].end, false});
    }
  }
}

void ServiceMatcher::find_homophones(std::string_view text, std::vector<Hit>& hits) const {
  std::vector<Char> chars;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t offset = pos;
    const char32_t c = next_code_point(text, pos);
    chars.push_back({c, Pinyin::instance().syllable(c), offset});
  }
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (chars[i].syllable == 0) continue;
    const auto it = by_first_syllable_.find(chars[i].syllable);
    if (it == by_first_syllable_.end()) continue;
    for (const std::uint32_t index : it->second) {
      const Entry& e = entries_[index];
      const std::size_t n = e.syllables.size();
      if (i + n > chars.size()) continue;
      bool same_sound = true;
      for (std::size_t j = 1; j < n && same_sound; ++j) same_sound = chars[i + j].syllable == e.syllables[j];
      if (!same_sound) continue;
      std::size_t identical = 0;
      std::size_t key_pos = 0;
      for (std::size_t j = 0; j < n; ++j) identical += next_code_point(e.key, key_pos) == chars[i + j].c;
      if (identical == n) continue;  // an exact match, found already
      const std::size_t begin = chars[i].offset;
      const std::size_t end = i + n < chars.size() ? chars[i + n].offset : text.size();
      if (n == 2 && !plausible_typo(text, chars, i, e.key)) continue;
      hits.push_back({index, begin, end, true});
    }
  }
}

ServiceMatches ServiceMatcher::match(std::string_view text) const {
  std::vector<Hit> hits;
  find_exact(text, hits);
  // 户口本 is a document every service may ask for, not the hukou service itself.
  for (const std::string_view document : {"户口本", "户口簿"}) {
    for (std::size_t at = text.find(document); at != std::string_view::npos; at = text.find(document, at + 1)) {
      std::erase_if(hits, [&](const Hit& h) { return at <= h.begin && h.end <= at + document.size(); });
    }
  }
  const bool has_han = std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xE3; });
  if (has_han && !by_first_syllable_.empty()) find_homophones(text, hits);

  const auto contains = [](const Hit& outer, const Hit& inner) {
    return outer.begin <= inner.begin && inner.end <= outer.end && outer.end - outer.begin > inner.end - inner.begin;
  };
  const auto overlaps = [](const Hit& a, const Hit& b) { return a.begin < b.end && b.begin < a.end; };
  std::vector<bool> dropped(hits.size(), false);
  for (std::size_t a = 0; a < hits.size(); ++a) {
    const Entry& ea = entries_[hits[a].entry];
    for (std::size_t b = 0; b < hits.size() && !dropped[a]; ++b) {
      if (a == b) continue;
      const Entry& eb = entries_[hits[b].entry];
      const bool b_service = !eb.department && !hits[b].homophone;
      if (hits[a].homophone) {
        // Real text beats a guessed typo; a longer guess beats a shorter one.
        dropped[a] = (!hits[b].homophone && overlaps(hits[a], hits[b])) ||
                     (hits[b].homophone && contains(hits[b], hits[a]));
      } else if (ea.department) {
        // 社保局 names 社保 more precisely than it names the bureau, and in 人才办企业 the 办 is
        // 办企业's: a named service wins any overlap with a department.
        dropped[a] = b_service && overlaps(hits[a], hits[b]);
      } else {
        dropped[a] = b_service && contains(hits[b], hits[a]) && ea.services != eb.services;
      }
    }
  }

  ServiceMatches out;
  std::map<std::uint16_t, std::size_t> best;  // service → index in out.ranked
  for (std::size_t h = 0; h < hits.size(); ++h) {
    if (dropped[h]) continue;
    const Hit& hit = hits[h];
    const Entry& e = entries_[hit.entry];
    const double score = hit.homophone ? (e.syllables.size() >= 3 ? kLongHomophone : kShortHomophone)
                         : !e.department ? kExact
                         : e.services.size() == 1 ? kSingleServiceDepartment
                                                  : kSharedDepartment;
    out.spans.emplace_back(hit.begin, hit.end);
    for (const auto s : e.services) {
      const auto [it, inserted] = best.emplace(s, out.ranked.size());
      if (inserted) {
        out.ranked.push_back({services_[s], score, hit.begin, hit.end});
        continue;
      }
      ServiceMatch& m = out.ranked[it->second];
      const bool longer = hit.end - hit.begin > m.end - m.begin;
      if (score > m.score || (score == m.score && longer)) m = {services_[s], score, hit.begin, hit.end};
    }
  }
  // Named services first, in the order they are mentioned: a talent states the topic before the
  // context (国外学历认证要护照原件吗 is about the degree, not the passport); then single-service
  // departments and guessed typos, in order; then the candidates of a department, by score.
  std::stable_sort(out.ranked.begin(), out.ranked.end(), [](const ServiceMatch& a, const ServiceMatch& b) {
    const auto tier = [](const ServiceMatch& m) { return m.score >= kExact ? 0 : m.score >= kConfident ? 1 : 2; };
    if (tier(a) != tier(b)) return tier(a) < tier(b);
    if (tier(a) == 2 && a.score != b.score) return a.score > b.score;
    if (a.begin != b.begin) return a.begin < b.begin;
    return a.end - a.begin > b.end - b.begin;
  });
  std::sort(out.spans.begin(), out.spans.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& span : out.spans) {
    if (!merged.empty() && span.first < merged.back().second) {
      merged.back().second = std::max(merged.back().second, span.second);
    } else {
      merged.push_back(span);
    }
  }
  out.spans = std::move(merged);
  return out;
}

}  // namespace talentbot::intents
