// Callback-to-reply latency through the whole bot at a fixed, open-loop rate: signed and encrypted
// text callbacks from many users go straight to the bot's /wecom/callback on a timetable that does
// not wait for answers; the bot verifies, decrypts, stores, understands, decides and sends its
// replies to the WeCom simulator, whose /sim/calls records when each reply arrived (time_us).
// A message's latency runs from its scheduled send time (so a late sender counts against the
// result, never hides it) to the first message/send to its user after it was sent. Each user
// speaks again only every users/rate seconds, far longer than any reply should take, so a reply
// belongs to that user's latest message sent before it arrived.
//
//   talentbot_latency_bench --config FILE --bot URL --sim URL [--rate 500] [--seconds 20]
//                           [--users 1000] [--drain 60] [--raw FILE]
// --raw writes one line per message: user, scheduled, sent, acked and first reply (µs since the epoch).
// Prints a summary and one line "RESULT key=value ..." for scripts (tests/bench/latency.sh).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http_client.hpp"
#include "adapters/simulator/wire.hpp"
#include "adapters/wecom/crypto.hpp"
#include "bot/config.hpp"
#include "storage/log.hpp"

namespace asio = boost::asio;
using namespace talentbot;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

// What talents ask, in the order one talent asks it: greetings, materials and policy questions,
// and the follow-ups ("那要多久") that only make sense with the conversation's topic in the session.
constexpr std::array<std::array<std::string_view, 12>, 4> kConversations{{
    {"你好", "办理人才落户需要什么材料？", "那要多久", "需要本人到现场吗", "子女入学有什么政策",
     "那要多久？", "住房补贴怎么申请", "需要哪些材料", "谢谢", "你能帮我做什么", "社保怎么转移过来",
     "那要多久呢"},
    {"您好，我是刚引进的博士", "人才认定的条件是什么", "需要准备哪些材料", "那要多久", "生活补贴有多少",
     "职称评审找哪个部门", "那要多久", "医疗保健有什么待遇", "档案可以代管吗", "要交什么材料", "好的，谢谢",
     "在吗"},
    {"Hello", "What documents do I need for a foreign expert work permit?", "and how long does it take?",
     "Do I have to come in person?", "What is the housing subsidy policy?", "how long does that take",
     "Who do I contact about my child's school?", "thanks", "what can you do", "How do I get a green card?",
     "what materials are needed", "how long will it take"},
    {"Hi there", "Can I get a living allowance as a new talent?", "what materials do I need",
     "how long does it take?", "Which office handles title evaluation?", "and the required documents?",
     "Tell me about medical care for talents", "How do I register a trademark?", "how long does it take",
     "ok thank you", "help", "What about social insurance transfer?"},
}};

struct Args {
  std::string config, bot_url, sim_url, raw;
  double rate = 500, seconds = 20, drain = 60;
  int users = 1000;
};

std::optional<Args> parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view const flag = argv[i];
    std::string const value = argv[i + 1];
    if (flag == "--config") a.config = value;
    else if (flag == "--bot") a.bot_url = value;
    else if (flag == "--sim") a.sim_url = value;
    else if (flag == "--rate") a.rate = std::stod(value);
    else if (flag == "--seconds") a.seconds = std::stod(value);
    else if (flag == "--users") a.users = std::stoi(value);
    else if (flag == "--drain") a.drain = std::stod(value);
    else if (flag == "--raw") a.raw = value;
    else return std::nullopt;
  }
  if (argc % 2 == 0 || a.config.empty() || a.bot_url.empty() || a.sim_url.empty() || a.rate <= 0 || a.users <= 0)
    return std::nullopt;
  return a;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string user_name(int u) {
  char name[32];
  std::snprintf(name, sizeof name, "bench%04d", u);
  return name;
}

constexpr std::size_t kWarmUpUsers = 16;

struct Message {
  int user = 0;
  sim::Callback callback;
  std::int64_t scheduled_us = 0;  // when it should go out (system clock)
  std::int64_t sent_us = 0;       // when the POST actually started
  std::int64_t acked_us = 0;      // when the bot's 200 arrived
  unsigned status = 0;
  std::int64_t reply_us = 0;  // the first reply to its user after sent_us; 0: none
  int replies = 0;
};

