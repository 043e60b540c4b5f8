#pragma once
// Shared by the tests of the bot's Redis-backed desks (notices, handoff, agenda): the trained NLU
// loaded once, China-time instants, and what a member's outbox holds.
#include <chrono>
#include <cstdint>
#include <string>

#include "bot/calendar.hpp"
#include "bot/case_notifier.hpp"
#include "bot/roster.hpp"
#include "bot/understanding.hpp"
#include "storage/keys.hpp"
#include "storage/redis.hpp"
#include "tests/support/redis_fixture.hpp"
#include "tests/support/run.hpp"

namespace talentbot::test {

// Training takes a fraction of a second: once per test binary.
inline bot::Understanding& shared_understanding() {
  static Logger quiet{LogLevel::off};
  static bot::Understanding* u = [] {
    config::NluConfig nlu;
    nlu.knowledge_dir = TALENTBOT_SOURCE_DIR "/intents/knowledge";
    nlu.training_file = TALENTBOT_SOURCE_DIR "/tests/nlu/train.tsv";
    auto* made = new bot::Understanding(nlu, quiet);
    made->load();
    return made;
  }();
  return *u;
}

// Unix seconds of a China-time wall clock.
inline std::int64_t china(std::chrono::year_month_day day, int hour, int minute = 0) {
  using namespace std::chrono;
  return (sys_days(day) + hours(hour - 8) + minutes(minute)).time_since_epoch() / seconds(1);
}

// Every outbox payload addressed to `user` so far, one per line.
template <class Run>
std::string outbox_of(Run&& run, storage::RedisClient& db, unsigned partitions, std::string const& user) {
  auto const p = storage::keys::partition_of(user, partitions);
  auto r = run(db.command(storage::args("XRANGE", storage::keys::outbox(p), "-", "+")));
  std::string out;
  for (auto const& e : r->elements)
    for (auto const& f : e.elements[1].elements)
      if (f.str.find("\\\"touser\\\":\\\"" + user + "\\\"") != std::string::npos) out += f.str + "\n";
  return out;
}

// A desk test: real Redis, the real NLU and calendar, a small roster (a public-security lead and
// service specialist, an hrss lead, a center coordinator), and a way to read outboxes.
class DeskSuite : public RedisSuite {
 protected:
  DeskSuite() {
    config.wecom.agent_id = 1000002;
    calendar = bot::WorkingCalendar::load(TALENTBOT_SOURCE_DIR "/deploy/holidays");
    roster = bot::Roster::parse(R"(
center:
  - {user: coord1}
departments:
  public_security:
    - {user: lead1, role: lead}
    - {user: svc1, role: service}
  hrss:
    - {user: h1, role: lead}
)", "roster", {"public_security", "hrss"});
  }

  bot::NotifierContext ctx() { return bot::NotifierContext{&config, &shared_understanding(), &calendar, &roster, &log}; }

  std::string outbox_of(std::string const& user) {
    return test::outbox_of([this](auto work) { return run(std::move(work)); }, db(), config.queue.partitions, user);
  }

  config::Config config;
  bot::WorkingCalendar calendar;
  bot::Roster roster;
  Logger log{LogLevel::off};
};

}  // namespace talentbot::test
