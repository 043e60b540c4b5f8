#include "intents/classifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <numeric>

namespace talentbot::intents {
namespace {

std::vector<LabelledText> toy_examples() {
  std::vector<LabelledText> out;
  const char* greet[] = {"你好", "您好", "在吗", "hello", "hi there", "早上好", "你好啊", "老师好"};
  const char* materials[] = {"需要什么材料", "要带哪些材料", "材料清单发我", "what documents do i need", "要准备啥",
                             "办这个要什么证件", "材料有哪些", "需要带身份证吗"};
  const char* book[] = {"帮我预约", "我要预约", "约个时间", "book an appointment", "预约明天", "想约下周",
                        "能预约吗", "帮我约一下"};
  for (const char* t : greet) out.push_back({t, "greet"});
  for (const char* t : materials) out.push_back({t, "ask_materials"});
  for (const char* t : book) out.push_back({t, "book_appointment"});
  // Enough lines for the temperature to be fitted on a held-out slice.
  const std::size_t n = out.size();
  for (std::size_t round = 0; round < 6; ++round) {
    for (std::size_t i = 0; i < n; ++i) out.push_back({out[i].text + std::string(round % 2 ? "?" : "呀"), out[i].label});
  }
  return out;
}

TEST(Classifier, TrainingIsDeterministic) {
  const auto a = Classifier::train(toy_examples());
  const auto b = Classifier::train(toy_examples());
  EXPECT_EQ(a.temperature(), b.temperature());
  for (const char* text : {"你好", "要什么材料", "预约后天", "something else entirely"}) {
    const auto pa = a.predict(text);
    const auto pb = b.predict(text);
    ASSERT_EQ(pa.size(), pb.size());
    for (std::size_t i = 0; i < pa.size(); ++i) {
      EXPECT_EQ(pa[i].first, pb[i].first) << text;
      EXPECT_EQ(pa[i].second, pb[i].second) << text;  // bit for bit
    }
  }
}

TEST(Classifier, PredictsTheTrainedIntents) {
  const auto model = Classifier::train(toy_examples());
  EXPECT_EQ(model.predict("您好呀").front().first, "greet");
  EXPECT_EQ(model.predict("需要哪些材料").front().first, "ask_materials");
  EXPECT_EQ(model.predict("帮我约个时间").front().first, "book_appointment");
}

TEST(Classifier, ReturnsAProbabilityDistributionBestFirst) {
  const auto model = Classifier::train(toy_examples());
  const auto p = model.predict("需要什么材料");
  ASSERT_EQ(p.size(), 3u);
  const double sum = std::accumulate(p.begin(), p.end(), 0.0, [](double s, const auto& e) { return s + e.second; });
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end(), [](const auto& x, const auto& y) { return x.second > y.second; }));
}

TEST(Classifier, IsLessSureOfUnseenWords) {
  const auto model = Classifier::train(toy_examples());
  EXPECT_LT(model.predict("量子力学").front().second, model.predict("需要什么材料").front().second);
}

TEST(Classifier, RejectsAnEmptyTrainingSet) { EXPECT_THROW(Classifier::train({}), std::invalid_argument); }

std::size_t shared(std::vector<std::uint64_t> a, std::vector<std::uint64_t> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::uint64_t> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return both.size();
}

TEST(Featurize, GivesEnglishWordFormsACommonStem) {
  // "documents" is also the word "document"; without word features only character n-grams match.
  const std::size_t with_words = shared(featurize("what documents"), featurize("what document"));
  const std::size_t without = shared(featurize("what documents", false), featurize("what document", false));
  EXPECT_GE(with_words, without + 2);
}

TEST(Featurize, LeavesWordsOutOnRequest) {
  EXPECT_LT(featurize("需要什么材料", false).size(), featurize("需要什么材料").size());
}

TEST(Classifier, AveragesSeveralFitsAndStillCalibrates) {
  TrainOptions one;
  one.members = 1;
  const auto single = Classifier::train(toy_examples(), one);
  const auto averaged = Classifier::train(toy_examples());  // three members by default
  EXPECT_GT(single.temperature(), 0.2);
  EXPECT_GT(averaged.temperature(), 0.2);
  EXPECT_EQ(averaged.predict("需要哪些材料").front().first, "ask_materials");
}

TEST(Featurize, IsStableAndSensitiveToText) {
  EXPECT_EQ(featurize("需要什么材料"), featurize("需要什么材料"));
  EXPECT_NE(featurize("需要什么材料"), featurize("需要什么证件"));
}

}  // namespace
}  // namespace talentbot::intents
