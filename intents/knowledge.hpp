// The green-channel knowledge base (intents/knowledge/*.yaml): the services of article 4 of
// 平人才〔2018〕3号, the responsible departments, and the process of article 9.
//
// Loaded once at start and again on SIGHUP: `Knowledge::load` builds a new immutable object and the
// caller swaps a `std::shared_ptr<const Knowledge>`, so requests in flight keep the old one.
// Validation is strict because the center edits these files by hand: unknown keys, missing fields,
// unknown departments and missing services are errors naming the file and line.
//
// Text may contain {center.address}, {center.phone}, {center.hours}, {center.website}; they are
// kept verbatim here and filled from config when the bot renders a reply.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace talentbot::intents {

// The service ids of DESIGN.md, in the order of article 4.
inline constexpr std::array<std::string_view, 19> kServiceIds = {
    "talent_recognition",  "green_card",          "social_insurance",    "archive_agency",
    "title_evaluation",    "foreign_expert_permit", "living_allowance",  "staffing_quota",
    "literature_search",   "patent_application",  "household_registration", "entry_exit_visa",
    "medical_care",        "child_education",     "degree_verification", "housing",
    "business_registration", "trademark_registration", "tax_registration"};

// Thrown by Knowledge::load; what() reads "path:line:column: message".
class KnowledgeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BilingualText {
  std::string zh;
  std::string en;
};

struct BilingualList {
  std::vector<std::string> zh;
  std::vector<std::string> en;
};

struct Department {
  std::string id;
  BilingualText name;
  BilingualText short_name;
  std::vector<std::string> aliases;  // old and informal names, Chinese and English mixed
  std::string policy_basis;
  std::vector<std::string> service_ids;  // services this department is responsible for
};

struct Service {
  std::string id;
  std::string department;  // a Department id
  std::string policy_basis;
  BilingualText name;
  BilingualList aliases;
  BilingualText summary;
  BilingualText eligibility;
  struct Materials {
    bool review = false;  // true: general guidance the center still has to confirm
    std::vector<BilingualText> items;
  } materials;
  struct Steps {
    BilingualList window;
    BilingualList online;
  } steps;
  bool in_person = false;
  // Optional `id_number: true`: an application needs the resident ID number up front (the case
  // keeps it masked); the others take the talent's name, phone and employer only.
  bool id_number = false;
  struct TimeLimit {
    int working_days = 0;
    bool review = false;
  } time_limit;
};

struct ProcessStep {
  std::string id;
  BilingualText title;
  BilingualText text;
  std::string policy_basis;
};

// 一窗接件、专人办理、集中反馈、统一建档 (article 9), the two channels (articles 6 and 8) and
// accountability (article 11).
struct Process {
  BilingualText summary;
  BilingualText channels;
  std::vector<ProcessStep> steps;
  BilingualText accountability;
};

class Knowledge {
 public:
  // Reads departments.yaml, process.yaml and services/<id>.yaml under `dir`.
  // Throws KnowledgeError naming the file and line of the first problem.
  static std::shared_ptr<const Knowledge> load(const std::filesystem::path& dir);

  const std::vector<Service>& services() const { return services_; }  // in kServiceIds order
  const std::vector<Department>& departments() const { return departments_; }
  const Process& process() const { return process_; }

  const Service* service(std::string_view id) const;
  const Department* department(std::string_view id) const;

 private:
  Knowledge() = default;

  std::vector<Service> services_;
  std::vector<Department> departments_;
  Process process_;
};

}  // namespace talentbot::intents
