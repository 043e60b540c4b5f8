// Case notices; see case_notifier.hpp.
#include "bot/case_notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>


#include "adapters/wecom/outbound.hpp"
#include "bot/archive_reader.hpp"
#include "bot/case_replies.hpp"
#include "bot/scheduler.hpp"
#include "bot/understanding.hpp"
#include "intents/knowledge.hpp"
#include "intents/nlu.hpp"
#include "storage/cases.hpp"
#include "storage/keys.hpp"
#include "storage/streams.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using intents::Language;
using namespace std::chrono_literals;

namespace {

// Pushes are remembered by cause for a week: far past any re-read of an event or a reminder.
constexpr std::chrono::seconds kRememberPushes = std::chrono::hours(24 * 7);

std::string_view action_label(CaseStatus s) {
  switch (s) {
    case CaseStatus::accepted: return "受理";
    case CaseStatus::in_progress: return "开始办理";
    case CaseStatus::needs_materials: return "需补材料";
    case CaseStatus::result_ready: return "结果已出";
    case CaseStatus::closed: return "办结";
    case CaseStatus::rejected: return "退回";
    case CaseStatus::submitted: break;
  }
  return "";
}

Language language_of(Case const& c) { return c.language == "en" ? Language::en : Language::zh; }


Clock::time_point nine_am(std::chrono::year_month_day day) {
  // 09:00 China time is 01:00 UTC.
  return Clock::time_point(std::chrono::sys_days(day) + std::chrono::hours(1));
}

std::string payload_for(Notice const& n, std::int64_t agent_id, std::string const& cause, std::size_t index) {
  wecom::OutboundRequest request;
  request.user = n.user;
  std::string const id = cause + "_" + n.user + "_" + std::to_string(index);
  if (n.buttons.empty() || index == 0) {
    request.body = wecom::with_reply_identity(wecom::text_message(n.user, agent_id, n.text), id);
    return wecom::to_outbox(request);
  }
  std::vector<wecom::CardButton> buttons;
  int style = 1;
  for (auto const& [label, key] : n.buttons) buttons.push_back({label, key, style++ == 1 ? 1 : 2});
  std::string task = "n_" + id;
  for (char& c : task)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '@') c = '_';
  request.body = wecom::button_card_message(n.user, agent_id, n.card_title, "点击按钮更新案件状态，申请人会收到通知。",
                                            task.substr(0, 128), buttons);
  return wecom::to_outbox(request);
}


}  // namespace

std::vector<std::pair<std::string, std::string>> next_step_buttons(Case const& c) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto s : kAllStatuses) {
    if (s == CaseStatus::submitted || !can_transition(c.status, s)) continue;
    out.emplace_back(std::string(action_label(s)), "case:" + c.id + ":" + std::string(to_string(s)));
  }
  return out;
}

std::vector<Notice> notices_for_event(Case const& c, std::string const& from, HistoryEntry const& entry,
                                      intents::Knowledge const& kb, Roster const& roster) {
  std::vector<Notice> out;
  if (from.empty()) {  // opened: the department takes it (专员办理), or the center when nobody is listed
    auto people = roster.of_department(c.department);
    if (people.empty()) people = roster.coordinators();
    for (auto const* p : people) {
      out.push_back(Notice{p->user, case_replies::new_case_notice(c, kb), next_step_buttons(c),
                           "新案件 " + c.id + " 待受理"});
    }
    return out;
  }
  out.push_back(Notice{c.talent_user, case_replies::status_push(c, entry, kb, language_of(c)), {}, {}});
  // A change made outside the department (the center, through its API) is news to its people.
  if (entry.who != c.talent_user && roster.find(entry.who) == nullptr) {
    std::string text = "【中心更新】" + c.id + " → " + case_replies::status_label(c.status, Language::zh) + "（" +
                       entry.who + "）";
    if (!entry.note.empty()) text += "\n说明：" + entry.note;
    for (auto const* p : roster.of_department(c.department)) out.push_back(Notice{p->user, text, next_step_buttons(c), c.id + " 下一步"});
    return out;
  }
  // The specialist who made the change sees where the case stands and what may follow.
  if (auto const* who = roster.find(entry.who)) {
    std::string text = "已更新 " + c.id + " → " + case_replies::status_label(c.status, Language::zh) + "，已通知申请人。";
    auto buttons = next_step_buttons(c);
    if (!buttons.empty()) text += "\n下一步可点击下方按钮，或发送“/status " + c.id + " <状态> <说明>”。";
    out.push_back(Notice{who->user, std::move(text), std::move(buttons), c.id + " 下一步"});
  }
  return out;
}

