#include "intents/knowledge.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>

namespace talentbot::intents {
namespace {

namespace fs = std::filesystem;
using Keys = std::initializer_list<std::string_view>;

std::string join(const auto& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// One YAML file and the helpers that read it strictly, reporting "file:line:column: message".
class Source {
 public:
  explicit Source(fs::path path) : path_(std::move(path)) {
    if (!fs::is_regular_file(path_)) throw KnowledgeError(path_.string() + ": file not found");
    try {
      root_ = YAML::LoadFile(path_.string());
    } catch (const YAML::Exception& e) {
      fail(e.mark, e.msg);
    }
  }

  const YAML::Node& root() const { return root_; }
  const fs::path& path() const { return path_; }

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    std::string where = path_.string();
    if (!mark.is_null()) {
      where += ':' + std::to_string(mark.line + 1) + ':' + std::to_string(mark.column + 1);
    }
    throw KnowledgeError(where + ": " + message);
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    fail(node.Mark(), message);
  }

  // `node` must be a map holding every required key, no unknown key and no key twice.
  void expect_map(const YAML::Node& node, std::string_view what, Keys required, Keys optional = {}) const {
    if (!node.IsMap()) fail(node, std::string(what) + " must be a mapping");
    std::set<std::string, std::less<>> seen;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      const auto known = [&](Keys keys) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
      if (!known(required) && !known(optional)) {
        std::vector<std::string_view> all(required);
        all.insert(all.end(), optional.begin(), optional.end());
        fail(entry.first, "unknown key '" + key + "' in " + std::string(what) + " (expected " + join(all) + ")");
      }
      if (!seen.insert(key).second) fail(entry.first, "duplicate key '" + key + "' in " + std::string(what));
    }
    for (const auto key : required) {
      if (!seen.contains(key)) fail(node, std::string(what) + " lacks required key '" + std::string(key) + "'");
    }
  }

  std::string scalar(const YAML::Node& node, std::string_view what) const {
    if (!node.IsScalar() || node.Scalar().find_first_not_of(" \t\n") == std::string::npos) {
      fail(node, std::string(what) + " must be a non-empty string");
    }
    return node.Scalar();
  }
  std::string text(const YAML::Node& map, const char* key) const { return scalar(map[key], key); }

  bool boolean(const YAML::Node& map, const char* key) const {
    const YAML::Node node = map[key];
    if (!node.IsScalar() || (node.Scalar() != "true" && node.Scalar() != "false")) {
      fail(node, std::string(key) + " must be true or false");
    }
    return node.Scalar() == "true";
  }

  int integer(const YAML::Node& map, const char* key, int low, int high) const {
    const YAML::Node node = map[key];
    int value = 0;
    if (!node.IsScalar() || !YAML::convert<int>::decode(node, value) || value < low || value > high) {
      fail(node, std::string(key) + " must be a whole number from " + std::to_string(low) + " to " +
                     std::to_string(high));
    }
    return value;
  }

  std::vector<std::string> strings(const YAML::Node& node, std::string_view what, bool allow_empty) const {
    if (!node.IsSequence()) fail(node, std::string(what) + " must be a list");
    if (!allow_empty && node.size() == 0) fail(node, std::string(what) + " must not be empty");
    std::vector<std::string> out;
    for (const auto& item : node) out.push_back(scalar(item, std::string(what) + " item"));
    return out;
  }

  BilingualText bilingual(const YAML::Node& node, std::string_view what) const {
    expect_map(node, what, {"zh", "en"});
    return {scalar(node["zh"], std::string(what) + ".zh"), scalar(node["en"], std::string(what) + ".en")};
  }

  BilingualList bilingual_list(const YAML::Node& node, std::string_view what, bool allow_empty) const {
    expect_map(node, what, {"zh", "en"});
    return {strings(node["zh"], std::string(what) + ".zh", allow_empty),
            strings(node["en"], std::string(what) + ".en", allow_empty)};
  }

