#pragma once
// The dialogue tests' harness: the real NLU and knowledge base, and a Chat that stores the session
// as JSON between turns as the server does in Redis.
#include <gtest/gtest.h>

#include <string>

#include "bot/dialogue.hpp"
#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"

namespace talentbot::bot::test {

// Loading trains the classifier (~0.3 s): once for the whole suite.
inline intents::Nlu const& nlu() {
  static auto const instance = intents::Nlu::load(TALENTBOT_SOURCE_DIR "/intents/knowledge",
                                                  TALENTBOT_SOURCE_DIR "/tests/nlu/train.tsv");
  return *instance;
}

inline intents::Knowledge const& kb() {
  static auto const instance = intents::Knowledge::load(TALENTBOT_SOURCE_DIR "/intents/knowledge");
  return *instance;
}

inline config::CenterConfig configured_center() {
  config::CenterConfig c;
  c.address = "测试大道100号行政审批服务中心三楼";
  c.hours = "周一至周五 9:00-17:00";
  c.phone = "0375-1234567";
  c.website = "https://talent.example.cn";
  return c;
}

inline config::CenterConfig bare_center() { return {}; }  // only the default name

inline bool contains(std::string const& haystack, std::string const& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Seven or more digits in a row would be a phone number the configuration never gave.
inline bool has_long_digit_run(std::string const& s) {
  int run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 7) return true;
  }
  return false;
}

class Chat {
 public:
  explicit Chat(config::CenterConfig center = configured_center()) : center_(std::move(center)) {}

  Decision const& say(std::string const& text) {
    static auto const now = *intents::parse_iso8601("2026-11-25T10:00:00+08:00");
    return step(Turn{text, "", nlu().parse(text, now)});
  }
  Decision const& click(std::string const& key) { return step(Turn{"", key, {}}); }

  Session const& session() const { return session_; }
  Decision const& last() const { return last_; }
  // All reply bodies of the last turn, for "says X" checks.
  std::string all() const {
    std::string out;
    for (auto const& r : last_.replies) out += r.title + "\n" + r.content + "\n";
    return out;
  }

 private:
  Decision const& step(Turn const& turn) {
    last_ = decide(session_, turn, kb(), center_);
    session_ = Session::from_json(last_.session.to_json());  // as stored in Redis between turns
    EXPECT_EQ(session_, last_.session) << "the session must survive its JSON form";
    for (auto const& r : last_.replies) {
      EXPECT_LE(r.content.size(), wecom::kMaxContentBytes);
      EXPECT_FALSE(contains(r.content, "{center.")) << r.content;
    }
    return last_;
  }

  config::CenterConfig center_;
  Session session_;
  Decision last_;
};

}  // namespace talentbot::bot::test