// The run's messages; with `warm_up`, one from each of a few other users, to be answered before
// the run starts (the first reply fetches the access token, and the others wait for it).
std::vector<Message> prepare(Args const& a, config::WecomConfig const& wecom, bool warm_up) {
  auto crypto = wecom::CallbackCrypto::create(wecom.token, wecom.encoding_aes_key, wecom.corp_id);
  if (!crypto) throw std::runtime_error("wecom keys: " + crypto.error().message());
  std::mt19937 random(42);
  auto const count = warm_up ? kWarmUpUsers : static_cast<std::size_t>(a.rate * a.seconds);
  auto const created = now_us() / 1'000'000;
  auto const first_id = now_us();  // MsgIds never seen before, even across runs on one Redis
  std::vector<Message> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto const user = static_cast<int>(i % a.users);
    auto const turn = i / a.users;
    auto const& conversation = kConversations[user % kConversations.size()];
    auto const text = conversation[turn % conversation.size()];
    auto const name = warm_up ? "warmup" + std::to_string(i) : user_name(user);
    auto const xml = sim::text_message_xml(wecom.corp_id, name, wecom.agent_id, text,
                                           first_id + static_cast<std::int64_t>(i), created);
    auto const nonce = std::to_string(random());
    out[i].user = user;
    out[i].callback = sim::seal_callback(*crypto, a.bot_url, wecom.agent_id, xml, std::to_string(created), nonce);
  }
  return out;
}

asio::awaitable<void> post(net::HttpClient& http, Message& m, std::size_t& done) {
  m.sent_us = now_us();
  auto answer = co_await http.request("POST", m.callback.url, m.callback.body, "text/xml");
  m.acked_us = now_us();
  m.status = answer ? answer->status : 0;
  ++done;
}

// The open-loop timetable: message i leaves at start + i/rate whatever happened to earlier ones.
asio::awaitable<void> send_all(net::HttpClient& http, std::vector<Message>& messages, double rate,
                               std::size_t& done) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  auto const start = SteadyClock::now() + std::chrono::milliseconds(20);
  auto const start_us = now_us() + 20'000;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto const offset = std::chrono::duration<double>(static_cast<double>(i) / rate);
    timer.expires_at(start + std::chrono::duration_cast<SteadyClock::duration>(offset));
    co_await timer.async_wait(asio::use_awaitable);
    messages[i].scheduled_us = start_us + std::chrono::duration_cast<std::chrono::microseconds>(offset).count();
    asio::co_spawn(ex, post(http, messages[i], done), asio::detached);
  }
}

// GET url, or nullopt. Runs the context until it is answered.
std::optional<std::string> fetch(asio::io_context& ioc, net::HttpClient& http, std::string const& url) {
  std::optional<std::string> out;
  bool finished = false;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto r = co_await http.request("GET", url);
        if (r && r->status == 200) out = std::move(r->body);
        finished = true;
      },
      asio::detached);
  while (!finished) ioc.run_one();
  return out;
}

double metric(std::string const& text, std::string_view sample) {
  auto const at = text.find(sample);
  return at == std::string::npos ? -1 : std::atof(text.c_str() + at + sample.size());
}

void sleep_for(asio::io_context& ioc, std::chrono::milliseconds d) {
  asio::steady_timer t(ioc, d);
  t.wait();
}

// Waits until the bot has handled every message and its sent count has stopped moving for 2 s.
void drain(asio::io_context& ioc, net::HttpClient& http, std::string const& metrics_url, double handled_goal,
           double seconds) {
  constexpr std::string_view kHandled = "talentbot_pipeline_messages_total{stage=\"handled\"} ";
  constexpr std::string_view kSent = "talentbot_pipeline_messages_total{stage=\"sent\"} ";
  auto const until = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                              std::chrono::duration<double>(seconds));
  double last_sent = -1;
  int still = 0;
  while (SteadyClock::now() < until && still < 10) {
    sleep_for(ioc, std::chrono::milliseconds(200));
    auto const text = fetch(ioc, http, metrics_url).value_or("");
    auto const sent = metric(text, kSent);
    still = metric(text, kHandled) >= handled_goal && sent == last_sent ? still + 1 : 0;
    last_sent = sent;
  }
}

// Gives each message the first reply its user got after it was sent.
std::size_t match_replies(std::vector<Message>& messages, Json const& calls, int users) {
  std::vector<std::vector<Message*>> by_user(users);
  for (auto& m : messages) by_user[m.user].push_back(&m);
  std::size_t matched_calls = 0;
  for (auto const& call : calls) {
    if (call.value("path", "") != "/cgi-bin/message/send" || !call.contains("request")) continue;
    auto const& request = call["request"];
    auto const to = request.is_object() ? request.value("touser", "") : std::string();
    if (to.rfind("bench", 0) != 0) continue;
    auto const user = std::atoi(to.c_str() + 5);
    if (user < 0 || user >= users) continue;
    auto const t = call.value("time_us", std::int64_t{0});
    auto& list = by_user[user];
    auto it = std::upper_bound(list.begin(), list.end(), t, [](std::int64_t v, Message* m) { return v < m->sent_us; });
    if (it == list.begin()) continue;
    auto& m = **std::prev(it);
    if (m.reply_us == 0 || t < m.reply_us) m.reply_us = t;
    ++m.replies;
    ++matched_calls;
  }
  return matched_calls;
}

