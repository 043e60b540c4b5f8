#include "bot/center_api.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

#include "adapters/http_client.hpp"
#include "bot/api_auth.hpp"
#include "bot/archive_reader.hpp"
#include "bot/case_filter.hpp"
#include "bot/echo_input.hpp"
#include "bot/http.hpp"
#include "intents/knowledge.hpp"
#include "storage/cases.hpp"
#include "storage/log.hpp"

namespace talentbot::bot {
namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr char kRealm[] = "Bearer realm=\"talentbot\"";
constexpr std::size_t kMaxNote = 2000;  // bytes: a list of missing materials, not an essay
constexpr std::size_t kMaxWho = 64;

using Query = std::map<std::string, std::string, std::less<>>;

HttpResponse json_response(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

std::string dump(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// What the caller may do, once the token is checked.
struct Caller {
  std::string name;
  bool write = false;
};

class CenterApi {
 public:
  CenterApi(config::ApiConfig const& config, CenterApiContext context)
      : auth_(config.tokens), ctx_(std::move(context)) {
    if (!ctx_.now) ctx_.now = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
  }

  bool enabled() const { return auth_.enabled(); }

  asio::awaitable<HttpResponse> off(HttpRequest& req) {
    co_return refuse(req, 404, "api_off", "", "the center API is off: no api.tokens configured");
  }

  asio::awaitable<HttpResponse> list(HttpRequest& req) {
    Caller caller;
    if (auto r = authorize(req, false, caller)) co_return std::move(*r);
    auto const knowledge = ctx_.knowledge();
    if (!knowledge) co_return unavailable(req, "knowledge base not loaded");
    CaseFilter filter;
    auto const known = [&knowledge](std::string_view id) { return knowledge->department(id) != nullptr; };
    if (auto e = parse_case_filter(net::parse_query(req.query()), known, filter))
      co_return refuse(req, 400, "bad_filter", caller.name, *e);
    auto cases = co_await read_cases(ctx_.redis, departments(*knowledge, filter.department), filter.open_only(), ctx_.log);
    if (!cases) co_return storage_failed(req, cases.error());
    co_return json_response(200, case_list_json(std::move(*cases), filter, today()));
  }

  asio::awaitable<HttpResponse> detail(HttpRequest& req) {
    Caller caller;
    if (auto r = authorize(req, false, caller)) co_return std::move(*r);
    auto const id = CaseId::from_canonical(path_segment(req.path(), 3));
    if (!id) co_return not_a_case(req, caller);
    auto stored = co_await storage::get_case(ctx_.redis, id->str());
    if (!stored) co_return storage_failed(req, stored.error());
    if (!*stored) co_return no_such_case(req, caller, id->str());
    auto c = case_of(**stored, ctx_.log);
    if (!c) co_return unavailable(req, "case record unreadable");
    co_return json_response(200, to_json(*c));
  }

  asio::awaitable<HttpResponse> change_status(HttpRequest& req) {
    Caller caller;
    if (auto r = authorize(req, true, caller)) co_return std::move(*r);
    auto const id = CaseId::from_canonical(path_segment(req.path(), 3));
    if (!id) co_return not_a_case(req, caller);
    Change change;
    if (auto e = parse_change(req.body, caller, change)) co_return refuse(req, 400, "bad_body", caller.name, *e);

    auto stored = co_await storage::get_case(ctx_.redis, id->str());
    if (!stored) co_return storage_failed(req, stored.error());
    if (!*stored) co_return no_such_case(req, caller, id->str());
    auto const current = parse_case_status((*stored)->status);
    if (!current) co_return unavailable(req, "case record unreadable");
    if (!can_transition(*current, change.to)) co_return conflict(req, caller, *current, change.to);

    auto const at = ctx_.now();
    storage::StatusChange s;
    s.case_id = id->str();
    s.to = std::string(to_string(change.to));
    s.allowed_from = allowed_from(change.to);
    s.closes = is_final(change.to);
    s.entry = history_entry_json(HistoryEntry{at, change.who, s.to, change.note});
    s.at = at;
    auto previous = co_await storage::transition(ctx_.redis, std::move(s));
    if (!previous && previous.error() == storage::case_errc::not_found) co_return no_such_case(req, caller, id->str());
    if (!previous && previous.error() == storage::case_errc::transition_refused) {
      // Someone else changed it between our read and the script: answer with what it is now.
      auto now = co_await storage::get_case(ctx_.redis, id->str());
      if (!now || !*now) co_return storage_failed(req, make_error_code(storage::case_errc::transition_refused));
      co_return conflict(req, caller, parse_case_status((*now)->status).value_or(*current), change.to);
    }
    if (!previous) co_return storage_failed(req, previous.error());

    auto updated = co_await storage::get_case(ctx_.redis, id->str());
    if (!updated || !*updated) co_return storage_failed(req, make_error_code(storage::case_errc::not_found));
    auto c = case_of(**updated, ctx_.log);
    if (!c) co_return unavailable(req, "case record unreadable");
    log_changed(caller, id->str(), *previous, change);
    auto body = json::parse(to_json(*c));
    co_return json_response(200, dump(json{{"previous", *previous}, {"case", std::move(body)}}));
  }

  asio::awaitable<HttpResponse> report(HttpRequest& req) {
    Caller caller;
    if (auto r = authorize(req, false, caller)) co_return std::move(*r);
    auto const knowledge = ctx_.knowledge();
    if (!knowledge) co_return unavailable(req, "knowledge base not loaded");
    auto const query = net::parse_query(req.query());
    for (auto const& [key, value] : query)
      if (key != "from" && key != "to" && key != "format")
        co_return refuse(req, 400, "bad_filter", caller.name,
                         "unknown parameter " + echo_input(key) + " (known: from, to, format)");
    std::string const format = query.contains("format") ? query.at("format") : std::string("json");
    if (format != "json" && format != "csv")
      co_return refuse(req, 400, "bad_filter", caller.name, "format: expected json or csv");
    ReportRange range;
    if (auto e = parse_report_range(value_of(query, "from"), value_of(query, "to"), today(), range))
      co_return refuse(req, 400, "bad_filter", caller.name, *e);
    auto report = co_await read_report(ctx_.redis, knowledge, ctx_.calendar, range, today(), ctx_.log);
    if (!report) co_return storage_failed(req, report.error());
    if (format == "json") co_return json_response(200, report_json(*report));
    co_return csv_response(*report);
  }

 private:
  struct Change {
    CaseStatus to = CaseStatus::submitted;
    std::string note;
    std::string who;
  };

  std::chrono::year_month_day today() const { return local_date(ctx_.now()); }

  static std::string value_of(Query const& q, std::string_view key) {
    auto it = q.find(key);
    return it == q.end() ? std::string() : it->second;
  }

  static std::vector<std::string> departments(intents::Knowledge const& kb, std::string const& only) {
    std::vector<std::string> out;
    if (!only.empty()) out.push_back(only);
    else
      for (auto const& d : kb.departments()) out.push_back(d.id);
    return out;
  }

  // Nullopt when the caller may go on; otherwise the 401/403 to send.
  std::optional<HttpResponse> authorize(HttpRequest const& req, bool write, Caller& caller) const {
    auto const r = auth_.check(req.authorization);
    using O = ApiAuth::Outcome;
    if (r.outcome != O::ok) {
      std::string challenge = kRealm;
      if (r.outcome == O::invalid) challenge += ", error=\"invalid_token\"";
      if (r.outcome == O::malformed) challenge += ", error=\"invalid_request\"";
      char const* const reason = r.outcome == O::missing   ? "no_token"
                                 : r.outcome == O::invalid ? "wrong_token"
                                                           : "not_bearer";
      char const* const message = r.outcome == O::missing   ? "a bearer token is required (Authorization: Bearer TOKEN)"
                                  : r.outcome == O::invalid ? "the bearer token is not valid"
                                                            : "expected Authorization: Bearer TOKEN";
      auto res = refuse(req, 401, reason, "", message);
      res.headers.emplace_back("WWW-Authenticate", challenge);
      return res;
    }
    caller.name = r.name;
    caller.write = r.write;
    if (write && !r.write) {
      auto res = refuse(req, 403, "read_only_token", r.name,
                        "this token may only read; changing a case needs a write token");
      res.headers.emplace_back("WWW-Authenticate", std::string(kRealm) + ", error=\"insufficient_scope\"");
      return res;
    }
    return std::nullopt;
  }

  // Every refusal passes here: one log line (never the token) and the JSON error.
  HttpResponse refuse(HttpRequest const& req, unsigned status, std::string_view reason, std::string const& token_name,
                      std::string_view message) const {
    ctx_.log.info("api.refused", {{"method", req.method},
                                  {"path", req.path()},
                                  {"status", status},
                                  {"reason", reason},
                                  {"token", token_name.empty() ? std::string("-") : token_name},
                                  {"detail", message}});
    return HttpResponse::error(status, message);
  }

  HttpResponse not_a_case(HttpRequest const& req, Caller const& caller) const {
    return refuse(req, 404, "unknown_case", caller.name, "no such case: a case id looks like GC20261124-0007");
  }

  HttpResponse no_such_case(HttpRequest const& req, Caller const& caller, std::string const& id) const {
    return refuse(req, 404, "unknown_case", caller.name, "no case " + id);
  }

  HttpResponse conflict(HttpRequest const& req, Caller const& caller, CaseStatus current, CaseStatus to) const {
    std::string const message = "a case that is " + std::string(to_string(current)) + " cannot become " +
                                std::string(to_string(to));
    auto res = refuse(req, 409, "transition_refused", caller.name, message);
    json next = json::array();
    for (auto s : kAllStatuses)
      if (can_transition(current, s)) next.push_back(std::string(to_string(s)));
    res.body = dump(json{{"error", message}, {"current", std::string(to_string(current))}, {"allowed", next}});
    return res;
  }

  HttpResponse storage_failed(HttpRequest const& req, boost::system::error_code ec) const {
    ctx_.log.error("api.storage_failed", {{"method", req.method}, {"path", req.path()}, {"error", ec.message()},
                                          {"action", "503 returned"}});
    return HttpResponse::error(503, "the archive is unavailable right now; try again shortly");
  }

  HttpResponse unavailable(HttpRequest const& req, std::string_view why) const {
    ctx_.log.error("api.unavailable", {{"method", req.method}, {"path", req.path()}, {"reason", why},
                                       {"action", "503 returned"}});
    return HttpResponse::error(503, "the archive is unavailable right now; try again shortly");
  }

  static HttpResponse csv_response(Report const& report) {
    HttpResponse r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = report_csv(report);
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"talentbot-report-" +
                                                      format_date(report.range.from) + "-to-" +
                                                      format_date(report.range.to) + ".csv\"");
    return r;
  }

  static std::optional<std::string> parse_change(std::string const& body, Caller const& caller, Change& out) {
    auto const j = json::parse(body, nullptr, false);
    if (!j.is_object())
      return std::string(R"(the body must be a JSON object: {"status": "...", "note": "...", "who": "..."})");
    for (auto const& [key, value] : j.items()) {
      if (key != "status" && key != "note" && key != "who")
        return "unknown field " + echo_input(key) + " (known: status, note, who)";
      if (!value.is_string()) return "'" + key + "' must be a string";
    }
    auto const status = parse_case_status(j.value("status", ""));
    if (!status) return std::string("status: expected one of submitted, accepted, in_progress, needs_materials, "
                                    "result_ready, closed, rejected");
    out.to = *status;
    // The history is kept forever: a full resident ID number typed into a note is masked first.
    out.note = redact_resident_ids(j.value("note", ""));
    if (out.note.size() > kMaxNote) return "note: at most " + std::to_string(kMaxNote) + " bytes";
    if (note_required(out.to) && out.note.find_first_not_of(" \t\r\n") == std::string::npos)
      return "note: required for " + std::string(to_string(out.to)) +
             " (the talent is told why, or which materials are missing, in one message)";
    out.who = j.value("who", caller.name);
    if (out.who.empty() || out.who.size() > kMaxWho ||
        std::any_of(out.who.begin(), out.who.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
      return "who: 1 to 64 characters, no control characters (the specialist's WeCom user id)";
    return std::nullopt;
  }

  void log_changed(Caller const& caller, std::string const& id, std::string const& previous, Change const& c) const {
    ctx_.log.info("api.case_status_changed", {{"case", id}, {"from", previous}, {"to", to_string(c.to)},
                                              {"who", mask_user(c.who)}, {"token", caller.name}});
  }

  ApiAuth auth_;
  CenterApiContext ctx_;
};

}  // namespace

void add_center_api_routes(Router& router, config::ApiConfig const& config, CenterApiContext context) {
  auto api = std::make_shared<CenterApi>(config, std::move(context));
  using Member = asio::awaitable<HttpResponse> (CenterApi::*)(HttpRequest&);
  auto add = [&](char const* method, char const* path, Member member) {
    if (!api->enabled()) member = &CenterApi::off;
    router.add(method, path, [api, member](HttpRequest& req) { return ((*api).*member)(req); });
  };
  add("GET", "/api/v1/cases", &CenterApi::list);
  add("GET", "/api/v1/cases/{id}", &CenterApi::detail);
  add("POST", "/api/v1/cases/{id}/status", &CenterApi::change_status);
  add("GET", "/api/v1/reports/departments", &CenterApi::report);
}

}  // namespace talentbot::bot
