// Injected faults of SimulatorState: what POST /sim/faults accepts and how a call consumes them.
#include "adapters/simulator/state.hpp"

namespace talentbot::sim {
namespace {

std::optional<std::int64_t> integer(Json const& object, char const* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

}  // namespace

std::optional<std::string> SimulatorState::add_faults(Json const& description) {
  Json const list = description.is_array() ? description : Json::array({description});
  std::vector<Fault> parsed;
  bool expire = false;
  // All or nothing: a half-applied list would leave a test in a state it did not ask for.
  for (auto const& item : list) {
    if (!item.is_object() || !item.contains("kind") || !item["kind"].is_string())
      return "a fault is an object with a \"kind\"";
    Fault f;
    f.kind = item["kind"].get<std::string>();
    if (f.kind == "expire_token") {
      expire = true;
      continue;
    }
    if (item.contains("count")) {
      auto const count = integer(item, "count");
      if (!count || *count < 1 || *count > 1'000'000) return "count must be an integer from 1";
      f.remaining = static_cast<int>(*count);
    }
    if (item.contains("path")) {
      if (!item["path"].is_string() || !item["path"].get<std::string>().starts_with("/cgi-bin/"))
        return "path must be an API path such as /cgi-bin/message/send";
      f.path = item["path"].get<std::string>();
    }
    if (f.kind == "errcode") {
      auto const code = integer(item, "errcode");
      if (!code || *code == 0) return "errcode fault needs a non-zero integer \"errcode\"";
      f.errcode = static_cast<int>(*code);
    } else if (f.kind == "http_status") {
      auto const status = integer(item, "status");
      if (!status || *status < 300 || *status > 599) return "http_status fault needs \"status\" from 300 to 599";
      f.status = static_cast<unsigned>(*status);
    } else if (f.kind == "delay") {
      auto const ms = integer(item, "ms");
      if (!ms || *ms < 0 || *ms > 120'000) return "delay fault needs \"ms\" from 0 to 120000";
      f.delay = std::chrono::milliseconds(*ms);
    } else if (f.kind != "drop") {
      return "unknown fault kind '" + f.kind + "' (errcode, http_status, delay, drop, expire_token)";
    }
    parsed.push_back(std::move(f));
  }
  if (expire) expire_token();
  faults_.insert(faults_.end(), parsed.begin(), parsed.end());
  return std::nullopt;
}

Json SimulatorState::faults() const {
  Json out = Json::array();
  for (auto const& f : faults_) {
    Json item{{"kind", f.kind}, {"count", f.remaining}};
    if (!f.path.empty()) item["path"] = f.path;
    if (f.kind == "errcode") item["errcode"] = f.errcode;
    if (f.kind == "http_status") item["status"] = f.status;
    if (f.kind == "delay") item["ms"] = f.delay.count();
    out.push_back(std::move(item));
  }
  return out;
}

// Faults apply in the order they were added; each call consumes at most one.
std::optional<SimulatorState::Fault> SimulatorState::take_fault(std::string_view path) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->path.empty() && it->path != path) continue;
    Fault taken = *it;
    if (--it->remaining <= 0) faults_.erase(it);
    return taken;
  }
  return std::nullopt;
}

}  // namespace talentbot::sim
