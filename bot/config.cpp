#include "bot/config.hpp"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <sstream>

#include "adapters/http_client.hpp"
#include "bot/config_values.hpp"
#include "storage/redis.hpp"

namespace talentbot::config {
namespace {

using detail::Error;
using detail::parse_bool;
using detail::parse_duration;
using detail::parse_int;
using detail::parse_minutes;
using detail::parse_size;
using detail::show_minutes;
using detail::show_ms;
using std::chrono::hours;
using std::chrono::minutes;
using Apply = Error (*)(Config&, std::string const&);

struct Field {
  char const* section;
  char const* key;
  bool required;
  bool secret;  // never echoed in errors or listings
  Apply apply;
  std::string (*show)(Config const&);
};

bool is_ip_literal(std::string const& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Error parse_listen(Config& c, std::string const& s) {
  auto const colon = s.rfind(':');
  if (colon == std::string::npos) return "expected host:port, got '" + s + "'";
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host != "localhost" && !is_ip_literal(host)) return "'" + host + "' is not an IP address (or localhost)";
  if (auto e = parse_int(s.substr(colon + 1), c.server.port, 0, 65535)) return "port: " + *e;
  c.server.host = host == "localhost" ? "127.0.0.1" : host;
  return {};
}

Error parse_api_base(Config& c, std::string const& s) {
  // Plain HTTP only to a loopback host (the local simulator); WeCom itself is HTTPS.
  auto url = net::parse_url(s);
  if (!url) return "expected an https:// URL, got '" + s + "'";
  // The same test the HTTP client applies ("127.evil.example" is not loopback).
  if (!url->tls && !net::is_loopback_host(url->host))
    return "plain http:// is allowed only for a loopback host (the local simulator)";
  c.wecom.api_base = s;
  while (!c.wecom.api_base.empty() && c.wecom.api_base.back() == '/') c.wecom.api_base.pop_back();
  return {};
}

// The single list of keys: YAML, environment overrides, validation and listings all read it.
Field const kFields[] = {
    {"server", "listen", false, false, parse_listen,
     [](Config const& c) { return c.server.host + ":" + std::to_string(c.server.port); }},
    {"server", "threads", false, false,
     [](Config& c, std::string const& s) { return parse_int(s, c.server.threads, 0, 256); },
     [](Config const& c) { return std::to_string(c.server.threads); }},
    {"server", "header_limit", false, false,
     [](Config& c, std::string const& s) { return parse_size(s, c.server.header_limit); },
     [](Config const& c) { return std::to_string(c.server.header_limit); }},
    {"server", "body_limit", false, false,
     [](Config& c, std::string const& s) { return parse_size(s, c.server.body_limit); },
     [](Config const& c) { return std::to_string(c.server.body_limit); }},
    {"server", "read_timeout", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.server.read_timeout); },
     [](Config const& c) { return show_ms(c.server.read_timeout); }},
    {"server", "shutdown_grace", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.server.shutdown_grace); },
     [](Config const& c) { return show_ms(c.server.shutdown_grace); }},
    {"redis", "url", false, false,  // errors never echo it; listings drop the password
     [](Config& c, std::string const& s) -> Error {
       if (!s.empty() && !storage::RedisEndpoint::parse(s))
         return std::string("expected redis://[:password@]host:port/db or unix:///path/to.sock");
       c.redis.url = s;
       return {};
     },
     [](Config const& c) {
       return c.redis.url.empty() ? std::string("(embedded)") : storage::RedisEndpoint::parse(c.redis.url)->describe();
     }},
    {"redis", "data_dir", false, false,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty()) return std::string("must not be empty");
       c.redis.data_dir = s;
       return {};
     },
     [](Config const& c) { return c.redis.data_dir; }},
    {"redis", "server_binary", false, false,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty()) return std::string("must not be empty");
       c.redis.server_binary = s;
       return {};
     },
     [](Config const& c) { return c.redis.server_binary; }},
    {"redis", "connect_timeout", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.redis.connect_timeout); },
     [](Config const& c) { return show_ms(c.redis.connect_timeout); }},
    {"redis", "command_timeout", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.redis.command_timeout); },
     [](Config const& c) { return show_ms(c.redis.command_timeout); }},
    {"redis", "reconnect_max", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.redis.reconnect_max); },
     [](Config const& c) { return show_ms(c.redis.reconnect_max); }},
    {"log", "level", false, false,
     [](Config& c, std::string const& s) -> Error {
       auto l = parse_log_level(s);
       if (!l) return "expected debug, info, warn, error or off, got '" + s + "'";
       c.log.level = *l;
       return {};
     },
     [](Config const& c) { return std::string(to_string(c.log.level)); }},
    {"log", "format", false, false,
     [](Config& c, std::string const& s) -> Error {
       if (s == "kv") c.log.format = LogFormat::kv;
       else if (s == "json") c.log.format = LogFormat::json;
       else return "expected kv or json, got '" + s + "'";
       return {};
     },
     [](Config const& c) { return std::string(c.log.format == LogFormat::json ? "json" : "kv"); }},
    {"log", "access", false, false, [](Config& c, std::string const& s) { return parse_bool(s, c.log.access); },
     [](Config const& c) { return std::string(c.log.access ? "true" : "false"); }},
    {"wecom", "corp_id", true, false,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty() || s.size() > 64) return std::string("must be 1 to 64 characters");
       c.wecom.corp_id = s;
       return {};
     },
     [](Config const& c) { return c.wecom.corp_id; }},
    {"wecom", "token", true, true,
     [](Config& c, std::string const& s) -> Error {
       bool const ok = !s.empty() && s.size() <= 32 &&
                       std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isalnum(ch); });
       if (!ok) return std::string("must be 1 to 32 letters or digits");
       c.wecom.token = s;
       return {};
     },
     nullptr},
    {"wecom", "encoding_aes_key", true, true,
     [](Config& c, std::string const& s) -> Error {
       bool const ok = s.size() == 43 && std::all_of(s.begin(), s.end(), [](unsigned char ch) {
                         return std::isalnum(ch) || ch == '+' || ch == '/';
                       });
       if (!ok) return std::string("must be exactly 43 characters of the base64 alphabet");
       c.wecom.encoding_aes_key = s;
       return {};
     },
     nullptr},
    {"wecom", "agent_id", true, false,
     [](Config& c, std::string const& s) { return parse_int(s, c.wecom.agent_id, 1, 4'294'967'295LL); },
     [](Config const& c) { return std::to_string(c.wecom.agent_id); }},
    {"wecom", "secret", true, true,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty()) return std::string("must not be empty");
       c.wecom.secret = s;
       return {};
     },
     nullptr},
    {"wecom", "api_base", false, false, parse_api_base, [](Config const& c) { return c.wecom.api_base; }},
    {"wecom", "webhook_key", false, true,
     [](Config& c, std::string const& s) -> Error {
       c.wecom.webhook_key = s;
       return {};
     },
     nullptr},
    {"queue", "workers", false, false, [](Config& c, std::string const& s) { return parse_bool(s, c.queue.workers); },
     [](Config const& c) { return std::string(c.queue.workers ? "true" : "false"); }},
    {"queue", "partitions", false, false,
     [](Config& c, std::string const& s) { return parse_int(s, c.queue.partitions, 1, 1024); },
     [](Config const& c) { return std::to_string(c.queue.partitions); }},
    {"queue", "lease", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.queue.lease); },
     [](Config const& c) { return show_ms(c.queue.lease); }},
    {"queue", "dedupe_window", false, false,
     [](Config& c, std::string const& s) -> Error {
       milliseconds ms{};
       if (auto e = parse_duration(s, ms)) return e;
       if (ms < std::chrono::minutes(1)) return std::string("must be at least 1m (WeCom retries within seconds)");
       c.queue.dedupe_window = std::chrono::duration_cast<std::chrono::seconds>(ms);
       return {};
     },
     [](Config const& c) { return std::to_string(c.queue.dedupe_window.count()) + "s"; }},
    {"queue", "max_attempts", false, false,
     [](Config& c, std::string const& s) { return parse_int(s, c.queue.max_attempts, 1, 100); },
     [](Config const& c) { return std::to_string(c.queue.max_attempts); }},
    {"queue", "retry_base", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.queue.retry_base); },
     [](Config const& c) { return show_ms(c.queue.retry_base); }},
    {"queue", "retry_max", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.queue.retry_max); },
     [](Config const& c) { return show_ms(c.queue.retry_max); }},
    {"center", "name", false, false, [](Config& c, std::string const& s) -> Error { c.center.name = s; return {}; },
     [](Config const& c) { return c.center.name; }},
    {"center", "address", false, false, [](Config& c, std::string const& s) -> Error { c.center.address = s; return {}; },
     [](Config const& c) { return c.center.address; }},
    {"center", "hours", false, false, [](Config& c, std::string const& s) -> Error { c.center.hours = s; return {}; },
     [](Config const& c) { return c.center.hours; }},
    {"center", "phone", false, false, [](Config& c, std::string const& s) -> Error { c.center.phone = s; return {}; },
     [](Config const& c) { return c.center.phone; }},
    {"center", "website", false, false, [](Config& c, std::string const& s) -> Error { c.center.website = s; return {}; },
     [](Config const& c) { return c.center.website; }},
    {"nlu", "knowledge_dir", false, false,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty()) return std::string("must not be empty");
       c.nlu.knowledge_dir = s;
       return {};
     },
     [](Config const& c) { return c.nlu.knowledge_dir; }},
    {"nlu", "training_file", false, false,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty()) return std::string("must not be empty");
       c.nlu.training_file = s;
       return {};
     },
     [](Config const& c) { return c.nlu.training_file; }},
    {"session", "idle_ttl", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.session.idle_ttl); },
     [](Config const& c) { return show_ms(c.session.idle_ttl); }},
    {"calendar", "holidays_dir", false, false,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty()) return std::string("must not be empty");
       c.calendar.holidays_dir = s;
       return {};
     },
     [](Config const& c) { return c.calendar.holidays_dir; }},
    {"roster", "file", false, false,
     [](Config& c, std::string const& s) -> Error {
       if (s.empty()) return std::string("must not be empty");
       c.roster.file = s;
       return {};
     },
     [](Config const& c) { return c.roster.file; }},
    {"roster", "accept_timeout", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.roster.accept_timeout); },
     [](Config const& c) { return show_ms(c.roster.accept_timeout); }},
    {"roster", "hold_idle", false, false,
     [](Config& c, std::string const& s) { return parse_duration(s, c.roster.hold_idle); },
     [](Config const& c) { return show_ms(c.roster.hold_idle); }},
    {"api", "tokens", false, true,
     [](Config& c, std::string const& s) { return parse_api_tokens(s, c.api.tokens); }, nullptr},
    {"appointments", "hours", false, false,
     [](Config& c, std::string const& s) { return parse_window_hours(s, c.appointments.hours); },
     [](Config const& c) { return format_window_hours(c.appointments.hours); }},
    {"appointments", "slot", false, false,
     [](Config& c, std::string const& s) { return parse_minutes(s, c.appointments.slot, minutes(5), hours(4)); },
     [](Config const& c) { return show_minutes(c.appointments.slot); }},
    {"appointments", "capacity", false, false,
     [](Config& c, std::string const& s) { return parse_int(s, c.appointments.capacity, 1, 100); },
     [](Config const& c) { return std::to_string(c.appointments.capacity); }},
    {"appointments", "days_ahead", false, false,
     [](Config& c, std::string const& s) { return parse_int(s, c.appointments.days_ahead, 1, 90); },
     [](Config const& c) { return std::to_string(c.appointments.days_ahead); }},
    {"appointments", "lead_time", false, false,
     [](Config& c, std::string const& s) { return parse_minutes(s, c.appointments.lead_time, minutes(0), hours(72)); },
     [](Config const& c) { return show_minutes(c.appointments.lead_time); }},
    {"appointments", "reminders", false, false,
     [](Config& c, std::string const& s) { return parse_reminder_offsets(s, c.appointments.reminders); },
     [](Config const& c) { return format_reminder_offsets(c.appointments.reminders); }},
    {"appointments", "windows_file", false, false,
     [](Config& c, std::string const& s) -> Error {
       c.appointments.windows_file = s;
       return {};
     },
     [](Config const& c) { return c.appointments.windows_file.empty() ? std::string("(none)") : c.appointments.windows_file; }},
};

