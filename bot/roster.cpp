#include "bot/roster.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace talentbot::bot {
namespace {

[[noreturn]] void fail(std::string const& name, YAML::Node const& node, std::string const& message) {
  throw RosterError(name + ":" + std::to_string(node.Mark().line + 1) + ": " + message);
}

std::string text(std::string const& name, YAML::Node const& map, char const* key, bool required) {
  auto const node = map[key];
  if (!node) {
    if (required) fail(name, map, std::string("missing '") + key + "'");
    return {};
  }
  if (!node.IsScalar() || node.Scalar().empty()) fail(name, node, std::string("'") + key + "' must be a non-empty string");
  return node.Scalar();
}

Specialist person(std::string const& name, YAML::Node const& node, std::string department) {
  if (!node.IsMap()) fail(name, node, "expected {user: ..., role: ..., name: ...}");
  for (auto const& kv : node) {
    auto const key = kv.first.Scalar();
    if (key != "user" && key != "role" && key != "name") fail(name, kv.first, "unknown key '" + key + "' (expected user, role, name)");
  }
  Specialist s;
  s.user = text(name, node, "user", true);
  s.name = text(name, node, "name", false);
  s.department = std::move(department);
  if (s.department.empty()) {
    s.role = Specialist::Role::coordinator;
    return s;
  }
  auto const role = text(name, node, "role", true);
  if (role == "lead") s.role = Specialist::Role::lead;
  else if (role == "service") s.role = Specialist::Role::service;
  else fail(name, node["role"], "role must be lead (助创专员) or service (服务专员), got '" + role + "'");
  return s;
}

}  // namespace

Roster Roster::load(std::filesystem::path const& path, std::vector<std::string> const& departments) {
  std::ifstream in(path);
  if (!in) throw RosterError(path.string() + ":1: cannot read the roster file");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string(), departments);
}

Roster Roster::parse(std::string_view yaml, std::string const& name, std::vector<std::string> const& departments) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (YAML::Exception const& e) {
    throw RosterError(name + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  Roster r;
  if (!root || root.IsNull()) return r;
  if (!root.IsMap()) fail(name, root, "the roster must be a map with center and departments");
  for (auto const& kv : root) {
    auto const key = kv.first.Scalar();
    if (key == "show_names") {
      if (!kv.second.IsScalar() || (kv.second.Scalar() != "true" && kv.second.Scalar() != "false"))
        fail(name, kv.second, "show_names must be true or false");
      r.show_names_ = kv.second.Scalar() == "true";
    } else if (key == "center") {
      if (!kv.second.IsSequence()) fail(name, kv.second, "center must be a list of {user, name}");
      for (auto const& p : kv.second) r.people_.push_back(person(name, p, ""));
    } else if (key == "departments") {
      if (!kv.second.IsMap()) fail(name, kv.second, "departments must map department ids to lists of specialists");
      for (auto const& d : kv.second) {
        auto const id = d.first.Scalar();
        if (std::find(departments.begin(), departments.end(), id) == departments.end())
          fail(name, d.first, "unknown department '" + id + "' (see intents/knowledge/departments.yaml)");
        if (!d.second.IsSequence()) fail(name, d.second, "department '" + id + "' must list its specialists");
        for (auto const& p : d.second) r.people_.push_back(person(name, p, id));
      }
    } else {
      fail(name, kv.first, "unknown key '" + key + "' (expected show_names, center, departments)");
    }
  }
  std::set<std::string> seen;
  for (auto const& p : r.people_)
    if (!seen.insert(p.user).second) throw RosterError(name + ": user '" + p.user + "' is listed twice");
  return r;
}

Specialist const* Roster::find(std::string_view user) const {
  for (auto const& p : people_)
    if (p.user == user) return &p;
  return nullptr;
}

std::vector<Specialist const*> Roster::of_department(std::string_view department) const {
  std::vector<Specialist const*> out;
  for (auto const& p : people_)
    if (p.department == department && p.role == Specialist::Role::lead) out.push_back(&p);
  for (auto const& p : people_)
    if (p.department == department && p.role == Specialist::Role::service) out.push_back(&p);
  return out;
}

std::vector<Specialist const*> Roster::leads(std::string_view department) const {
  std::vector<Specialist const*> out;
  for (auto const& p : people_)
    if (p.department == department && p.role == Specialist::Role::lead) out.push_back(&p);
  return out;
}

std::vector<Specialist const*> Roster::coordinators() const {
  std::vector<Specialist const*> out;
  for (auto const& p : people_)
    if (p.role == Specialist::Role::coordinator) out.push_back(&p);
  return out;
}

std::string role_label(Specialist::Role role, intents::Language lang) {
  bool const en = lang == intents::Language::en;
  switch (role) {
    case Specialist::Role::lead: return en ? "lead specialist" : "助创专员";
    case Specialist::Role::service: return en ? "service specialist" : "服务专员";
    case Specialist::Role::coordinator: return en ? "center coordinator" : "中心协调员";
  }
  return {};
}

}  // namespace talentbot::bot
