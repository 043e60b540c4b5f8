// The NLU facade: one message in, intent + entities out (the `talentbot nlu` contract of DESIGN.md).
//
//   raw text ─ normalize ─┬─ entities (case id, date-time; E's extractors)
//                         ├─ ServiceMatcher (aliases, departments, pinyin homophones)
//                         └─ mask those spans ─ rules ─ intent Classifier ─ out-of-scope threshold
//
// Loaded as a whole (knowledge base + training), immutable afterwards, shared between threads:
// reload builds a new Nlu and the caller swaps the shared_ptr (SIGHUP).
#pragma once

#include "intents/datetime.hpp"
#include "intents/entities.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace talentbot::intents {

class Knowledge;
class ServiceMatcher;
class Classifier;

// The intent ids of DESIGN.md.
inline constexpr std::string_view kIntentIds[] = {
    "greet",         "goodbye",   "help",         "ask_policy",       "ask_materials",
    "ask_process",   "apply",     "case_status",  "book_appointment", "reschedule_appointment",
    "cancel_appointment", "query_appointment", "human_agent", "complaint", "ask_contact",
    "affirm",        "deny",      "out_of_scope"};

struct Parse {
  std::string text;  // as received
  std::string intent;
  double confidence = 0;  // calibrated probability of `intent`
  Language language = Language::zh;
  std::optional<std::string> service;
  std::optional<std::string> case_id;
  std::optional<std::string> datetime;  // ISO 8601 with offset, when a time of day was said
  std::optional<std::string> date;      // yyyy-mm-dd, when only the day was said
  std::vector<std::pair<std::string, double>> service_candidates;  // best first; the bot offers 2-3 when unsure
  std::vector<std::pair<std::string, double>> intent_candidates;   // best first, top 3
};

// {"text","intent","confidence","entities":{"service","case_id","datetime","date"}}, absent entities
// omitted, no trailing newline.
std::string to_json_line(const Parse& parse);

// tests/nlu/*.tsv: "# now=ISO" header, then text, intent, service, case_id, datetime, date per
// line, "-" for absent, other "#" lines are comments.
struct LabelledLine {
  std::size_t line = 0;
  std::string text;
  std::string intent;
  std::optional<std::string> service, case_id, datetime, date;
};
struct LabelledSet {
  std::optional<ReferenceTime> now;
  std::vector<LabelledLine> lines;
};
// Throws std::runtime_error naming file and line for a malformed line.
LabelledSet read_labelled_tsv(const std::filesystem::path& file);

// The rules that beat the model where a pattern is exact: 转人工 / talk to a human → human_agent;
// a case id alone or with 进度/status → case_status; a one-word yes/no (好的, 可以, ok / 不用了,
// no) → affirm / deny. `normalized` from normalize(), `masked` with the classifier's placeholders.
std::optional<std::string> rule_intent(std::string_view normalized, std::string_view masked);

struct NluStats {
  double load_ms = 0;      // wall time of Nlu::load
  double training_ms = 0;  // of which featurising and training both models
  std::size_t training_lines = 0;
  std::size_t intent_features = 0;
  std::size_t model_bytes = 0;  // both classifiers
  double temperature = 1;      // the intent model's fitted softmax temperature
};

class Nlu {
 public:
  // Below this calibrated probability the best intent is not trusted and the message is
  // out_of_scope: the bot then says what it can do instead of answering the wrong question.
  // It is low on purpose: out_of_scope is itself a trained class, so an unsure in-scope reading is
  // mostly torn between two in-scope intents (ask_policy 0.45, ask_process 0.40), and calling it
  // out of scope would be wrong twice. On cross-validation plus the dev set, accuracy is flat for
  // thresholds up to 0.25 and falls above (0.5 costs a point). Asking a clarifying question is the
  // bot's business: it has the calibrated confidence and the top three candidates for that.
  static constexpr double kOutOfScopeThreshold = 0.2;

  // The confidence printed for an intent decided by a rule of rule_intent(): the precision of the
  // weakest rule on the training and development lines, smoothed as (right + 1) / (fired + 2)
  // (the yes-words: 60 of 61, 嗯嗯哈哈哈 is no yes → 0.968). A rule is not certain, and 1.0 would
  // tell the bot never to double-check.
  static constexpr double kRuleConfidence = 0.97;

  // Throws KnowledgeError for a bad knowledge base, std::runtime_error for bad training data.
  static std::shared_ptr<const Nlu> load(const std::filesystem::path& knowledge_dir,
                                         const std::filesystem::path& training_tsv);
  // The same from labelled lines already in memory (cross-validation trains on folds of them).
  static std::shared_ptr<const Nlu> load(const std::filesystem::path& knowledge_dir, const LabelledSet& training);

  // Thread-safe.
  Parse parse(std::string_view text, const ReferenceTime& now) const;

  const Knowledge& knowledge() const { return *knowledge_; }
  std::shared_ptr<const Knowledge> shared_knowledge() const { return knowledge_; }
  const NluStats& stats() const { return stats_; }

  ~Nlu();
  Nlu(const Nlu&) = delete;
  Nlu& operator=(const Nlu&) = delete;

 private:
  Nlu();
  static std::shared_ptr<Nlu> build(const std::filesystem::path& knowledge_dir, const LabelledSet& training);
  struct Analysis;
  Analysis analyse(std::string_view text, const ReferenceTime& now) const;
  std::optional<std::string> choose_service(const Analysis& a, bool may_guess,
                                            std::vector<std::pair<std::string, double>>& candidates) const;

  std::shared_ptr<const Knowledge> knowledge_;
  std::unique_ptr<ServiceMatcher> matcher_;
  std::unique_ptr<Classifier> intents_;
  std::unique_ptr<Classifier> services_;  // fallback when no alias names the service
  NluStats stats_;
};

}  // namespace talentbot::intents
