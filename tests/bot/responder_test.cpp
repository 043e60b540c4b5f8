#include <gtest/gtest.h>

#include "bot/responder.hpp"

namespace talentbot::bot {
namespace {

TEST(CardTaskId, SameEntryIdInTwoPartitionsGivesTwoTaskIds) {
  // Found under load: two partitions' streams wrote entry 1795618135738-0 in the same millisecond
  // and WeCom refused the second card (40058 task_id already used).
  EXPECT_NE(card_task_id("clarify_service", 1, "1795618135738-0", 0),
            card_task_id("clarify_service", 2, "1795618135738-0", 0));
  EXPECT_NE(card_task_id("clarify_service", 1, "1795618135738-0", 0),
            card_task_id("clarify_service", 1, "1795618135738-0", 1));
}

TEST(CardTaskId, IsStableAndWithinWecomsAlphabetAndLength) {
  auto const id = card_task_id("offer human!", 7, "1795618135738-12", 3);
  EXPECT_EQ(id, card_task_id("offer human!", 7, "1795618135738-12", 3));  // a resend is identical
  EXPECT_EQ(id, "offer_human__p7_1795618135738-12_3");
  EXPECT_LE(card_task_id(std::string(300, 'x'), 1, "1-0", 0).size(), 128u);
}

}  // namespace
}  // namespace talentbot::bot
