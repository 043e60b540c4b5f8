// Per-department windows: overrides applied, defaults kept where an entry is silent, and every
// mistake in the file named with its line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bot/appointment_windows.hpp"
#include "tests/support/redis_server.hpp"

namespace talentbot::bot {
namespace {

std::vector<std::string> const kDepartments = {"public_security", "hrss", "talent_center"};

struct WindowsFile {
  std::string dir = test::make_temp_dir();
  std::string path = dir + "/windows.yaml";
  explicit WindowsFile(std::string const& text) { std::ofstream(path) << text; }
  ~WindowsFile() { std::filesystem::remove_all(dir); }
};

std::string load_error(std::string const& text) {
  WindowsFile f(text);
  try {
    load_department_windows(f.path, {}, kDepartments);
  } catch (WindowsError const& e) {
    return std::string(e.what()).substr(f.path.size());
  }
  return "";
}

TEST(DepartmentWindows, OverrideHoursAndCapacityAndKeepTheRest) {
  WindowsFile f(
      "public_security:\n  hours: \"08:30-12:00\"\n  capacity: 3\n"
      "hrss:\n  capacity: 1\n");
  auto const windows = load_department_windows(f.path, {}, kDepartments);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(config::format_window_hours(windows.at("public_security").hours), "08:30-12:00");
  EXPECT_EQ(windows.at("public_security").capacity, 3);
  EXPECT_EQ(config::format_window_hours(windows.at("hrss").hours), "09:00-12:00,13:30-17:30");
  EXPECT_EQ(windows.at("hrss").capacity, 1);
}

TEST(DepartmentWindows, ReachThePlannerThroughTheConfig) {
  WindowsFile f("public_security:\n  hours: \"08:30-10:00\"\n  capacity: 4\n");
  config::AppointmentsConfig c;
  c.windows_file = f.path;
  auto const planner = make_appointment_planner(c, std::make_shared<WorkingCalendar const>(), kDepartments);
  auto const day = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::November, std::chrono::day{26}};
  EXPECT_EQ(planner.slots_on("public_security", day).size(), 3u);
  EXPECT_EQ(planner.capacity("public_security"), 4);
  EXPECT_EQ(planner.slots_on("talent_center", day).size(), 14u);
  EXPECT_EQ(planner.capacity("talent_center"), 2);
}

TEST(DepartmentWindows, MistakesAreNamedWithTheirLine) {
  EXPECT_EQ(load_error("hrss:\n  capacity: 1\npolice:\n  capacity: 2\n"), ":3: unknown department 'police'");
  EXPECT_EQ(load_error("hrss:\n  hours: \"9-12\"\n"),
            ":2: hrss.hours: expected opening hours like 09:00-12:00,13:30-17:30, got '9-12'");
  EXPECT_EQ(load_error("hrss:\n  capacity: 0\n"), ":2: hrss.capacity: must be between 1 and 100");
  EXPECT_EQ(load_error("hrss:\n  clerks: 2\n"), ":2: unknown key 'hrss.clerks' (expected hours or capacity)");
  EXPECT_EQ(load_error("hrss:\n  hours: \"09:00-09:15\"\n"),
            ":2: hrss: appointments.hours: 09:00-09:15 is shorter than one slot (30m)");
  EXPECT_EQ(load_error("- hrss\n"), ":1: expected a map of department id to hours and capacity");
  EXPECT_NE(load_error("hrss: [\n").find("YAML syntax error"), std::string::npos);
  EXPECT_EQ(load_error(""), "");
}

TEST(DepartmentWindows, ExampleFileLoads) {
  auto const windows = load_department_windows(TALENTBOT_SOURCE_DIR "/deploy/appointment_windows.example.yaml", {},
                                               {"public_security", "talent_office"});
  EXPECT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows.at("public_security").capacity, 3);
}

TEST(DepartmentWindows, AMissingFileIsAnError) {
  EXPECT_THROW(load_department_windows("/nonexistent/windows.yaml", {}, kDepartments), WindowsError);
}

}  // namespace
}  // namespace talentbot::bot
