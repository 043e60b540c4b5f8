// Handoff in a real redis-server: one request per talent, messages kept while waiting, and of
// specialists accepting at once exactly one wins and gets the kept messages.
#include <gtest/gtest.h>

#include "storage/handoff.hpp"
#include "tests/support/redis_fixture.hpp"

namespace talentbot::storage {
namespace {

using test::all;
using AcceptResult = boost::system::result<Accepted>;

class HandoffStore : public test::RedisSuite {
 protected:
  static Handoff request(std::string talent) {
    Handoff h;
    h.talent = std::move(talent);
    h.department = "public_security";
    h.language = "zh";
    h.requested_at = 1795600000;
    return h;
  }
};

TEST_F(HandoffStore, OneRequestPerTalentAndMessagesKeptInOrder) {
  auto first = run(request_handoff(db(), request("t1"))).value();
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.handoff.state, "waiting");
  EXPECT_FALSE(run(request_handoff(db(), request("t1"))).value().created);
  EXPECT_EQ(run(keep_waiting_message(db(), "t1", "第一条")).value(), 1);
  EXPECT_EQ(run(keep_waiting_message(db(), "t1", "第二条")).value(), 2);
  EXPECT_EQ(run(keep_waiting_message(db(), "nobody", "x")).value(), -1);
}

TEST_F(HandoffStore, OfSimultaneousAcceptsExactlyOneWins) {
  run(request_handoff(db(), request("t1"))).value();
  run(keep_waiting_message(db(), "t1", "a")).value();
  run(keep_waiting_message(db(), "t1", "b")).value();
  std::vector<std::function<boost::asio::awaitable<AcceptResult>()>> tasks;
  for (int i = 0; i < 8; ++i)
    tasks.push_back([this, i] { return accept_handoff(db(i), "t1", "spec" + std::to_string(i)); });
  int won = 0;
  std::string winner;
  for (auto const& r : run(all(std::move(tasks)))) {
    ASSERT_TRUE(r);
    if (r->won) {
      ++won;
      winner = r->handoff.specialist;
      EXPECT_EQ(r->waiting, (std::vector<std::string>{"a", "b"}));
    } else {
      EXPECT_TRUE(r->waiting.empty());  // losers see nothing of the talent's messages
    }
  }
  ASSERT_EQ(won, 1);
  auto now = run(get_handoff(db(), "t1")).value();
  ASSERT_TRUE(now);
  EXPECT_EQ(now->state, "held");
  EXPECT_EQ(now->specialist, winner);
  EXPECT_EQ(run(handoffs_of(db(), winner)).value(), std::vector<std::string>{"t1"});
  EXPECT_EQ(run(keep_waiting_message(db(), "t1", "c")).value(), -1);  // held: relayed, not kept
  // The winner's accept handled again (after a crash) wins again with the same kept messages.
  auto again = run(accept_handoff(db(), "t1", winner)).value();
  EXPECT_TRUE(again.won);
  EXPECT_EQ(again.waiting, (std::vector<std::string>{"a", "b"}));

  EXPECT_TRUE(run(end_handoff(db(), "t1")).value());
  EXPECT_FALSE(run(get_handoff(db(), "t1")).value());
  EXPECT_TRUE(run(handoffs_of(db(), winner))->empty());
  EXPECT_FALSE(run(end_handoff(db(), "t1")).value());
  EXPECT_FALSE(run(accept_handoff(db(), "t1", "late")).value().won);
  // An escalation counted after the end leaves no husk that would block the next request.
  ASSERT_TRUE(run(note_escalation(db(), "t1")));
  EXPECT_TRUE(run(request_handoff(db(), request("t1"))).value().created);
}

}  // namespace
}  // namespace talentbot::storage
