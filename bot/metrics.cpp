#include "bot/metrics.hpp"

#include <cstdio>
#include <stdexcept>

namespace talentbot::bot {

std::size_t Metrics::register_route(std::string name) {
  auto const id = route_count_.load();
  if (id >= kMaxRoutes) throw std::logic_error("too many routes for metrics");
  routes_[id].name = std::move(name);
  route_count_.store(id + 1);
  return id;
}

std::size_t Metrics::status_slot(unsigned status) {
  for (std::size_t i = 0; i + 1 < kStatuses.size(); ++i)
    if (kStatuses[i] == status) return i;
  return kStatuses.size() - 1;
}

void Metrics::observe(std::size_t route, unsigned status, std::chrono::nanoseconds latency) {
  if (route >= route_count_.load(std::memory_order_relaxed)) return;
  auto& r = routes_[route];
  constexpr auto relaxed = std::memory_order_relaxed;
  r.by_status[status_slot(status)].fetch_add(1, relaxed);
  double const seconds = std::chrono::duration<double>(latency).count();
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  r.buckets[b].fetch_add(1, relaxed);
  r.sum_ns.fetch_add(static_cast<std::uint64_t>(latency.count()), relaxed);
  r.count.fetch_add(1, relaxed);
}

void Metrics::add_provider(Provider provider) {
  std::lock_guard lock(providers_mutex_);
  providers_.push_back(std::move(provider));
}

void append_sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(buf).append("\n");
}

void append_sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(value)).append("\n");
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(8192);
  auto const n = route_count_.load();
  out += "# HELP talentbot_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE talentbot_http_requests_total counter\n";
  for (std::size_t i = 0; i < n; ++i) {
    auto const& r = routes_[i];
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      auto const v = r.by_status[s].load(std::memory_order_relaxed);
      if (v == 0) continue;
      std::string labels = "route=\"" + r.name + "\",status=\"" +
                           (kStatuses[s] == 0 ? std::string("other") : std::to_string(kStatuses[s])) + "\"";
      append_sample(out, "talentbot_http_requests_total", labels, v);
    }
  }
  out += "# HELP talentbot_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE talentbot_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < n; ++i) {
    auto const& r = routes_[i];
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += r.buckets[b].load(std::memory_order_relaxed);
      char le[32];
      if (b < kBuckets.size()) std::snprintf(le, sizeof le, "%g", kBuckets[b]);
      else std::snprintf(le, sizeof le, "+Inf");
      append_sample(out, "talentbot_http_request_duration_seconds_bucket",
                    "route=\"" + r.name + "\",le=\"" + le + "\"", cumulative);
    }
    append_sample(out, "talentbot_http_request_duration_seconds_sum", "route=\"" + r.name + "\"",
                  static_cast<double>(r.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    append_sample(out, "talentbot_http_request_duration_seconds_count", "route=\"" + r.name + "\"",
                  r.count.load(std::memory_order_relaxed));
  }
  std::lock_guard lock(providers_mutex_);
  for (auto const& p : providers_) p(out);
  return out;
}

}  // namespace talentbot::bot
