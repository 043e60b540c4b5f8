#include "intents/entities.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "intents/datetime.hpp"

namespace talentbot::intents {
namespace {

struct Case {
  const char* text;
  std::optional<std::string> expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.text; }

// ---- case ids --------------------------------------------------------------------------------

class EntitiesCaseId : public testing::TestWithParam<Case> {};

TEST_P(EntitiesCaseId, IsFoundInCanonicalForm) {
  EXPECT_EQ(extract_case_id(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Entities, EntitiesCaseId, testing::Values(
    Case{"GC20261124-0007", "GC20261124-0007"},
    Case{"gc20261124-0007", "GC20261124-0007"},
    Case{"GC 20261124 0007", "GC20261124-0007"},
    Case{"GC202611240007", "GC20261124-0007"},
    Case{"GC20261124－0007", "GC20261124-0007"},
    Case{"ＧＣ２０２６１１２４－０００７", "GC20261124-0007"},
    Case{"GC20261124—0007", "GC20261124-0007"},
    Case{"我的案件GC20261124-0007怎么样了", "GC20261124-0007"},
    Case{"编号是 gc-20261124-0007 谢谢", "GC20261124-0007"},
    Case{"回执上写的20261124-0007", "GC20261124-0007"},
    Case{"case GC20261124 - 0007 status?", "GC20261124-0007"},
    Case{"GC20261324-0007", std::nullopt},
    Case{"GC2026112-0007", std::nullopt},
    Case{"GC20261124-007", std::nullopt},
    Case{"GC20261124-00071", std::nullopt},
    Case{"20261124 0007", std::nullopt},
    Case{"电话13800138000", std::nullopt},
    Case{"我想查一下进度", std::nullopt}));

// ---- mobile numbers --------------------------------------------------------------------------

class EntitiesMobile : public testing::TestWithParam<Case> {};

TEST_P(EntitiesMobile, IsFoundAsElevenDigits) {
  EXPECT_EQ(extract_mobile(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Entities, EntitiesMobile, testing::Values(
    Case{"13800138000", "13800138000"},
    Case{"138 0013 8000", "13800138000"},
    Case{"138-0013-8000", "13800138000"},
    Case{"+86 138 0013 8000", "13800138000"},
    Case{"+8613800138000", "13800138000"},
    Case{"8613800138000", "13800138000"},
    Case{"0086 13800138000", "13800138000"},
    Case{"电话：１３８００１３８０００", "13800138000"},
    Case{"手机号码是19912345678，谢谢", "19912345678"},
    Case{"13800138000 2份材料都带了", "13800138000"},
    Case{"身份证410105199003071256 电话13800138000", "13800138000"},
    Case{"12345678901", std::nullopt},
    Case{"1380013800", std::nullopt},
    Case{"138001380001", std::nullopt},
    Case{"11010519491231002X", std::nullopt},
    Case{"GC20261124-0007", std::nullopt},
    Case{"座机 0755-12345678", std::nullopt}));

// ---- resident ID numbers (check digits computed with the GB 11643 algorithm) -----------------

TEST(EntitiesResidentId, AcceptsValidChecksumsAndDates) {
  for (const char* id : {"11010519491231002X", "11010519491231002x", "41010519900307123X", "440304200002290815",
                         "320102198511110527", "510107197810102116", "310115199601010014", "410105199003071256",
                         "330106198808080880", "370202199505154039", "912345199001010013"}) {
    EXPECT_TRUE(is_valid_resident_id(id)) << id;
  }
}

TEST(EntitiesResidentId, RejectsBadChecksumsDatesRegionsAndShapes) {
  for (const char* id : {"110105194912310021",   // check digit off by one
                         "410105199003071257",   // wrong check digit
                         "410105199002301232",   // 30 February, checksum right
                         "440304200102290812",   // 29 February in a common year
                         "410105199013071233",   // month 13
                         "410105189912311238",   // born 1899
                         "000105199003071233",   // no such province
                         "41010519900307123",    // 17 characters
                         "4101051990030712345",  // 19
                         "41010519900307123Y", "4101051990O307123X", ""}) {
    EXPECT_FALSE(is_valid_resident_id(id)) << id;
  }
}

class EntitiesResidentIdInText : public testing::TestWithParam<Case> {};

TEST_P(EntitiesResidentIdInText, IsFoundOnlyWhenValid) {
  EXPECT_EQ(extract_resident_id(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Entities, EntitiesResidentIdInText, testing::Values(
    Case{"身份证号11010519491231002x", "11010519491231002X"},
    Case{"ID: 41010519900307123X, phone 13800138000", "41010519900307123X"},
    Case{"110105 19491231 002X", "11010519491231002X"},
    Case{"４１０１０５１９９００３０７１２５６", "410105199003071256"},
    Case{"身份证410105199003071257", std::nullopt},
    Case{"41010519900307125612", std::nullopt},
    Case{"电话13800138000", std::nullopt}));

// ---- masking for logs ------------------------------------------------------------------------

TEST(EntitiesMask, ResidentIdKeepsFourAndFour) {
  EXPECT_EQ(mask_resident_id("41010519900307123X"), "4101**********123X");
  EXPECT_EQ(mask_resident_id("410105199003071256"), "4101**********1256");
  EXPECT_EQ(mask_resident_id("12345678"), "********");
  EXPECT_EQ(mask_resident_id(""), "");
}

TEST(EntitiesMask, MobileKeepsThreeAndFour) {
  EXPECT_EQ(mask_mobile("13812345678"), "138****5678");
  EXPECT_EQ(mask_mobile("+86 138-1234-5678"), "138****5678");
  EXPECT_EQ(mask_mobile("008613812345678"), "138****5678");
  EXPECT_EQ(mask_mobile("123456"), "******");
}

// ---- language --------------------------------------------------------------------------------

TEST(EntitiesLanguage, FollowsTheShareOfHanAndLatin) {
  EXPECT_EQ(detect_language("你好，请问人才绿卡怎么办"), Language::zh);
  EXPECT_EQ(detect_language("預約這週五"), Language::zh);
  EXPECT_EQ(detect_language("Hello, how do I apply for the talent card?"), Language::en);
  EXPECT_EQ(detect_language("ＨＥＬＬＯ"), Language::en);
  EXPECT_EQ(detect_language("我想办 green card 需要什么材料"), Language::zh);
  EXPECT_EQ(detect_language("I want to apply for 人才绿卡"), Language::zh);
  EXPECT_EQ(detect_language("Dr. 王 here, how do I apply?"), Language::en);
  EXPECT_EQ(detect_language("ok 好"), Language::zh);
  EXPECT_EQ(detect_language("13800138000"), Language::zh);
  EXPECT_EQ(detect_language(""), Language::zh);
}

TEST(EntitiesText, MalformedUtf8NeverHidesTheDigitsAfterIt) {
  EXPECT_EQ(extract_mobile("\xE6\x89 13800138000"), "13800138000");
  EXPECT_EQ(extract_case_id("\xFF\xFEGC20261124-0007"), "GC20261124-0007");
  EXPECT_EQ(detect_language("\xC3"), Language::zh);
}

// ---- speed: printed, not asserted ------------------------------------------------------------

TEST(EntitiesSpeed, AllExtractorsOnAHundredCharacterMessageAreFast) {
  // 100 characters holding every entity at once: the worst case for the scans.
  const std::string message =
      "您好我的案件号是gc20261124-0007，手机138 0013 8000，身份证11010519491231002X，想问一下人才认定的进度，"
      "另外下周二上午10点能不能约个时间去窗口补交材料呢？";
  const auto now = parse_iso8601("2026-11-25T10:00:00+08:00");
  ASSERT_TRUE(now);
  constexpr int kRounds = 2000;
  int found = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int k = 0; k < kRounds; ++k) {
    found += extract_case_id(message) ? 1 : 0;
    found += extract_mobile(message) ? 1 : 0;
    found += extract_resident_id(message) ? 1 : 0;
    found += extract_datetime(message, *now) ? 1 : 0;
    found += detect_language(message) == Language::zh ? 1 : 0;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const auto per_message = std::chrono::duration<double, std::micro>(elapsed) / kRounds;
  EXPECT_EQ(found, 5 * kRounds);
#ifdef NDEBUG
  constexpr const char* kBuild = "optimised build";
#else
  constexpr const char* kBuild = "unoptimised debug build";
#endif
  std::printf("[ timing   ] all five extractors, 100 characters: %.2f us per message (%s)\n", per_message.count(),
              kBuild);
}

}  // namespace
}  // namespace talentbot::intents
