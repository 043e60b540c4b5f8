#pragma once
// Process metrics in the Prometheus text format. Counters are lock-free atomics indexed by a
// fixed route id and status slot, so the request path never allocates or locks for metrics;
// families whose labels are open-ended (callers' extra gauges) are rendered by providers.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace talentbot::bot {

class Metrics {
 public:
  static constexpr std::size_t kMaxRoutes = 32;
  // Latency buckets in seconds (upper bounds), the usual Prometheus HTTP set shifted lower:
  // most of our answers take well under a millisecond.
  static constexpr std::array<double, 12> kBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                   0.01,   0.025,   0.05,   0.1,   0.5,    1.0};

  // Routes are registered at start-up (before traffic); returns the id used by observe().
  std::size_t register_route(std::string name);
  void observe(std::size_t route, unsigned status, std::chrono::nanoseconds latency);

  // Extra text appended to /metrics (e.g. Redis client counters), called at scrape time.
  using Provider = std::function<void(std::string& out)>;
  void add_provider(Provider provider);

  std::string render() const;

 private:
  static constexpr std::array<unsigned, 13> kStatuses{200, 204, 400, 401, 403, 404, 405, 408, 413, 429, 500, 503, 0};
  static std::size_t status_slot(unsigned status);

  struct Route {
    std::string name;
    std::array<std::atomic<std::uint64_t>, kStatuses.size()> by_status{};
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // last = +Inf
    std::atomic<std::uint64_t> sum_ns{0};
    std::atomic<std::uint64_t> count{0};
  };
  std::array<Route, kMaxRoutes> routes_;
  std::atomic<std::size_t> route_count_{0};
  mutable std::mutex providers_mutex_;
  std::vector<Provider> providers_;
};

// Writes one sample line: `name{labels} value`.
void append_sample(std::string& out, std::string_view name, std::string_view labels, double value);
void append_sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value);

}  // namespace talentbot::bot
