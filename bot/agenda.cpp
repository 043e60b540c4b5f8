#include "bot/agenda.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <cstdio>

#include "bot/scheduler.hpp"
#include "bot/understanding.hpp"
#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"
#include "storage/scheduler.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;

namespace {

constexpr std::int64_t kAgendaMinute = 8 * 60 + 30;

std::string clock_time(std::int64_t unix_seconds) {
  auto const local = unix_seconds - local_day_start(unix_seconds);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(local / 3600), static_cast<int>(local % 3600 / 60));
  return buf;
}

asio::awaitable<bool> send_agendas(HandoffDesk desk, storage::DueItem item) {
  auto nlu = desk.ctx.understanding->current();
  if (!nlu) co_return false;
  auto const& kb = nlu->knowledge();
  auto const day = local_date(item.due / 1000);
  for (auto const& d : kb.departments()) {
    auto people = desk.ctx.roster->of_department(d.id);
    if (people.empty()) continue;
    auto booked = co_await storage::agenda_of_department(*desk.redis, d.id, format_compact_date(day));
    if (!booked) co_return false;
    if (booked->empty()) continue;  // no appointments, no message
    std::vector<Notice> notices;
    auto const text = agenda_text(d.id, day, *booked, kb);
    for (auto const* p : people) notices.push_back(Notice{p->user, text, {}, {}});
    if (!co_await push_notices(*desk.redis, desk.ctx, "agenda:" + format_compact_date(day), std::move(notices))) co_return false;
  }
  auto const next = next_agenda_time(item.due / 1000 + 60, *desk.ctx.calendar);
  if (!co_await storage::schedule(*desk.redis, item.id, next * 1000, "")) co_return false;
  co_return true;  // complete() keeps the newer schedule
}

asio::awaitable<void> seed(HandoffDesk desk, std::int64_t now) {
  auto pending = co_await storage::scheduled_with_prefix(*desk.redis, "agenda:");
  if (pending && pending->empty())
    co_await storage::schedule(*desk.redis, "agenda:daily", next_agenda_time(now, *desk.ctx.calendar) * 1000, "");
}

}  // namespace

std::string agenda_text(std::string const& department, std::chrono::year_month_day day,
                        std::vector<storage::StoredAppointment> const& booked, intents::Knowledge const& kb) {
  auto const* d = kb.department(department);
  std::string out = "【今日预约】" + format_date(day) + " " + (d ? d->name.zh : department) + "，共 " +
                    std::to_string(booked.size()) + " 位：";
  for (auto const& a : booked) {
    auto const* s = kb.service(a.service);
    out += '\n';
    out += clock_time(a.start);
    out += ' ';
    out += s ? s->name.zh : a.service;
    out += " · ";
    out += a.user;
    if (!a.case_id.empty()) out += " · " + a.case_id;
  }
  return out;
}

asio::awaitable<std::optional<std::string>> department_agenda(storage::RedisClient& redis, intents::Knowledge const& kb,
                                                              std::string department, std::chrono::year_month_day day) {
  auto booked = co_await storage::agenda_of_department(redis, department, format_compact_date(day));
  if (!booked) co_return std::nullopt;
  if (booked->empty()) co_return "今天（" + format_date(day) + "）本部门没有窗口预约。";
  co_return agenda_text(department, day, *booked, kb);
}

std::int64_t next_agenda_time(std::int64_t unix_seconds, WorkingCalendar const& calendar) {
  auto const midnight = local_day_start(unix_seconds);
  for (int d = 0; d < 40; ++d) {
    auto const at = midnight + d * 86'400 + kAgendaMinute * 60;
    if (at > unix_seconds && calendar.is_working_day(local_date(midnight + d * 86'400))) return at;
  }
  return unix_seconds + 86'400;
}

void register_morning_agenda(Scheduler& scheduler, HandoffDesk desk, Clock const& clock,
                             asio::any_io_executor executor) {
  scheduler.on("agenda", [desk](storage::DueItem item) { return send_agendas(desk, std::move(item)); });
  auto const now = clock.now().time_since_epoch().count() / 1000;
  asio::co_spawn(executor, seed(desk, now), asio::detached);
}

}  // namespace talentbot::bot
