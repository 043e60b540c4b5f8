#include "bot/understanding.hpp"

#include <chrono>

#include "bot/paths.hpp"
#include "intents/nlu.hpp"

namespace talentbot::bot {

Understanding::Understanding(config::NluConfig config, Logger& log) : config_(std::move(config)), log_(log) {
  config_.knowledge_dir = locate_data(config_.knowledge_dir);
  config_.training_file = locate_data(config_.training_file);
}

bool Understanding::load() {
  auto const started = std::chrono::steady_clock::now();
  try {
    auto fresh = intents::Nlu::load(config_.knowledge_dir, config_.training_file);
    auto const ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    {
      std::lock_guard lock(mutex_);
      nlu_ = std::move(fresh);
    }
    log_.info("nlu.loaded", {{"knowledge_dir", config_.knowledge_dir}, {"training_file", config_.training_file},
                             {"load_ms", ms}});
    return true;
  } catch (std::exception const& e) {
    log_.error("nlu.load_failed", {{"error", e.what()}, {"action", ready() ? "keeping the previous model" : "not ready"}});
    return false;
  }
}

std::shared_ptr<intents::Nlu const> Understanding::current() const {
  std::lock_guard lock(mutex_);
  return nlu_;
}

}  // namespace talentbot::bot
