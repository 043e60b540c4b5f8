#pragma once
// Writes crafted cases and complaints into a real Redis the way the bot does (storage's scripts,
// bot's JSON), with the history on chosen days, for the center API and report tests.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/calendar.hpp"
#include "bot/cases.hpp"
#include "storage/cases.hpp"
#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "storage/redis.hpp"
#include "tests/support/run.hpp"

namespace talentbot::test {

// 10:00 China time (UTC+8) on `day` (yyyy-mm-dd).
inline std::int64_t china_time(std::string const& day, int hour = 10) {
  auto const d = bot::parse_date(day).value();
  return std::chrono::sys_days(d).time_since_epoch() / std::chrono::seconds(1) + (hour - 8) * 3600;
}

struct SeedCase {
  std::string user = "talent.a";
  std::string service = "household_registration";
  std::string department = "public_security";
  std::string received;  // yyyy-mm-dd
  std::string deadline;  // yyyy-mm-dd
  std::string id_number_masked = "4101**********123X";
  // Status changes after the opening, each on its day (the path of bot/cases.hpp).
  std::vector<std::pair<std::string, std::string>> steps;
};

using Steps = std::vector<std::pair<std::string, std::string>>;

inline SeedCase seed(std::string received, std::string deadline, Steps steps = {}, std::string user = "talent.a",
                     std::string department = "public_security") {
  SeedCase c;
  c.received = std::move(received);
  c.deadline = std::move(deadline);
  c.steps = std::move(steps);
  c.user = std::move(user);
  c.department = std::move(department);
  return c;
}

// The whole path from submitted to `final_status` ("closed", "rejected", "in_progress", …):
// intermediate steps on the day received, the last one on `day`.
inline std::vector<std::pair<std::string, std::string>> path_to(std::string const& final_status,
                                                                std::string const& received, std::string const& day) {
  std::vector<std::pair<std::string, std::string>> out;
  if (final_status == "rejected") return {{"rejected", day}};
  for (std::string s : {"accepted", "in_progress", "result_ready", "closed"}) {
    out.emplace_back(s, s == final_status ? day : received);
    if (s == final_status) break;
  }
  return out;
}

class ArchiveSeeder {
 public:
  explicit ArchiveSeeder(std::string const& url) {
    storage::RedisOptions o;
    o.endpoint = storage::RedisEndpoint::parse(url).value();
    client_ = std::make_unique<storage::RedisClient>(ioc_.get_executor(), o, log_);
    client_->start();
    run_for(ioc_, wait_connected());
  }
  ~ArchiveSeeder() {
    client_->cancel();
    ioc_.run_for(std::chrono::milliseconds(20));
  }

  void flush() { run_for(ioc_, client_->command(storage::args("FLUSHDB"))).value(); }

  // Returns the new case's id.
  std::string add(SeedCase const& s) {
    bot::Case c;
    c.talent_user = s.user;
    c.talent_name = "张三";
    c.phone = "13800138000";
    c.id_number_masked = s.id_number_masked;
    c.service = s.service;
    c.department = s.department;
    c.created_at = china_time(s.received);
    c.deadline = s.deadline;
    storage::NewCase n;
    n.day = s.received.substr(0, 4) + s.received.substr(5, 2) + s.received.substr(8, 2);
    n.talent_user = s.user;
    n.service = s.service;
    n.department = s.department;
    n.deadline = s.deadline;
    n.status = "submitted";
    n.created_at = c.created_at;
    n.body = bot::case_body_json(c);
    n.first_entry = bot::history_entry_json(bot::HistoryEntry{c.created_at, s.user, "submitted", ""});
    auto created = run_for(ioc_, storage::create_case(*client_, n, ""));
    auto const id = created.value().id;
    for (auto const& [status, day] : s.steps) {
      auto const to = bot::parse_case_status(status).value();
      storage::StatusChange change;
      change.case_id = id;
      change.to = status;
      change.allowed_from = bot::allowed_from(to);
      change.closes = bot::is_final(to);
      change.at = china_time(day, 11);
      change.entry = bot::history_entry_json(bot::HistoryEntry{change.at, "li.si", status, "seeded"});
      run_for(ioc_, storage::transition(*client_, change)).value();
    }
    return id;
  }

  // A complaint record as the dialogue writes it.
  void complaint(std::string const& entry, std::string const& department_id, std::string const& day) {
    auto const record = nlohmann::json{{"user", "talent.a"},          {"at", china_time(day)},
                                       {"text", "一直没人处理"},      {"service", ""},
                                       {"department_id", department_id}, {"department", ""}}
                            .dump();
    run_for(ioc_, client_->command(storage::args("SET", storage::keys::complaint(0, entry), record))).value();
  }

 private:
  boost::asio::awaitable<void> wait_connected() {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
    while (!client_->connected()) {
      t.expires_after(std::chrono::milliseconds(5));
      co_await t.async_wait(boost::asio::use_awaitable);
    }
  }

  boost::asio::io_context ioc_;
  Logger log_{LogLevel::warn};
  std::unique_ptr<storage::RedisClient> client_;
};

}  // namespace talentbot::test
