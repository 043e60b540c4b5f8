// Redis client throughput: commands per second through storage::RedisClient, one command at a
// time (round-trip bound) and with many commands in flight (pipelined by the client).
//   talentbot_redis_bench URL [SECONDS] [IN_FLIGHT]
// Prints one line per mode: "mode=single ops=… ops_per_s=…".
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/log.hpp"
#include "storage/redis.hpp"

namespace asio = boost::asio;
using namespace talentbot;
using Clock = std::chrono::steady_clock;

namespace {

asio::awaitable<void> worker(storage::RedisClient& redis, Clock::time_point until, std::atomic<long>& ops,
                             std::string key) {
  auto const value = std::string(32, 'v');
  while (Clock::now() < until) {
    auto r = co_await redis.command(storage::args("SET", key, value));
    if (!r || r->is_error()) {
      std::fprintf(stderr, "command failed\n");
      std::exit(1);
    }
    ops.fetch_add(1, std::memory_order_relaxed);
  }
}

double run(std::string const& url, double seconds, int in_flight) {
  asio::io_context ioc(1);
  Logger log(LogLevel::warn);
  storage::RedisOptions options;
  options.endpoint = storage::RedisEndpoint::parse(url).value();
  storage::RedisClient redis(ioc.get_executor(), options, log);
  redis.start();
  while (!redis.connected()) ioc.run_for(std::chrono::milliseconds(5));
  std::atomic<long> ops{0};
  auto const start = Clock::now();
  auto const until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  int finished = 0;
  for (int i = 0; i < in_flight; ++i)
    asio::co_spawn(ioc, worker(redis, until, ops, "bench:key:" + std::to_string(i % 1000)),
                   [&](std::exception_ptr) { ++finished; });
  while (finished < in_flight) ioc.run_one();
  double const elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  redis.cancel();
  ioc.run_for(std::chrono::milliseconds(50));
  return static_cast<double>(ops.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: talentbot_redis_bench URL [SECONDS] [IN_FLIGHT]\n");
    return 2;
  }
  std::string const url = argv[1];
  double const seconds = argc > 2 ? std::atof(argv[2]) : 5.0;
  int const in_flight = argc > 3 ? std::atoi(argv[3]) : 256;
  std::printf("mode=single in_flight=1 ops_per_s=%.0f\n", run(url, seconds, 1));
  std::printf("mode=pipelined in_flight=%d ops_per_s=%.0f\n", in_flight, run(url, seconds, in_flight));
  return 0;
}
