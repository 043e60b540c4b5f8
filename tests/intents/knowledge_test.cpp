#include "intents/knowledge.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace talentbot::intents {
namespace {

namespace fs = std::filesystem;

const fs::path kKnowledge = fs::path(TALENTBOT_SOURCE_DIR) / "intents" / "knowledge";

// A private copy of the real knowledge base that a test may break.
class BrokenKnowledge : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("talentbot-kb-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::copy(kKnowledge, dir_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string read(const fs::path& relative) const {
    std::ifstream in(dir_ / relative);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const fs::path& relative, const std::string& text) const { std::ofstream(dir_ / relative) << text; }
  void replace(const fs::path& relative, const std::string& from, const std::string& to) const {
    std::string text = read(relative);
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    write(relative, text.replace(at, from.size(), to));
  }
  // The line (1-based) of the first occurrence of `needle` in a file.
  int line_of(const fs::path& relative, const std::string& needle) const {
    const std::string text = read(relative);
    const auto at = text.find(needle);
    return at == std::string::npos ? -1 : 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  }
  std::string load_error() const {
    try {
      Knowledge::load(dir_);
    } catch (const KnowledgeError& e) {
      return e.what();
    }
    return "loaded without error";
  }

  fs::path dir_;
};

TEST(Knowledge, LoadsEveryServiceOfArticle4InBothLanguages) {
  const auto k = Knowledge::load(kKnowledge);
  ASSERT_EQ(k->services().size(), kServiceIds.size());
  for (std::size_t i = 0; i < kServiceIds.size(); ++i) {
    const Service& s = k->services()[i];
    EXPECT_EQ(s.id, kServiceIds[i]);
    EXPECT_FALSE(s.name.zh.empty() || s.name.en.empty()) << s.id;
    EXPECT_FALSE(s.materials.items.empty()) << s.id;
    EXPECT_GT(s.time_limit.working_days, 0) << s.id;
    EXPECT_NE(k->department(s.department), nullptr) << s.id;
  }
}

TEST(Knowledge, ResolvesDepartmentsToTheirServices) {
  const auto k = Knowledge::load(kKnowledge);
  const Department* police = k->department("public_security");
  ASSERT_NE(police, nullptr);
  EXPECT_EQ(police->service_ids, (std::vector<std::string>{"household_registration", "entry_exit_visa"}));
  EXPECT_EQ(k->service("medical_care")->department, "health");
  EXPECT_EQ(k->service("no_such_service"), nullptr);
}

TEST(Knowledge, KeepsCenterPlaceholdersForTheBotToRender) {
  const auto k = Knowledge::load(kKnowledge);
  EXPECT_NE(k->process().channels.zh.find("{center.address}"), std::string::npos);
  EXPECT_EQ(k->process().steps.size(), 4u);
}

TEST(Knowledge, LoadReturnsAFreshObjectForReload) {
  const auto a = Knowledge::load(kKnowledge);
  const auto b = Knowledge::load(kKnowledge);
  EXPECT_NE(a.get(), b.get());
  EXPECT_EQ(a->services().size(), b->services().size());
}

TEST_F(BrokenKnowledge, UnknownKeyIsNamedWithFileAndLine) {
  replace("services/housing.yaml", "in_person:", "in_persn:");
  const std::string error = load_error();
  const int line = line_of("services/housing.yaml", "in_persn:");
  EXPECT_NE(error.find("housing.yaml:" + std::to_string(line) + ":"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key 'in_persn'"), std::string::npos) << error;
}

TEST_F(BrokenKnowledge, MissingServiceIsNamed) {
  fs::remove(dir_ / "services" / "tax_registration.yaml");
  const std::string error = load_error();
  EXPECT_NE(error.find("services"), std::string::npos) << error;
  EXPECT_NE(error.find("missing service tax_registration"), std::string::npos) << error;
}

TEST_F(BrokenKnowledge, UnknownDepartmentIsNamedWithFileAndLine) {
  replace("services/medical_care.yaml", "department: health", "department: health_bureau");
  const std::string error = load_error();
  const int line = line_of("services/medical_care.yaml", "department: health_bureau");
  EXPECT_NE(error.find("medical_care.yaml:" + std::to_string(line) + ":"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown department 'health_bureau'"), std::string::npos) << error;
}

TEST_F(BrokenKnowledge, MissingFieldIsNamedWithFile) {
  replace("services/green_card.yaml", "in_person:", "# in_person:");
  const std::string error = load_error();
  EXPECT_NE(error.find("green_card.yaml:"), std::string::npos) << error;
  EXPECT_NE(error.find("lacks required key 'in_person'"), std::string::npos) << error;
}

TEST_F(BrokenKnowledge, WrongTypeIsNamedWithFileAndLine) {
  replace("services/housing.yaml", "working_days: ", "working_days: soon #");
  const std::string error = load_error();
  const int line = line_of("services/housing.yaml", "working_days: soon");
  EXPECT_NE(error.find("housing.yaml:" + std::to_string(line) + ":"), std::string::npos) << error;
  EXPECT_NE(error.find("working_days must be a whole number"), std::string::npos) << error;
}

TEST_F(BrokenKnowledge, SyntaxErrorIsNamedWithFileAndLine) {
  write("departments.yaml", read("departments.yaml") + "  - id: [unclosed\n");
  const std::string error = load_error();
  EXPECT_NE(error.find("departments.yaml:"), std::string::npos) << error;
}

TEST_F(BrokenKnowledge, ServiceIdMustMatchItsFileName) {
  fs::rename(dir_ / "services" / "housing.yaml", dir_ / "services" / "housing_support.yaml");
  const std::string error = load_error();
  EXPECT_NE(error.find("housing_support.yaml:"), std::string::npos) << error;
  EXPECT_NE(error.find("does not match the file name"), std::string::npos) << error;
}

TEST_F(BrokenKnowledge, AliasSharedByTwoServicesIsRejected) {
  replace("services/housing.yaml", "zh: [", "zh: [社保, ");
  const std::string error = load_error();
  // Files load in name order, so the second owner (social_insurance.yaml) is the one reported.
  EXPECT_NE(error.find("social_insurance.yaml:"), std::string::npos) << error;
  EXPECT_NE(error.find("alias '社保' is already used by service 'housing'"), std::string::npos) << error;
}

}  // namespace
}  // namespace talentbot::intents
