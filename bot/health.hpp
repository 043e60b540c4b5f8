#pragma once
// /healthz, /readyz and /metrics.
namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::bot {

class Router;
class Metrics;

// /readyz answers 200 only while Redis answers a PING (and later: the knowledge base is loaded).
void add_health_routes(Router& router, storage::RedisClient& redis, Metrics& metrics);

// Publishes the Redis client's counters and build info on /metrics.
void add_process_metrics(Metrics& metrics, storage::RedisClient& redis);

}  // namespace talentbot::bot
