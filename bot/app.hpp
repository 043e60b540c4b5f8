#pragma once
// Wires the server from a validated Config and runs it until SIGINT/SIGTERM.
#include "bot/config.hpp"

namespace talentbot::bot {

// Returns the process exit code: 0 after a graceful stop, non-zero when start-up failed.
int run_server(config::Config const& config, Logger& log);

}  // namespace talentbot::bot
