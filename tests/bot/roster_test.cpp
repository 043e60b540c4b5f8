// The roster: who is a specialist, of which department and role, and clear errors for bad files.
#include <gtest/gtest.h>

#include "bot/roster.hpp"

namespace talentbot::bot {
namespace {

std::vector<std::string> const kDepartments = {"public_security", "hrss", "talent_center"};

TEST(Roster, FindsSpecialistsByUserLeadsFirst) {
  auto r = Roster::parse(R"(
show_names: true
center:
  - {user: c1, name: 王敏}
departments:
  public_security:
    - {user: s1, role: service, name: 李娜}
    - {user: l1, role: lead, name: 张强}
)", "roster.yaml", kDepartments);
  EXPECT_TRUE(r.show_names());
  ASSERT_NE(r.find("l1"), nullptr);
  EXPECT_EQ(r.find("l1")->role, Specialist::Role::lead);
  EXPECT_EQ(r.find("l1")->department, "public_security");
  EXPECT_EQ(r.find("c1")->role, Specialist::Role::coordinator);
  EXPECT_EQ(r.find("talent1"), nullptr);
  auto ps = r.of_department("public_security");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0]->user, "l1");
  EXPECT_EQ(r.leads("public_security").size(), 1u);
  EXPECT_TRUE(r.of_department("hrss").empty());
  EXPECT_EQ(r.coordinators().size(), 1u);
  EXPECT_EQ(role_label(Specialist::Role::lead, intents::Language::zh), "助创专员");
}

TEST(Roster, ErrorsNameTheLine) {
  auto error_of = [](std::string const& yaml) {
    try {
      Roster::parse(yaml, "roster.yaml", kDepartments);
    } catch (RosterError const& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("departments:\n  police:\n    - {user: a, role: lead}\n"),
            "roster.yaml:2: unknown department 'police' (see intents/knowledge/departments.yaml)");
  EXPECT_NE(error_of("departments:\n  hrss:\n    - {user: a, role: boss}\n").find("roster.yaml:3: role must be lead"),
            std::string::npos);
  EXPECT_NE(error_of("center:\n  - {user: a}\n  - {user: a}\n").find("listed twice"), std::string::npos);
  EXPECT_NE(error_of("staff: []\n").find("unknown key 'staff'"), std::string::npos);
  EXPECT_NE(error_of("center: [\n").find("YAML syntax error"), std::string::npos);
}

TEST(Roster, TheShippedRosterLoads) {
  std::vector<std::string> all = {"talent_office", "hrss", "talent_center", "staffing_office", "finance", "science_tech",
                                  "public_security", "health", "education", "housing_center", "market_regulation", "tax"};
  auto r = Roster::load(TALENTBOT_SOURCE_DIR "/deploy/roster.yaml", all);
  EXPECT_GT(r.size(), 5u);
  EXPECT_FALSE(r.coordinators().empty());
}

}  // namespace
}  // namespace talentbot::bot
