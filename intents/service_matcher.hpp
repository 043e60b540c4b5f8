// Which green-channel service a message is about, from the names and aliases in the knowledge base.
//
// Three kinds of evidence, strongest first:
//  1. a service name or alias in the normalised text (Chinese by substring, English word by word,
//     case-insensitive, crudely stemmed, articles and possessives skipped);
//  2. a department name or alias (old and new: 工商局/市场监管局, 卫计委/卫健委, informal: 人社, 公安),
//     which names a service outright when the department has one, and otherwise only offers
//     its services as candidates;
//  3. the same toneless pinyin as a Chinese alias (落护 → 落户, 社宝 → 社保, 职成 → 职称), for the
//     homophone typos of pinyin input methods and voice input.
// Overlaps resolve longest-first, so 社保转移 beats 社保 and 工商局 is not read as 工商.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace talentbot::intents {

class Knowledge;

struct ServiceMatch {
  std::string service;  // a service id
  double score = 0;     // 1 exact alias, 0.9 single-service department, ~0.8 homophone, 0.5 one of several
  std::size_t begin = 0;  // byte span in the normalised text of the evidence
  std::size_t end = 0;
};

struct ServiceMatches {
  std::vector<ServiceMatch> ranked;  // one per service, best first
  // Byte spans (normalised text, sorted, disjoint) of every accepted mention, for masking the
  // service out of the intent classifier's features.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
};

class ServiceMatcher {
 public:
  // A ranked candidate at or above this score names the service without further evidence;
  // below it (a department responsible for several services) the bot should ask.
  static constexpr double kConfident = 0.6;
  // The score of a service name or alias found as written.
  static constexpr double kNamed = 1.0;

  // Builds the exact (name, alias, department) index.
  explicit ServiceMatcher(const Knowledge& knowledge);

  // Adds homophone matching (the process-wide pinyin table). Separate because the classifier is
  // trained on exact matches only: Nlu::load calls it after training.
  void index_homophones();

  // Thread-safe; `normalized` must come from normalize().
  ServiceMatches match(std::string_view normalized) const;

  std::size_t key_count() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key;                      // normalised surface form
    std::vector<std::uint16_t> syllables;  // toneless pinyin ids; empty unless all-Han, ≥ 2 chars
    std::vector<std::uint16_t> services;  // indexes into services_
    bool department = false;
    bool ascii = false;                   // English: key is stemmed words, matched word by word
    std::vector<std::string> tokens;      // English only
    std::string surface;                  // normalised as written
  };
  struct Hit;

  void add(std::string_view surface, const std::vector<std::uint16_t>& services, bool department);
  void find_exact(std::string_view text, std::vector<Hit>& hits) const;
  void find_homophones(std::string_view text, std::vector<Hit>& hits) const;
  std::function<bool(std::uint32_t, std::uint32_t)> longest_first() const;

  std::vector<std::string> services_;
  std::vector<Entry> entries_;
  std::unordered_map<char32_t, std::vector<std::uint32_t>> by_first_char_;     // longest key first
  std::unordered_map<std::uint16_t, std::vector<std::uint32_t>> by_first_syllable_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_first_token_;
};

}  // namespace talentbot::intents