void write_raw(std::string const& path, std::vector<Message> const& messages) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (!out) return;
  std::fprintf(out, "user scheduled_us sent_us acked_us reply_us status\n");
  for (auto const& m : messages)
    std::fprintf(out, "%d %lld %lld %lld %lld %u\n", m.user, static_cast<long long>(m.scheduled_us),
                 static_cast<long long>(m.sent_us), static_cast<long long>(m.acked_us),
                 static_cast<long long>(m.reply_us), m.status);
  std::fclose(out);
}

double percentile(std::vector<double> const& sorted, double p) {
  if (sorted.empty()) return 0;
  auto const rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  if (!args) {
    std::fprintf(stderr,
                 "usage: talentbot_latency_bench --config FILE --bot CALLBACK_URL --sim SIM_URL [--rate 500]\n"
                 "                               [--seconds 20] [--users 1000] [--drain 60] [--raw FILE]\n");
    return 2;
  }
  auto loaded = config::load(args->config);
  if (!loaded.config) {
    for (auto const& e : loaded.errors) std::fprintf(stderr, "config error: %s\n", e.c_str());
    return 2;
  }
  auto const bot = net::parse_url(args->bot_url);
  if (!bot) {
    std::fprintf(stderr, "--bot: not a URL\n");
    return 2;
  }
  auto const metrics_url = "http://" + bot->host + ":" + std::to_string(bot->port) + "/metrics";

  auto warm_up = prepare(*args, loaded.config->wecom, true);
  auto messages = prepare(*args, loaded.config->wecom, false);
  Logger log(LogLevel::error);
  asio::io_context ioc(1);
  net::HttpClientOptions options;
  options.max_idle_per_host = 256;
  options.body_limit = std::size_t{1} << 30;  // /sim/calls of a long run
  net::HttpClient http(ioc.get_executor(), options, log);

  auto const before = fetch(ioc, http, metrics_url);
  if (!before) {
    std::fprintf(stderr, "the bot's %s does not answer\n", metrics_url.c_str());
    return 1;
  }
  double handled_before = metric(*before, "talentbot_pipeline_messages_total{stage=\"handled\"} ");

  std::size_t done = 0;
  bool sent = false;
  asio::co_spawn(ioc, send_all(http, warm_up, 1000, done), [&](std::exception_ptr) { sent = true; });
  while (!sent || done < warm_up.size()) ioc.run_one();
  handled_before += static_cast<double>(warm_up.size());
  drain(ioc, http, metrics_url, handled_before, args->drain);

  done = 0;
  sent = false;
  asio::co_spawn(ioc, send_all(http, messages, args->rate, done), [&](std::exception_ptr) { sent = true; });
  while (!sent || done < messages.size()) ioc.run_one();
  auto const first = messages.front().sent_us;
  auto const last = messages.back().sent_us;
  drain(ioc, http, metrics_url, handled_before + static_cast<double>(messages.size()), args->drain);

  auto const calls_text = fetch(ioc, http, args->sim_url + "/sim/calls");
  if (!calls_text) {
    std::fprintf(stderr, "the simulator's /sim/calls does not answer\n");
    return 1;
  }
  auto calls = Json::parse(*calls_text, nullptr, false);
  if (!calls.is_array()) calls = Json::array();
  auto const reply_calls = match_replies(messages, calls, args->users);

  if (!args->raw.empty()) write_raw(args->raw, messages);
  std::vector<double> latency, ack, lag;
  std::size_t acked = 0, several = 0;
  for (auto const& m : messages) {
    if (m.status == 200) ++acked;
    ack.push_back(static_cast<double>(m.acked_us - m.sent_us) / 1000.0);
    lag.push_back(static_cast<double>(m.sent_us - m.scheduled_us) / 1000.0);
    if (m.reply_us) latency.push_back(static_cast<double>(m.reply_us - m.scheduled_us) / 1000.0);
    if (m.replies > 1) ++several;
  }
  std::sort(latency.begin(), latency.end());
  std::sort(ack.begin(), ack.end());
  std::sort(lag.begin(), lag.end());
  double const rate = static_cast<double>(messages.size() - 1) / (static_cast<double>(last - first) / 1e6);
  std::printf(
      "sent %zu callbacks from %d users at %.0f/s (asked %.0f/s); %zu acked 200; replies for %zu "
      "(%zu reply calls, %zu messages with more than one); send lag p99 %.2f ms\n",
      messages.size(), std::min<int>(args->users, static_cast<int>(messages.size())), rate, args->rate, acked,
      latency.size(), reply_calls, several, percentile(lag, 99));
  std::printf(
      "RESULT sent=%zu rate=%.0f acked=%zu replied=%zu p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f "
      "ack_p50_ms=%.2f ack_p99_ms=%.2f\n",
      messages.size(), rate, acked, latency.size(), percentile(latency, 50), percentile(latency, 90),
      percentile(latency, 99), latency.empty() ? 0 : latency.back(), percentile(ack, 50), percentile(ack, 99));
  return 0;
}
