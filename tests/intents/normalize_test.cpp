#include "intents/normalize.hpp"

#include <gtest/gtest.h>

namespace talentbot::intents {
namespace {

TEST(Normalize, FoldsFullWidthLettersDigitsAndPunctuation) {
  EXPECT_EQ(normalize("ＧＣ２０２６１１２４－０００７　進度？"), "gc20261124-0007 进度?");
  EXPECT_EQ(normalize("１１月２８号１４：００"), "11月28号14:00");
}

TEST(Normalize, ConvertsTraditionalToSimplifiedAtPhraseLevel) {
  EXPECT_EQ(normalize("戶口遷移"), "户口迁移");
  EXPECT_EQ(normalize("學歷認證需要哪些文件"), "学历认证需要哪些文件");
  // Phrase level: 乾 stays in 乾坤 but becomes 干 in 乾淨.
  EXPECT_EQ(normalize("乾淨"), "干净");
}

TEST(Normalize, LeavesSimplifiedTextAlone) {
  EXPECT_EQ(normalize("我想问一下什么时候能办好"), "我想问一下什么时候能办好");
}

TEST(Normalize, LowerCasesLatin) { EXPECT_EQ(normalize("How do I apply for a WORK PERMIT"), "how do i apply for a work permit"); }

TEST(Normalize, UnifiesChinesePunctuation) {
  EXPECT_EQ(normalize("“社保”怎么交——在哪里办【急】。"), "\"社保\"怎么交--在哪里办(急).");
  EXPECT_EQ(normalize("材料、证件，都要吗"), "材料,证件,都要吗");
}

TEST(Normalize, CollapsesSpacesAndDropsThoseBetweenHanCharacters) {
  EXPECT_EQ(normalize("  明天 下午   三点 \t可以吗  "), "明天下午三点可以吗");
  EXPECT_EQ(normalize("hello   world"), "hello world");
  EXPECT_EQ(normalize("我的编号 GC20261124-0007"), "我的编号 gc20261124-0007");
}

TEST(Normalize, DropsZeroWidthAndControlCharacters) {
  EXPECT_EQ(normalize("落\u200b户\x01吗"), "落户吗");
  EXPECT_EQ(normalize("ok\x01thanks"), "ok thanks");
}

TEST(Normalize, SurvivesInvalidUtf8) { EXPECT_FALSE(normalize("\xff\xfe abc").empty()); }

TEST(SegmentWords, SplitsChineseIntoDictionaryWords) {
  const auto words = segment_words("户口迁移需要什么材料");
  EXPECT_EQ(words, (std::vector<std::string>{"户口", "迁移", "需要", "什么", "材料"}));
}

TEST(SegmentWords, KeepsPunctuationAndDropsSpaces) {
  EXPECT_EQ(segment_words("hello, world"), (std::vector<std::string>{"hello", ",", "world"}));
}

TEST(Pinyin, GivesHomophoneTyposTheSameSyllables) {
  const Pinyin& p = Pinyin::instance();
  EXPECT_EQ(p.romanize("落护"), p.romanize("落户"));
  EXPECT_EQ(p.romanize("社宝"), p.romanize("社保"));
  EXPECT_EQ(p.romanize("职成"), p.romanize("职称"));
  EXPECT_EQ(p.romanize("户口"), "hu kou");
  EXPECT_EQ(p.syllable(U'a'), 0);
}

}  // namespace
}  // namespace talentbot::intents