std::string env_name(Field const& f) {
  std::string name = std::string("TALENTBOT_") + f.section + "_" + f.key;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return name;
}

std::string dotted(Field const& f) { return std::string(f.section) + "." + f.key; }

Field const* find_field(std::string const& section, std::string const& key) {
  for (auto const& f : kFields)
    if (section == f.section && key == f.key) return &f;
  return nullptr;
}

bool known_section(std::string const& section) {
  return std::any_of(std::begin(kFields), std::end(kFields), [&](Field const& f) { return section == f.section; });
}

std::string where(std::string const& path, YAML::Mark const& mark) {
  return path + ":" + std::to_string(mark.line + 1);
}

}  // namespace

EnvLookup process_env() {
  return [](std::string const& name) -> std::optional<std::string> {
    if (char const* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

LoadResult load(std::string const& path, EnvLookup const& env, bool check_required) {
  LoadResult result;
  Config config;
  std::map<Field const*, bool> set;

  if (!path.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path);
    } catch (YAML::BadFile const&) {
      result.errors.push_back(path + ": cannot read the file");
      return result;
    } catch (YAML::Exception const& e) {
      result.errors.push_back(where(path, e.mark) + ": YAML syntax error: " + e.msg);
      return result;
    }
    if (root && !root.IsNull() && !root.IsMap()) {
      result.errors.push_back(where(path, root.Mark()) + ": the top level must be a map of sections");
      return result;
    }
    for (auto const& section : root) {
      auto const name = section.first.as<std::string>();
      if (!known_section(name)) {
        result.errors.push_back(where(path, section.first.Mark()) + ": unknown section '" + name + "'");
        continue;
      }
      if (section.second.IsNull()) continue;
      if (!section.second.IsMap()) {
        result.errors.push_back(where(path, section.second.Mark()) + ": section '" + name + "' must be a map");
        continue;
      }
      for (auto const& item : section.second) {
        auto const key = item.first.as<std::string>();
        Field const* field = find_field(name, key);
        if (field == nullptr) {
          result.errors.push_back(where(path, item.first.Mark()) + ": unknown key '" + name + "." + key + "'");
          continue;
        }
        if (!item.second.IsScalar()) {
          result.errors.push_back(where(path, item.second.Mark()) + ": " + dotted(*field) + ": expected a single value");
          continue;
        }
        set[field] = true;  // provided, even if invalid: one error per key is enough
        if (auto e = field->apply(config, item.second.Scalar()))
          result.errors.push_back(where(path, item.second.Mark()) + ": " + dotted(*field) + ": " + *e);
      }
    }
  }

  // Environment overrides come after the file and before the required-value check.
  for (auto const& field : kFields) {
    auto value = env(env_name(field));
    if (!value) continue;
    set[&field] = true;
    if (auto e = field.apply(config, *value)) result.errors.push_back(env_name(field) + ": " + dotted(field) + ": " + *e);
  }

  if (auto e = detail::check_appointments(config.appointments))
    result.errors.push_back((path.empty() ? std::string("config") : path) + ": " + *e);

  for (auto const& field : kFields) {
    if (check_required && field.required && !set[&field])
      result.errors.push_back((path.empty() ? std::string("config") : path) + ": missing required key '" +
                              dotted(field) + "' (or set " + env_name(field) + ")");
  }
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

std::string describe(Config const& config) {
  std::ostringstream out;
  for (auto const& field : kFields) {
    out << dotted(field) << " = ";
    if (field.secret || field.show == nullptr) out << "(set, hidden)";
    else out << field.show(config);
    out << '\n';
  }
  return out.str();
}

}  // namespace talentbot::config
