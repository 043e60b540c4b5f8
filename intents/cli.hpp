// The batch commands behind `talentbot nlu --now ISO` and `talentbot nlu-eval FILE`, and the
// evaluation they print (modelled on `rasa test nlu`). bot/main.cpp only parses arguments.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace talentbot::intents {

class Nlu;
struct LabelledSet;

inline constexpr std::string_view kDefaultKnowledgeDir = "intents/knowledge";
inline constexpr std::string_view kDefaultTrainingTsv = "tests/nlu/train.tsv";
inline constexpr std::string_view kDefaultFloors = "tests/nlu/floors.yaml";

// One JSON object per input line (the DESIGN.md contract), flushed per line so a pipe partner can
// interleave. Returns 0; 2 for a bad --now (message on err); 1 if the model cannot load.
int run_nlu(std::istream& in, std::ostream& out, std::ostream& err, std::string_view now_iso,
            const std::filesystem::path& knowledge_dir, const std::filesystem::path& training_tsv);

// Evaluates a labelled TSV and prints the report. Returns 0; 1 if a figure is below `floors`
// (a YAML file, see tests/nlu/floors.yaml) or the model cannot load; 2 for an unreadable test file.
// With `folds` >= 2 the file is cross-validated instead (each line parsed by a model trained on the
// other folds of the same file; `training_tsv` is not used): how a training set is judged.
int run_nlu_eval(const std::filesystem::path& test_tsv, std::ostream& out, std::ostream& err,
                 const std::filesystem::path& knowledge_dir, const std::filesystem::path& training_tsv,
                 const std::filesystem::path* floors = nullptr, int folds = 0);

struct IntentScore {
  std::string intent;
  double precision = 0, recall = 0, f1 = 0;
  std::size_t support = 0;
};

struct Confusion {
  std::string expected, predicted;
  std::size_t count = 0;
};

struct Mistake {
  std::size_t line = 0;
  std::string text, field, expected, predicted;
};

// One confidence band of a reliability table: of the lines whose printed confidence fell in
// [low, high), how many had the intent right. Calibrated means accuracy ≈ mean confidence per band.
struct ReliabilityBin {
  double low = 0, high = 0;
  std::size_t count = 0, correct = 0;
  double mean_confidence = 0;
};

// Every accuracy is a share in [0, 1]; a figure with nothing to measure is 1.
struct EvalReport {
  std::size_t lines = 0;
  std::size_t intent_correct = 0;
  double intent_accuracy = 0;
  double macro_f1 = 0;
  std::vector<IntentScore> per_intent;  // sorted by intent id
  std::vector<Confusion> confusions;    // most frequent first
  double service_accuracy = 0;          // all lines: the service, or its absence, exactly right
  std::size_t service_expected = 0, service_found = 0, service_false_positives = 0;
  double case_id_accuracy = 0;          // lines that expect a case id
  std::size_t case_id_expected = 0, case_id_found = 0, case_id_false_positives = 0;
  double datetime_accuracy = 0;         // lines that expect a datetime or a date: both fields right
  std::size_t datetime_expected = 0, datetime_found = 0, datetime_false_positives = 0;
  std::vector<double> parse_micros;     // per line, in file order
  std::vector<Mistake> mistakes;
  std::vector<ReliabilityBin> reliability;  // ten bands of width 0.1
  double expected_calibration_error = 0;    // Σ count/lines · |accuracy − mean confidence| over bands
  double negative_log_likelihood = 0;       // mean −log(confidence if right, else 1 − confidence)
};

EvalReport evaluate(const Nlu& nlu, const LabelledSet& set);
// k-fold cross-validation on labelled lines, folds stratified by intent and drawn with a fixed
// seed: each fold is parsed by a model trained on the others. The merged report of the folds.
EvalReport cross_validate(const std::filesystem::path& knowledge_dir, const LabelledSet& data, int folds = 5);
void print_report(const EvalReport& report, std::ostream& out);

struct Floors {
  double intent_accuracy = 0, service_accuracy = 0, case_id_accuracy = 0, datetime_accuracy = 0;
};
// Throws std::runtime_error naming file and line for unknown keys or values outside [0, 1].
Floors read_floors(const std::filesystem::path& file);
// One sentence per figure below its floor; empty when all pass.
std::vector<std::string> below_floors(const EvalReport& report, const Floors& floors);

// Median and 99th percentile (nearest rank) of a sample, 0 for an empty one.
double percentile(std::vector<double> sample, double p);

}  // namespace talentbot::intents
