#include "adapters/simulator/simulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>

#include "adapters/http_client.hpp"
#include "adapters/simulator/state.hpp"
#include "adapters/simulator/validate.hpp"
#include "adapters/simulator/wire.hpp"
#include "adapters/wecom/crypto.hpp"
#include "bot/http.hpp"

namespace talentbot::sim {
namespace asio = boost::asio;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxTypedBytes = 16 * 1024;

// Records can hold bytes a client sent that are not UTF-8; they are shown, not rejected.
std::string to_text(Json const& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

bot::HttpResponse json_response(unsigned status, Json const& body) {
  bot::HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = to_text(body);
  return r;
}

bot::HttpResponse refuse(unsigned status, std::string_view why) { return json_response(status, Json{{"error", why}}); }

asio::awaitable<bot::HttpResponse> ready(bot::HttpResponse response) { co_return response; }

std::string string_field(Json const& object, char const* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string random_nonce() {
  static constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, kDigits.size() - 1);
  std::string out(12, '0');
  for (auto& c : out) c = kDigits[pick(random)];
  return out;
}

SimSettings settings_for(config::WecomConfig const& wecom, SimulatorOptions const& options) {
  SimSettings s;
  s.max_calls = options.max_calls;
  s.corp_id = wecom.corp_id;
  s.secret = wecom.secret;
  s.agent_id = wecom.agent_id;
  return s;
}

wecom::CallbackCrypto make_crypto(config::WecomConfig const& wecom) {
  auto crypto = wecom::CallbackCrypto::create(wecom.token, wecom.encoding_aes_key, wecom.corp_id);
  if (!crypto) throw std::runtime_error("wecom keys cannot encrypt callbacks: " + crypto.error().message());
  return std::move(*crypto);
}

net::HttpClientOptions client_options(SimulatorOptions const& options) {
  net::HttpClientOptions o;
  o.request_timeout = options.bot_timeout;
  o.connect_timeout = std::min(o.connect_timeout, options.bot_timeout);
  return o;
}

struct StaticFile {
  char const* path;
  char const* file;
  char const* content_type;
};
constexpr StaticFile kStaticFiles[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/index.html", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/style.css", "style.css", "text/css; charset=utf-8"},
};

// A callback to post to the bot, or the reason it cannot be built.
struct Outgoing {
  std::optional<bot::HttpResponse> refusal;
  Callback callback;
  Json reply = Json::object();  // extra fields of the answer to /sim/*
};

}  // namespace

struct Simulator::Impl {
  Impl(asio::any_io_executor ex, config::WecomConfig const& w, SimulatorOptions o, Logger& logger)
      : wecom(w),
        options(std::move(o)),
        log(logger),
        state(settings_for(w, options)),
        client(std::move(ex), client_options(options), logger),
        crypto(make_crypto(w)) {}

  config::WecomConfig wecom;
  SimulatorOptions options;
  Logger& log;
  std::mutex mutex;  // guards state and last: connections run on their own strands
  SimulatorState state;
  net::HttpClient client;
  wecom::CallbackCrypto crypto;
  std::optional<Callback> last;

  ApiAnswer api_call(bot::HttpRequest const& req) {
    ApiAnswer answer;
    {
      std::lock_guard lock(mutex);
      answer = state.handle_api(req.method, req.path(), req.query(), req.body);
    }
    auto const errcode = answer.body.is_object() ? std::to_string(answer.body.value("errcode", 0)) : std::string("-");
    log.info("simulator.api", {{"path", req.path()},
                               {"http_status", answer.http_status},
                               {"errcode", errcode},
                               {"delay_ms", answer.delay.count()},
                               {"drop", answer.drop ? "true" : "false"}});
    return answer;
  }

  static bot::HttpResponse api_response(ApiAnswer const& answer) {
    if (answer.drop) {
      bot::HttpResponse r;
      r.close_without_response = true;  // the connection goes, no answer: as a broken network does
      return r;
    }
    if (answer.http_status != 200) return bot::HttpResponse::text(answer.http_status, "simulated fault");
    auto r = json_response(200, answer.body);
    r.content_type = "application/json; charset=UTF-8";  // as WeCom sends it
    return r;
  }