Clock::time_point sla_warning_time(Case const& c, WorkingCalendar const& calendar) {
  auto const due = parse_date(c.deadline).value_or(local_date(c.created_at));
  return nine_am(calendar.add_working_days(due, -1));
}

Clock::time_point overdue_time(Case const& c, WorkingCalendar const& calendar) {
  auto const due = parse_date(c.deadline).value_or(local_date(c.created_at));
  return nine_am(calendar.add_working_days(due, 1));
}

asio::awaitable<bool> push_notices(storage::RedisClient& redis, NotifierContext ctx, std::string cause,
                                   std::vector<Notice> notices) {
  auto const& config = *ctx.config;
  for (auto const& n : notices) {
    std::vector<std::string> payloads;
    payloads.push_back(payload_for(n, config.wecom.agent_id, cause, 0));
    if (!n.buttons.empty()) payloads.push_back(payload_for(n, config.wecom.agent_id, cause, 1));
    auto const partition = storage::keys::partition_of(n.user, config.queue.partitions);
    auto pushed = co_await storage::outbox_push_once(redis, partition, cause + ":" + n.user, std::move(payloads),
                                                     kRememberPushes);
    if (!pushed) co_return false;
  }
  co_return true;
}

// ---------------------------------------------------------------------------------------------

struct CaseNotifier::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, storage::RedisClient& r, storage::RedisClient& rd, NotifierContext c, std::string who)
      : strand(asio::make_strand(ex)), redis(r), reader(rd), ctx(c), consumer(std::move(who)), timer(strand) {}

  asio::awaitable<bool> handle(storage::StreamEntry entry);
  asio::awaitable<std::size_t> once(std::chrono::milliseconds block);
  asio::awaitable<void> loop();

  asio::strand<asio::any_io_executor> strand;
  storage::RedisClient& redis;
  storage::RedisClient& reader;
  NotifierContext ctx;
  std::string consumer;
  asio::steady_timer timer;
  bool stopping = false;
  bool group_ready = false;
};

asio::awaitable<bool> CaseNotifier::Impl::handle(storage::StreamEntry entry) {
  auto& log = *ctx.log;
  auto event = storage::parse_case_event(entry.payload);
  auto history = event ? history_entry_from_json(event->entry) : std::nullopt;
  if (!event || !history) {
    log.error("case_event.unreadable", {{"entry", entry.id}, {"action", "dropped"}});
    co_return true;
  }
  auto nlu = ctx.understanding->current();
  if (!nlu) co_return false;
  auto stored = co_await storage::get_case(redis, event->case_id);
  if (!stored) co_return false;
  if (!*stored) co_return true;  // nothing to tell about a case that does not exist
  auto c = case_of(**stored, log);
  if (!c) co_return true;
  if (event->from.empty()) {
    // The watchdog of article 11: scheduled with the opening, checked when it fires.
    auto warn = co_await storage::schedule(redis, "sla_warn:" + c->id,
                                           sla_warning_time(*c, *ctx.calendar).time_since_epoch().count(), c->id);
    auto over = co_await storage::schedule(redis, "sla_over:" + c->id,
                                           overdue_time(*c, *ctx.calendar).time_since_epoch().count(), c->id);
    if (!warn || !over) co_return false;
  }
  auto notices = notices_for_event(*c, event->from, *history, nlu->knowledge(), *ctx.roster);
  if (notices.empty() && event->from.empty())
    log.warn("case.nobody_to_notify", {{"case", c->id}, {"department", c->department}, {"hint", "add people to the roster"}});
  bool const pushed = co_await push_notices(redis, ctx, "ev" + entry.id, std::move(notices));
  if (pushed) log.info("case.notified", {{"case", c->id}, {"event", history->what}});
  co_return pushed;
}

asio::awaitable<std::size_t> CaseNotifier::Impl::once(std::chrono::milliseconds block) {
  if (!group_ready) {
    auto made = co_await storage::ensure_group(redis, storage::keys::case_events(), storage::keys::kCaseEventGroup);
    if (!made) co_return 0;
    group_ready = true;
  }
  std::vector<std::string> streams;
  streams.push_back(storage::keys::case_events());
  auto entries = co_await storage::read_group(reader, storage::keys::kCaseEventGroup, consumer, std::move(streams), 32, block);
  if (!entries) {
    // The group may be gone (a flushed or replaced Redis): make it again, after a pause rather
    // than in a tight loop.
    group_ready = false;
    timer.expires_after(block.count() > 0 ? 200ms : 0ms);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return 0;
  }
  // What another (dead) instance read but never finished comes back after a minute.
  auto stale = co_await storage::claim_pending(redis, storage::keys::case_events(), storage::keys::kCaseEventGroup,
                                               consumer, 60s);
  if (stale) entries->insert(entries->end(), stale->begin(), stale->end());
  std::size_t handled = 0;
  for (auto& e : *entries) {
    auto const id = e.id;
    if (!co_await handle(std::move(e))) continue;  // stays pending; retried after the claim idle time
    co_await storage::ack_entry(redis, storage::keys::case_events(), storage::keys::kCaseEventGroup, id);
    ++handled;
  }
  co_return handled;
}

