#pragma once
// What the pipeline does with each stored WeCom message: load the conversation's session, read
// the message with the NLU, let the dialogue decide, and commit the replies with the new session.
#include "bot/config.hpp"
#include "bot/pipeline.hpp"

namespace talentbot::storage {
class RedisClient;
}

namespace talentbot::bot {

class Understanding;

// `config` and `understanding` must outlive the responder.
Responder dialogue_responder(config::Config const& config, Understanding const& understanding,
                             storage::RedisClient& redis, Logger& log);

}  // namespace talentbot::bot
