#include <nlohmann/json.hpp>

#include <algorithm>

#include "bot/http.hpp"
#include "bot/metrics.hpp"

namespace talentbot::bot {

HttpResponse HttpResponse::text(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::error(unsigned status, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  // The message may echo client bytes (a bad filter value): invalid UTF-8 must not turn a 400 into
  // a 500, so it is replaced rather than thrown on.
  r.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

namespace {

// A `{name}` segment of a pattern matches one non-empty segment of the path; everything else must
// be equal. Handlers read their parameters from the path themselves (path_segment).
bool path_matches(std::string_view pattern, std::string_view path) {
  if (pattern.find('{') == std::string_view::npos) return pattern == path;
  while (!pattern.empty() && !path.empty()) {
    auto const p_end = std::min(pattern.find('/', 1), pattern.size());
    auto const s_end = std::min(path.find('/', 1), path.size());
    auto const want = pattern.substr(0, p_end);
    auto const got = path.substr(0, s_end);
    bool const param = want.size() > 3 && want.substr(0, 2) == "/{" && want.back() == '}';
    if (param ? got.size() < 2 : want != got) return false;
    pattern.remove_prefix(p_end);
    path.remove_prefix(s_end);
  }
  return pattern.empty() && path.empty();
}

}  // namespace

std::string_view path_segment(std::string_view path, std::size_t index) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (std::size_t i = 0; i < index; ++i) {
    auto const slash = path.find('/');
    if (slash == std::string_view::npos) return {};
    path.remove_prefix(slash + 1);
  }
  return path.substr(0, path.find('/'));
}

Router::Router(Metrics& metrics) : metrics_(metrics), unmatched_id_(metrics.register_route("unmatched")) {}

void Router::add(std::string method, std::string path, Handler handler) {
  auto it = std::find_if(routes_.begin(), routes_.end(), [&](Route const& r) { return r.path == path; });
  if (it == routes_.end()) {
    // The metrics label is the route pattern, never the raw target, so label values stay bounded.
    routes_.push_back(Route{path, {}, metrics_.register_route(path)});
    it = std::prev(routes_.end());
  }
  it->methods.emplace_back(std::move(method), std::move(handler));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  for (auto const& route : routes_) {
    if (!path_matches(route.path, path)) continue;
    m.route_id = route.route_id;
    for (auto const& [verb, handler] : route.methods) {
      if (verb == method || (method == "HEAD" && verb == "GET")) {
        m.handler = &handler;
        return m;
      }
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += verb;
    }
    m.status = 405;
    return m;
  }
  m.route_id = unmatched_id_;
  m.status = 404;
  return m;
}

}  // namespace talentbot::bot
