#pragma once
// The loaded knowledge base and intent model, shared by every worker and swapped whole on
// SIGHUP: a reload builds a new model beside the old one, so requests never see half of one,
// and a broken knowledge base keeps the old one running (and says why).
#include <memory>
#include <mutex>
#include <string>

#include "bot/config.hpp"

namespace talentbot::intents {
class Nlu;
}

namespace talentbot::bot {

class Understanding {
 public:
  Understanding(config::NluConfig config, Logger& log);

  // Loads (or reloads) from the configured files. Returns false, logging the file and line at
  // fault, when they cannot be loaded; the previous model, if any, stays in use.
  bool load();
  std::shared_ptr<intents::Nlu const> current() const;
  bool ready() const { return current() != nullptr; }

 private:
  config::NluConfig config_;
  Logger& log_;
  mutable std::mutex mutex_;
  std::shared_ptr<intents::Nlu const> nlu_;
};

}  // namespace talentbot::bot