 private:
  fs::path path_;
  YAML::Node root_;
};

std::vector<Department> load_departments(const fs::path& file) {
  const Source src(file);
  src.expect_map(src.root(), "departments.yaml", {"departments"});
  const YAML::Node list = src.root()["departments"];
  if (!list.IsSequence() || list.size() == 0) src.fail(list, "departments must be a non-empty list");
  std::vector<Department> out;
  std::set<std::string> ids;
  for (const auto& node : list) {
    src.expect_map(node, "department", {"id", "name", "short", "aliases", "policy_basis"});
    Department d;
    d.id = src.text(node, "id");
    if (!ids.insert(d.id).second) src.fail(node["id"], "duplicate department id '" + d.id + "'");
    d.name = src.bilingual(node["name"], "name");
    d.short_name = src.bilingual(node["short"], "short");
    d.aliases = src.strings(node["aliases"], "aliases", true);
    d.policy_basis = src.text(node, "policy_basis");
    out.push_back(std::move(d));
  }
  return out;
}

Process load_process(const fs::path& file) {
  const Source src(file);
  src.expect_map(src.root(), "process.yaml", {"process"});
  const YAML::Node node = src.root()["process"];
  src.expect_map(node, "process", {"summary", "channels", "steps", "accountability"});
  Process p;
  p.summary = src.bilingual(node["summary"], "summary");
  p.channels = src.bilingual(node["channels"], "channels");
  p.accountability = src.bilingual(node["accountability"], "accountability");
  const YAML::Node steps = node["steps"];
  if (!steps.IsSequence() || steps.size() == 0) src.fail(steps, "steps must be a non-empty list");
  for (const auto& step : steps) {
    src.expect_map(step, "step", {"id", "title", "text", "policy_basis"});
    p.steps.push_back({src.text(step, "id"), src.bilingual(step["title"], "title"),
                       src.bilingual(step["text"], "text"), src.text(step, "policy_basis")});
  }
  return p;
}

Service load_service(const Source& src, const std::map<std::string, std::size_t, std::less<>>& departments) {
  const YAML::Node& node = src.root();
  src.expect_map(node, "service",
                 {"id", "department", "policy_basis", "name", "aliases", "summary", "eligibility",
                  "materials", "steps", "in_person", "time_limit"},
                 {"id_number"});
  Service s;
  s.id = src.text(node, "id");
  if (std::find(kServiceIds.begin(), kServiceIds.end(), s.id) == kServiceIds.end()) {
    src.fail(node["id"], "unknown service id '" + s.id + "' (expected one of " + join(kServiceIds) + ")");
  }
  if (src.path().stem() != s.id) {
    src.fail(node["id"], "service id '" + s.id + "' does not match the file name (expected services/" +
                             s.id + ".yaml)");
  }
  s.department = src.text(node, "department");
  if (!departments.contains(s.department)) {
    std::vector<std::string> known;
    for (const auto& [id, index] : departments) known.push_back(id);
    src.fail(node["department"], "unknown department '" + s.department + "' (departments.yaml defines " +
                                     join(known) + ")");
  }
  s.policy_basis = src.text(node, "policy_basis");
  s.name = src.bilingual(node["name"], "name");
  s.aliases = src.bilingual_list(node["aliases"], "aliases", true);
  s.summary = src.bilingual(node["summary"], "summary");
  s.eligibility = src.bilingual(node["eligibility"], "eligibility");

  const YAML::Node materials = node["materials"];
  src.expect_map(materials, "materials", {"review", "items"});
  s.materials.review = src.boolean(materials, "review");
  const YAML::Node items = materials["items"];
  if (!items.IsSequence() || items.size() == 0) src.fail(items, "materials.items must be a non-empty list");
  for (const auto& item : items) s.materials.items.push_back(src.bilingual(item, "materials item"));

  const YAML::Node steps = node["steps"];
  src.expect_map(steps, "steps", {"window", "online"});
  s.steps.window = src.bilingual_list(steps["window"], "steps.window", false);
  s.steps.online = src.bilingual_list(steps["online"], "steps.online", false);

  s.in_person = src.boolean(node, "in_person");
  if (node["id_number"]) s.id_number = src.boolean(node, "id_number");
  const YAML::Node limit = node["time_limit"];
  src.expect_map(limit, "time_limit", {"working_days", "review"});
  s.time_limit.working_days = src.integer(limit, "working_days", 1, 365);
  s.time_limit.review = src.boolean(limit, "review");
  return s;
}

}  // namespace

std::shared_ptr<const Knowledge> Knowledge::load(const std::filesystem::path& dir) {
  std::shared_ptr<Knowledge> k(new Knowledge);
  k->departments_ = load_departments(dir / "departments.yaml");
  k->process_ = load_process(dir / "process.yaml");

  std::map<std::string, std::size_t, std::less<>> department_index;
  for (std::size_t i = 0; i < k->departments_.size(); ++i) department_index[k->departments_[i].id] = i;

  const fs::path services_dir = dir / "services";
  if (!fs::is_directory(services_dir)) throw KnowledgeError(services_dir.string() + ": directory not found");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(services_dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());

  std::map<std::string, Service, std::less<>> by_id;
  // The matcher maps each alias to one service; an alias shared by two services would be ambiguous.
  std::map<std::string, std::string, std::less<>> alias_owner;
  for (const auto& file : files) {
    const Source src(file);
    Service s = load_service(src, department_index);
    if (by_id.contains(s.id)) src.fail(src.root()["id"], "service '" + s.id + "' is defined twice");
    const YAML::Node aliases = src.root()["aliases"];
    for (const char* lang : {"zh", "en"}) {
      for (const auto& alias : aliases[lang]) {
        const auto [it, inserted] = alias_owner.emplace(alias.Scalar(), s.id);
        if (!inserted && it->second != s.id) {
          src.fail(alias, "alias '" + alias.Scalar() + "' is already used by service '" + it->second + "'");
        }
      }
    }
    by_id.emplace(s.id, std::move(s));
  }
  std::vector<std::string_view> missing;
  for (const auto id : kServiceIds) {
    if (!by_id.contains(id)) missing.push_back(id);
  }
  if (!missing.empty()) {
    throw KnowledgeError(services_dir.string() + ": missing service" + (missing.size() > 1 ? "s " : " ") +
                         join(missing) + " (each needs services/<id>.yaml)");
  }
  for (const auto id : kServiceIds) {
    auto node = by_id.extract(by_id.find(id));
    k->departments_[department_index.at(node.mapped().department)].service_ids.push_back(node.mapped().id);
    k->services_.push_back(std::move(node.mapped()));
  }
  return k;
}

const Service* Knowledge::service(std::string_view id) const {
  const auto it = std::find_if(services_.begin(), services_.end(), [&](const Service& s) { return s.id == id; });
  return it == services_.end() ? nullptr : &*it;
}

const Department* Knowledge::department(std::string_view id) const {
  const auto it =
      std::find_if(departments_.begin(), departments_.end(), [&](const Department& d) { return d.id == id; });
  return it == departments_.end() ? nullptr : &*it;
}

}  // namespace talentbot::intents
