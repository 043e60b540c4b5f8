#pragma once
// One talent's side of a chat with the real bot through the simulator, for end-to-end tests: says
// something (or clicks a button of the last card) and collects what the bot answered to it.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/stack.hpp"

namespace talentbot::test {

class Talent {
 public:
  Talent(Stack& stack, std::string user) : stack_(stack), user_(std::move(user)) {}

  // The text of every message (and card, as its JSON) the bot sent in answer, once it has stopped sending.
  std::string say(std::string const& text) {
    auto const before = count();
    EXPECT_EQ(stack_.send_text(user_, text).value("status", 0), 200);
    return settle(before);
  }
  // A click on a button of the last card received.
  std::string click(std::string const& key) {
    auto const before = count();
    EXPECT_EQ(stack_.click(user_, last_task_, key).value("status", 0), 200);
    return settle(before);
  }
  std::string const& user() const { return user_; }

 private:
  std::size_t count() { return stack_.wait_messages(user_, 0).size(); }

  std::string settle(std::size_t before) {
    using namespace std::chrono_literals;
    auto list = stack_.wait_messages(user_, before + 1);
    for (auto n = list.size();;) {  // replies of one message come together: wait for the last
      std::this_thread::sleep_for(300ms);
      list = stack_.wait_messages(user_, 0);
      if (list.size() == n) break;
      n = list.size();
    }
    std::string out;
    for (std::size_t i = before; i < list.size(); ++i) {
      auto const& m = list[i];
      if (m.contains("text")) out += m["text"].value("content", "") + "\n";
      if (m.contains("markdown")) out += m["markdown"].value("content", "") + "\n";
      if (m.contains("template_card")) {
        auto const& card = m["template_card"];
        last_task_ = card.value("task_id", "");
        out += card.dump() + "\n";
      }
    }
    return out;
  }

  Stack& stack_;
  std::string user_;
  std::string last_task_;
};

}  // namespace talentbot::test
