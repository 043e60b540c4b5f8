// The CI gate on the NLU: the labelled test set must stay above the floors in tests/nlu/floors.yaml.
// Also prints the speed figures (parse time per message, model load time and size) without
// asserting them, because CI machines differ.
#include "intents/cli.hpp"
#include "intents/nlu.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace talentbot::intents {
namespace {

namespace fs = std::filesystem;

const fs::path kSource(TALENTBOT_SOURCE_DIR);

TEST(NluEval, TestSetMeetsTheFloors) {
  const Floors floors = read_floors(kSource / kDefaultFloors);
  EXPECT_GE(floors.intent_accuracy, 0.94);  // the floors themselves must not quietly drop
  EXPECT_GE(floors.service_accuracy, 0.96);
  const auto nlu = Nlu::load(kSource / kDefaultKnowledgeDir, kSource / kDefaultTrainingTsv);
  const LabelledSet test = read_labelled_tsv(kSource / "tests" / "nlu" / "test.tsv");
  ASSERT_GE(test.lines.size(), 400u);
  const EvalReport report = evaluate(*nlu, test);
  std::ostringstream printed;
  print_report(report, printed);
  const auto failures = below_floors(report, floors);
  EXPECT_TRUE(failures.empty()) << printed.str();
  std::cout << "intent accuracy " << report.intent_accuracy << ", service accuracy " << report.service_accuracy
            << ", case id accuracy " << report.case_id_accuracy << ", date-time accuracy " << report.datetime_accuracy
            << '\n';
}

// tests/nlu/dev.tsv is the set the model was tuned on, so its figures sit above the test set's:
// the test floors are a loose bound that still catches a broken model or data file.
TEST(NluEval, DevelopmentSetMeetsTheTestFloors) {
  const Floors floors = read_floors(kSource / kDefaultFloors);
  const auto nlu = Nlu::load(kSource / kDefaultKnowledgeDir, kSource / kDefaultTrainingTsv);
  const LabelledSet dev = read_labelled_tsv(kSource / "tests" / "nlu" / "dev.tsv");
  ASSERT_GE(dev.lines.size(), 300u);
  const EvalReport report = evaluate(*nlu, dev);
  std::ostringstream printed;
  print_report(report, printed);
  EXPECT_TRUE(below_floors(report, floors).empty()) << printed.str();
}

// The bot asks a clarifying question when the confidence is low, so a printed 0.8 has to mean
// "right about 8 times in 10" on lines the model has not seen.
TEST(NluEval, ConfidenceIsCalibratedOnTheDevelopmentSet) {
  const auto nlu = Nlu::load(kSource / kDefaultKnowledgeDir, kSource / kDefaultTrainingTsv);
  const EvalReport report = evaluate(*nlu, read_labelled_tsv(kSource / "tests" / "nlu" / "dev.tsv"));
  std::size_t counted = 0;
  for (const auto& bin : report.reliability) counted += bin.count;
  EXPECT_EQ(counted, report.lines);
  EXPECT_LT(report.expected_calibration_error, 0.05);
  std::ostringstream printed;
  print_report(report, printed);
  EXPECT_NE(printed.str().find("Confidence reliability"), std::string::npos);
}

TEST(NluEval, CrossValidationParsesEveryLineWithAModelThatDidNotSeeIt) {
  // Every fourth training line keeps the test quick; the folds are stratified and seeded.
  const LabelledSet all = read_labelled_tsv(kSource / kDefaultTrainingTsv);
  LabelledSet part;
  part.now = all.now;
  for (std::size_t i = 0; i < all.lines.size(); i += 4) part.lines.push_back(all.lines[i]);
  const EvalReport a = cross_validate(kSource / kDefaultKnowledgeDir, part, 4);
  const EvalReport b = cross_validate(kSource / kDefaultKnowledgeDir, part, 4);
  EXPECT_EQ(a.lines, part.lines.size());
  EXPECT_EQ(a.intent_correct, b.intent_correct);  // deterministic
  EXPECT_GT(a.intent_accuracy, 0.7);
  EXPECT_LT(a.intent_accuracy, 1.0);  // held-out lines, so not all remembered
  EXPECT_THROW(cross_validate(kSource / kDefaultKnowledgeDir, part, 1), std::invalid_argument);
}

TEST(NluEval, RunNluEvalFailsBelowFloors) {
  const fs::path floors = fs::temp_directory_path() / ("talentbot-floors-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(floors) << "intent_accuracy: 1.0\nservice_accuracy: 1.0\n";
  std::ostringstream out, err;
  const int code = run_nlu_eval(kSource / "tests" / "nlu" / "test.tsv", out, err, kSource / kDefaultKnowledgeDir,
                                kSource / kDefaultTrainingTsv, &floors);
  fs::remove(floors);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.str().find("precision  recall  f1-score  support"), std::string::npos);
  EXPECT_NE(err.str().find("below the floor"), std::string::npos);
}

TEST(NluEval, RejectsUnknownFloorKeys) {
  const fs::path floors = fs::temp_directory_path() / ("talentbot-floors-unknown-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(floors) << "intent_acuracy: 0.9\n";
  EXPECT_THROW(read_floors(floors), std::runtime_error);
  fs::remove(floors);
}

TEST(NluSpeed, PrintsParseTimeAndLoadTime) {
  const auto start = std::chrono::steady_clock::now();
  const auto nlu = Nlu::load(kSource / kDefaultKnowledgeDir, kSource / kDefaultTrainingTsv);
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const LabelledSet test = read_labelled_tsv(kSource / "tests" / "nlu" / "test.tsv");
  evaluate(*nlu, test);  // warm caches (thread-local break iterators)
  std::vector<double> all;
  for (int round = 0; round < 3; ++round) {
    const EvalReport r = evaluate(*nlu, test);
    all.insert(all.end(), r.parse_micros.begin(), r.parse_micros.end());
  }
  // Run alone (as ctest does), the first load includes ICU's and OpenCC's one-time set-up.
  std::cout << "[ speed ] model load " << load_ms << " ms (training " << nlu->stats().training_ms
            << " ms, " << nlu->stats().training_lines << " lines), model memory " << nlu->stats().model_bytes / 1024
            << " KiB\n"
            << "[ speed ] parse per message over " << all.size() << " parses: median " << percentile(all, 50)
            << " us, p99 " << percentile(all, 99) << " us\n";
  const auto again = std::chrono::steady_clock::now();
  Nlu::load(kSource / kDefaultKnowledgeDir, kSource / kDefaultTrainingTsv);
  std::cout << "[ speed ] reload " << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - again).count()
            << " ms\n";
  SUCCEED();
}

}  // namespace
}  // namespace talentbot::intents
