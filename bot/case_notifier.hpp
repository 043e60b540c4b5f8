#pragma once
// 集中反馈 (article 9(三)): every opening and status change of a case — made in the chat, on a
// specialist's card, with a command or through the center API, by any instance — reaches the
// people it concerns exactly once. It reads the case events storage appends in the same script as
// the change (storage/cases.hpp), so nothing is lost between a change and its notice:
// - a new case: the responsible department's specialists get the details and a card to accept it
//   (the center's coordinators when the department has nobody on the roster), and the case's SLA
//   warning and overdue escalation are scheduled;
// - a status change: the talent is told in their language, and the specialist who made it gets a
//   card with the next steps the case allows.
// Each push is keyed by the event and the recipient (outbox_push_once): re-reading an event after a
// crash sends nothing twice.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/calendar.hpp"
#include "bot/cases.hpp"
#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "bot/roster.hpp"
#include "storage/log.hpp"
#include "storage/scheduler.hpp"

namespace talentbot::intents {
class Knowledge;
}
namespace talentbot::storage {
class RedisClient;
struct RedisOptions;
}

namespace talentbot::bot {

class Understanding;
class Scheduler;

// Where the notifier and the SLA handlers push: who, and what.
struct Notice {
  std::string user;  // WeCom user id
  std::string text;
  std::vector<std::pair<std::string, std::string>> buttons;  // (label, key); a card after the text
  std::string card_title;
};

// The notices of one case event (pure). `entry` is the event's history entry.
std::vector<Notice> notices_for_event(Case const& c, std::string const& from, HistoryEntry const& entry,
                                      intents::Knowledge const& kb, Roster const& roster);

// The statuses a specialist may move the case to next, as card buttons ("case:<id>:<status>").
std::vector<std::pair<std::string, std::string>> next_step_buttons(Case const& c);

// When a case's SLA warning and overdue escalation fire: 09:00 China time on the working day
// before the deadline, and on the first working day after it.
Clock::time_point sla_warning_time(Case const& c, WorkingCalendar const& calendar);
Clock::time_point overdue_time(Case const& c, WorkingCalendar const& calendar);

struct NotifierContext {
  config::Config const* config = nullptr;
  Understanding const* understanding = nullptr;
  WorkingCalendar const* calendar = nullptr;
  Roster const* roster = nullptr;
  Logger* log = nullptr;
};

// Pushes notices to their recipients' outboxes, once per `cause`.
boost::asio::awaitable<bool> push_notices(storage::RedisClient& redis, NotifierContext ctx, std::string cause,
                                          std::vector<Notice> notices);

class CaseNotifier {
 public:
  // `reader` is a connection of its own: the notifier blocks on it waiting for events.
  CaseNotifier(boost::asio::any_io_executor executor, storage::RedisClient& redis, storage::RedisClient& reader,
               NotifierContext ctx, std::string consumer);
  ~CaseNotifier();
  void start();
  void stop();
  // Handles what is waiting now (tests); the number of events handled.
  boost::asio::awaitable<std::size_t> run_once(std::chrono::milliseconds block = std::chrono::milliseconds(0));

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The SLA handlers: "sla_warn:<case>" tells the department's specialists the deadline is near,
// "sla_over:<case>" escalates an overdue case to the department's lead, the center's coordinators
// and the center's group robot (article 11). A case finished meanwhile sends nothing.
void register_sla_handlers(Scheduler& scheduler, storage::RedisClient& redis, NotifierContext ctx);

}  // namespace talentbot::bot
