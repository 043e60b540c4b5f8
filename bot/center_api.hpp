#pragma once
// The center's HTTP API (/api/v1/, bearer tokens from `api.tokens`): the unified archive's case
// list and detail, status changes with a note (集中反馈: the change reaches the talent through
// the case events storage emits), and the half-yearly department report (article 11) as JSON or
// CSV. Refusals are JSON errors with the right status, each logged once without the token.
#include <cstdint>
#include <functional>
#include <memory>

#include "bot/config.hpp"

namespace talentbot::intents {
class Knowledge;
}
namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::bot {

class Router;
class WorkingCalendar;

// The knowledge base in use now (it is swapped on SIGHUP); null while none is loaded.
using KnowledgeSource = std::function<std::shared_ptr<intents::Knowledge const>()>;
// Unix seconds; tests pass a fixed clock.
using UnixClock = std::function<std::int64_t()>;

struct CenterApiContext {
  storage::RedisClient& redis;
  KnowledgeSource knowledge;
  std::shared_ptr<WorkingCalendar const> calendar;
  Logger& log;
  UnixClock now;  // empty: the system clock
};

// Adds the /api/v1/ routes. Without tokens they all answer 404 with a JSON error saying the API
// is off: a permanent, configured state, which 503 (temporarily unavailable, "retry") would
// misstate to clients and monitors alike.
void add_center_api_routes(Router& router, config::ApiConfig const& config, CenterApiContext context);

}  // namespace talentbot::bot