asio::awaitable<void> CaseNotifier::Impl::loop() {
  auto self = shared_from_this();
  while (!stopping) {
    if (!reader.connected() || !redis.connected()) {
      timer.expires_after(200ms);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    co_await once(1000ms);
  }
}

CaseNotifier::CaseNotifier(asio::any_io_executor executor, storage::RedisClient& redis, storage::RedisClient& reader,
                           NotifierContext ctx, std::string consumer)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, reader, ctx, std::move(consumer))) {}

CaseNotifier::~CaseNotifier() { stop(); }

void CaseNotifier::start() { asio::co_spawn(impl_->strand, impl_->loop(), asio::detached); }

void CaseNotifier::stop() {
  asio::dispatch(impl_->strand, [impl = impl_] {
    impl->stopping = true;
    impl->timer.cancel();
  });
}

asio::awaitable<std::size_t> CaseNotifier::run_once(std::chrono::milliseconds block) {
  co_return co_await impl_->once(block);
}

// ---------------------------------------------------------------------------------------------

namespace {

asio::awaitable<bool> sla_fired(storage::RedisClient& redis, NotifierContext ctx, storage::DueItem item, bool overdue) {
  auto stored = co_await storage::get_case(redis, item.payload);
  if (!stored) co_return false;
  if (!*stored) co_return true;
  auto c = case_of(**stored, *ctx.log);
  if (!c || is_final(c->status)) co_return true;  // finished in time: nothing to say
  auto nlu = ctx.understanding->current();
  if (!nlu) co_return false;
  auto const* service = nlu->knowledge().service(c->service);
  std::string const what = (service ? service->name.zh : c->service) + "（" + c->talent_name + "）";
  std::vector<Notice> notices;
  if (!overdue) {
    std::string text = "【时限提醒】案件 " + c->id + " " + what + " 将于 " + c->deadline + " 到期，当前状态：" +
                       case_replies::status_label(c->status, Language::zh) + "。请按时办结或及时告知申请人。";
    for (auto const* p : ctx.roster->of_department(c->department)) notices.push_back(Notice{p->user, text, {}, {}});
  } else {
    std::string text = "【超期督办】案件 " + c->id + " " + what + " 已超过办理期限 " + c->deadline + "，当前状态：" +
                       case_replies::status_label(c->status, Language::zh) + "。请部门助创专员督办，市人才交流中心跟踪（第十一条）。";
    for (auto const* p : ctx.roster->leads(c->department)) notices.push_back(Notice{p->user, text, {}, {}});
    for (auto const* p : ctx.roster->coordinators()) notices.push_back(Notice{p->user, text, {}, {}});
    if (!ctx.config->wecom.webhook_key.empty()) {
      wecom::OutboundRequest request;
      request.api = wecom::Api::webhook_send;
      request.body = wecom::webhook_text(text, {});
      std::vector<std::string> payloads;
      payloads.push_back(wecom::to_outbox(request));
      auto const partition = storage::keys::partition_of("webhook", ctx.config->queue.partitions);
      auto ok = co_await storage::outbox_push_once(redis, partition, item.id + ":webhook", std::move(payloads),
                                                   kRememberPushes);
      if (!ok) co_return false;
    }
    ctx.log->warn("case.overdue", {{"case", c->id}, {"department", c->department}, {"deadline", c->deadline}});
  }
  co_return co_await push_notices(redis, ctx, item.id, std::move(notices));
}

}  // namespace

void register_sla_handlers(Scheduler& scheduler, storage::RedisClient& redis, NotifierContext ctx) {
  scheduler.on("sla_warn", [&redis, ctx](storage::DueItem item) { return sla_fired(redis, ctx, std::move(item), false); });
  scheduler.on("sla_over", [&redis, ctx](storage::DueItem item) { return sla_fired(redis, ctx, std::move(item), true); });
}

}  // namespace talentbot::bot
