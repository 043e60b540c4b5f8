#include <nlohmann/json.hpp>

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
  r.body = nlohmann::json{{"error", message}}.dump();
  return r;
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
    if (route.path != path) continue;
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