  asio::awaitable<bot::HttpResponse> api(bot::HttpRequest& req) {
    auto const answer = api_call(req);
    auto const hold = answer.drop ? std::chrono::milliseconds(0) : answer.delay;
    if (hold.count() > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor, hold);
      co_await timer.async_wait(kAwait);
    }
    co_return api_response(answer);
  }

  bot::HttpResponse post_faults(bot::HttpRequest const& req) {
    auto description = Json::parse(req.body, nullptr, false);
    if (description.is_discarded()) return refuse(400, "expected a JSON fault object or array");
    std::lock_guard lock(mutex);
    if (auto error = state.add_faults(description)) return refuse(400, *error);
    return json_response(200, Json{{"ok", true}, {"faults", state.faults()}});
  }

  bot::HttpResponse get_messages(bot::HttpRequest const& req) {
    auto const q = parse_query(req.query());
    std::uint64_t since = 0;
    if (auto it = q.find("since"); it != q.end()) {
      auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), since);
      if (ec != std::errc{} || p != it->second.data() + it->second.size()) return refuse(400, "since must be a number");
    }
    auto const user = q.contains("user") ? q.at("user") : std::string();
    bool const include_sent = q.contains("include_sent") && q.at("include_sent") != "0";
    std::lock_guard lock(mutex);
    return json_response(200, state.messages(user, since, include_sent));
  }

  bot::HttpResponse with_state(auto action) {
    std::lock_guard lock(mutex);
    return action(state);
  }

  bot::HttpResponse info() const {
    return json_response(200, Json{{"corp_id", wecom.corp_id},
                                   {"agent_id", wecom.agent_id},
                                   {"users", options.users},
                                   {"bot_url", options.bot_url}});
  }

  bot::HttpResponse static_file(StaticFile const& f) const {
    std::ifstream in(options.web_dir + "/" + f.file, std::ios::binary);
    if (!in) return refuse(404, "page asset missing; check --web-dir");
    bot::HttpResponse r;
    r.content_type = f.content_type;
    r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }

  Outgoing prepare_text(std::string const& body) {
    Outgoing out;
    auto const request = Json::parse(body, nullptr, false);
    auto const user = request.is_object() ? string_field(request, "user") : std::string();
    auto const text = request.is_object() ? string_field(request, "text") : std::string();
    if (!valid_user_id(user)) out.refusal = refuse(400, "user must be a WeCom userid (letters, digits, _-@.)");
    else if (text.empty() || text.size() > kMaxTypedBytes) out.refusal = refuse(400, "text must be 1 to 16384 bytes");
    if (out.refusal) return out;
    auto const now = unix_seconds();
    std::lock_guard lock(mutex);
    auto const msg_id = state.next_msg_id();
    auto const xml = text_message_xml(wecom.corp_id, user, wecom.agent_id, text, msg_id, now);
    out.callback = seal_callback(crypto, options.bot_url, wecom.agent_id, xml, std::to_string(now), random_nonce());
    state.record_sent(user, Json{{"kind", "sent"},
                                 {"msgtype", "text"},
                                 {"text", Json{{"content", text}}},
                                 {"msg_id", std::to_string(msg_id)}});
    last = out.callback;
    out.reply["msg_id"] = std::to_string(msg_id);
    return out;
  }

  Outgoing prepare_click(std::string const& body) {
    Outgoing out;
    auto const request = Json::parse(body, nullptr, false);
    if (!request.is_object()) {
      out.refusal = refuse(400, R"(expected {"user", "task_id", "event_key", "response_code"?})");
      return out;
    }
    auto const user = string_field(request, "user");
    auto const task_id = string_field(request, "task_id");
    auto const event_key = string_field(request, "event_key");
    if (!valid_user_id(user) || task_id.empty() || event_key.empty()) {
      out.refusal = refuse(400, "user, task_id and event_key are required");
      return out;
    }
    auto const now = unix_seconds();
    std::lock_guard lock(mutex);
    auto code = string_field(request, "response_code");
    if (code.empty()) code = state.click_response_code(user, task_id);
    auto const xml = card_event_xml(wecom.corp_id, user, wecom.agent_id, task_id, event_key, code, now);
    out.callback = seal_callback(crypto, options.bot_url, wecom.agent_id, xml, std::to_string(now), random_nonce());
    state.record_sent(user, Json{{"kind", "click"}, {"task_id", task_id}, {"event_key", event_key}});
    last = out.callback;
    out.reply["response_code"] = code;
    return out;
  }

  Outgoing prepare_replay() {
    Outgoing out;
    std::lock_guard lock(mutex);
    if (!last) out.refusal = refuse(409, "nothing has been sent to the bot yet");
    else out.callback = *last;
    out.reply["replayed"] = true;
    return out;
  }

  bot::HttpResponse finish(Outgoing const& out, boost::system::result<net::ClientResponse> const& answer) const {
    Json reply = out.reply;
    auto const path = std::string_view(out.callback.url).substr(0, out.callback.url.find('?'));
    if (!answer) {
      log.warn("simulator.bot_unreachable", {{"url", path}, {"error", answer.error().message()}});
      reply["status"] = 0;
      reply["error"] = answer.error().message();
      return json_response(502, reply);
    }
    log.info("simulator.callback", {{"url", path}, {"status", answer->status}});
    reply["status"] = answer->status;
    reply["body"] = answer->body;
    return json_response(200, reply);
  }

  asio::awaitable<bot::HttpResponse> to_bot(Outgoing out) {
    if (out.refusal) co_return std::move(*out.refusal);
    std::string method = "POST";
    std::string content_type = "text/xml";
    auto answer = co_await client.request(method, out.callback.url, out.callback.body, content_type);
    co_return finish(out, answer);
  }
};

