#include "bot/paths.hpp"

#include <filesystem>

namespace talentbot::bot {

std::string locate_data(std::string const& path) {
  std::filesystem::path const p(path);
  if (p.is_absolute() || std::filesystem::exists(p)) return path;
  auto const in_tree = std::filesystem::path(TALENTBOT_SOURCE_DIR) / p;
  return std::filesystem::exists(in_tree) ? in_tree.string() : path;
}

}  // namespace talentbot::bot
