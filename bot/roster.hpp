#pragma once
// Who works the green channel (专员办理, article 9): each department's specialists — 助创专员, the
// lead who is accountable, and 服务专员, the service specialists — and the center's coordinators,
// by WeCom user id. A message from anyone on the roster is a specialist's, never a talent's.
//
// Kept as data (roster.file, YAML) because departments change people, not code:
//   show_names: false            # tell talents the specialist's name, or only department and role
//   center:
//     - {user: center01, name: 王敏}
//   departments:
//     public_security:
//       - {user: ps_lead01, role: lead, name: 张强}
//       - {user: ps_svc01, role: service, name: 李娜}
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "intents/nlu.hpp"

namespace talentbot::bot {

// Thrown by Roster::load / parse; what() reads "path:line: message".
class RosterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Specialist {
  enum class Role { lead, service, coordinator };
  std::string user;        // WeCom user id
  std::string name;
  std::string department;  // a department id of the knowledge base; empty for the center
  Role role = Role::service;
};

class Roster {
 public:
  Roster() = default;  // nobody: every message is a talent's

  // `departments`: the knowledge base's department ids; an unknown one is an error.
  static Roster load(std::filesystem::path const& path, std::vector<std::string> const& departments);
  static Roster parse(std::string_view yaml, std::string const& name, std::vector<std::string> const& departments);

  Specialist const* find(std::string_view user) const;
  // A department's specialists, leads first; empty if it has none.
  std::vector<Specialist const*> of_department(std::string_view department) const;
  std::vector<Specialist const*> leads(std::string_view department) const;
  std::vector<Specialist const*> coordinators() const;
  bool show_names() const { return show_names_; }
  std::size_t size() const { return people_.size(); }

 private:
  std::vector<Specialist> people_;
  bool show_names_ = false;
};

// 助创专员 / lead specialist, 服务专员 / service specialist, 中心协调员 / center coordinator.
std::string role_label(Specialist::Role role, intents::Language lang);

}  // namespace talentbot::bot