Simulator::Simulator(asio::any_io_executor executor, config::WecomConfig const& wecom, SimulatorOptions options,
                     Logger& log)
    : impl_(std::make_unique<Impl>(std::move(executor), wecom, std::move(options), log)) {}

Simulator::~Simulator() = default;

void Simulator::add_routes(bot::Router& router) {
  Impl* impl = impl_.get();
  auto api = [impl](bot::HttpRequest& req) { return impl->api(req); };
  router.add("GET", "/cgi-bin/gettoken", api);
  router.add("POST", "/cgi-bin/message/send", api);
  router.add("POST", "/cgi-bin/message/update_template_card", api);
  router.add("POST", "/cgi-bin/webhook/send", api);

  router.add("POST", "/sim/faults", [impl](bot::HttpRequest& req) { return ready(impl->post_faults(req)); });
  router.add("GET", "/sim/faults", [impl](bot::HttpRequest&) {
    return ready(impl->with_state([](SimulatorState& s) { return json_response(200, s.faults()); }));
  });
  router.add("DELETE", "/sim/faults", [impl](bot::HttpRequest&) {
    return ready(impl->with_state([](SimulatorState& s) {
      s.clear_faults();
      return json_response(200, Json{{"ok", true}});
    }));
  });
  router.add("GET", "/sim/calls", [impl](bot::HttpRequest&) {
    return ready(impl->with_state([](SimulatorState& s) { return json_response(200, s.calls()); }));
  });
  router.add("DELETE", "/sim/calls", [impl](bot::HttpRequest&) {
    return ready(impl->with_state([](SimulatorState& s) {
      s.clear_calls();
      return json_response(200, Json{{"ok", true}});
    }));
  });
  router.add("POST", "/sim/reset", [impl](bot::HttpRequest&) {
    return ready(impl->with_state([](SimulatorState& s) {
      s.reset();
      return json_response(200, Json{{"ok", true}});
    }));
  });
  router.add("GET", "/sim/messages", [impl](bot::HttpRequest& req) { return ready(impl->get_messages(req)); });
  router.add("GET", "/sim/info", [impl](bot::HttpRequest&) { return ready(impl->info()); });

  router.add("POST", "/sim/send", [impl](bot::HttpRequest& req) { return impl->to_bot(impl->prepare_text(req.body)); });
  router.add("POST", "/sim/click",
             [impl](bot::HttpRequest& req) { return impl->to_bot(impl->prepare_click(req.body)); });
  router.add("POST", "/sim/replay", [impl](bot::HttpRequest&) { return impl->to_bot(impl->prepare_replay()); });

  for (auto const& file : kStaticFiles)
    router.add("GET", file.path, [impl, &file](bot::HttpRequest&) { return ready(impl->static_file(file)); });
  router.add("GET", "/healthz", [](bot::HttpRequest&) { return ready(bot::HttpResponse::text(200, "ok")); });
}

}  // namespace talentbot::sim
