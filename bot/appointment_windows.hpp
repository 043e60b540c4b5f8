// Departments whose windows differ from the configured default (appointments.windows_file): the
// entry-exit hall that opens at 8:30, a bureau with one clerk. A YAML map the center edits:
//
//   public_security:               # a department id of intents/knowledge/departments.yaml
//     hours: "09:00-12:00,14:30-17:00"
//     capacity: 3
//
// Either key may be left out (the default applies). Read once at start; a mistake stops the
// server with the file, line and reason, like the config itself.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bot/appointments.hpp"

namespace talentbot::bot {

// what() reads "path:line: message".
class WindowsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `departments`: the known department ids; an entry for any other is an error (a typo would
// otherwise silently leave that department on the default hours). Empty: not checked.
std::map<std::string, WindowRules, std::less<>> load_department_windows(std::filesystem::path const& file,
                                                                        config::AppointmentsConfig const& defaults,
                                                                        std::vector<std::string> const& departments);

// The planner the server uses: the configured rules, plus the windows file when one is set.
AppointmentPlanner make_appointment_planner(config::AppointmentsConfig const& config,
                                            std::shared_ptr<WorkingCalendar const> calendar,
                                            std::vector<std::string> const& departments);

}  // namespace talentbot::bot
