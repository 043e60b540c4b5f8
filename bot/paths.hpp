#pragma once
// Where the data files named in config are: relative paths are read from the working directory,
// else from the source tree the binary was built from, so the server and its tools started from
// anywhere in a checkout find the knowledge base, the training data and the holiday calendar.
#include <string>

namespace talentbot::bot {

std::string locate_data(std::string const& path);

}  // namespace talentbot::bot
