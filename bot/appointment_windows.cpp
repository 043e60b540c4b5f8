#include "bot/appointment_windows.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "bot/config_values.hpp"

namespace talentbot::bot {
namespace {

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(YAML::Mark const& mark, std::string const& message) const {
    std::string where = name_;
    if (!mark.is_null()) where += ':' + std::to_string(mark.line + 1);
    throw WindowsError(where + ": " + message);
  }
  [[noreturn]] void fail(YAML::Node const& node, std::string const& message) const { fail(node.Mark(), message); }

  std::string scalar(YAML::Node const& node, std::string const& what) const {
    if (!node.IsScalar()) fail(node, what + ": expected a single value");
    return node.Scalar();
  }

 private:
  std::string name_;
};

WindowRules read_window(Reader const& r, std::string const& department, YAML::Node const& entry,
                        config::AppointmentsConfig const& defaults) {
  WindowRules w{defaults.hours, defaults.capacity};
  if (!entry.IsMap()) r.fail(entry, department + ": expected hours and/or capacity");
  for (auto const& kv : entry) {
    auto const key = kv.first.as<std::string>();
    auto const what = department + "." + key;
    if (key == "hours") {
      if (auto e = config::parse_window_hours(r.scalar(kv.second, what), w.hours)) r.fail(kv.second, what + ": " + *e);
    } else if (key == "capacity") {
      if (auto e = config::detail::parse_int(r.scalar(kv.second, what), w.capacity, 1, 100))
        r.fail(kv.second, what + ": " + *e);
    } else {
      r.fail(kv.first, "unknown key '" + what + "' (expected hours or capacity)");
    }
  }
  config::AppointmentsConfig check = defaults;
  check.hours = w.hours;
  if (auto e = config::detail::check_appointments(check)) r.fail(entry, department + ": " + *e);
  return w;
}

}  // namespace

std::map<std::string, WindowRules, std::less<>> load_department_windows(std::filesystem::path const& file,
                                                                        config::AppointmentsConfig const& defaults,
                                                                        std::vector<std::string> const& departments) {
  Reader const r(file.string());
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (YAML::BadFile const&) {
    throw WindowsError(file.string() + ": cannot read the file");
  } catch (YAML::Exception const& e) {
    r.fail(e.mark, "YAML syntax error: " + e.msg);
  }
  std::map<std::string, WindowRules, std::less<>> windows;
  if (!root || root.IsNull()) return windows;
  if (!root.IsMap()) r.fail(root, "expected a map of department id to hours and capacity");
  for (auto const& kv : root) {
    auto const department = kv.first.as<std::string>();
    if (!departments.empty() && std::find(departments.begin(), departments.end(), department) == departments.end())
      r.fail(kv.first, "unknown department '" + department + "'");
    windows[department] = read_window(r, department, kv.second, defaults);
  }
  return windows;
}

AppointmentPlanner make_appointment_planner(config::AppointmentsConfig const& config,
                                            std::shared_ptr<WorkingCalendar const> calendar,
                                            std::vector<std::string> const& departments) {
  std::map<std::string, WindowRules, std::less<>> windows;
  if (!config.windows_file.empty()) windows = load_department_windows(config.windows_file, config, departments);
  return AppointmentPlanner(config, std::move(calendar), std::move(windows));
}

}  // namespace talentbot::bot
