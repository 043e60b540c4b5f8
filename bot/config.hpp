#pragma once
// Typed configuration: a YAML file plus TALENTBOT_<SECTION>_<KEY> environment overrides, validated
// once at start-up. After that, code takes the section struct it needs, never a YAML node.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/log.hpp"

namespace talentbot::config {

using std::chrono::milliseconds;

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int threads = 0;                      // 0 = one per core
  std::size_t header_limit = 8 * 1024;  // bytes
  std::size_t body_limit = 64 * 1024;   // bytes; WeCom callbacks are a few KB
  // Each whole request (including the wait for its first byte on a keep-alive connection) must
  // arrive within this: a client that trickles bytes, or idles, is cut off.
  milliseconds read_timeout{15'000};
  milliseconds shutdown_grace{5'000};   // in-flight requests get this long after SIGTERM
};

struct RedisConfig {
  std::string url;                 // empty: start a private redis-server (embedded)
  std::string data_dir = "var/redis";
  std::string server_binary = "redis-server";
  milliseconds connect_timeout{1'000};
  milliseconds command_timeout{1'000};
  milliseconds reconnect_max{5'000};
};

struct LogConfig {
  LogLevel level = LogLevel::info;
  LogFormat format = LogFormat::kv;
  bool access = true;  // one line per HTTP request
};

struct WecomConfig {
  std::string corp_id;
  std::string token;
  std::string encoding_aes_key;
  std::int64_t agent_id = 0;
  std::string secret;
  std::string api_base = "https://qyapi.weixin.qq.com";
  std::string webhook_key;  // a group robot's key, for notices to the center's group chat (optional)
};

// The inbox/outbox pipeline (WeCom callbacks in, replies out).
struct QueueConfig {
  bool workers = true;                     // false: this instance only accepts callbacks (ingress)
  unsigned partitions = 8;                 // fixed for a deployment: a user's partition must not move
  milliseconds lease{10'000};              // a dead instance's partitions move after this
  std::chrono::seconds dedupe_window{86'400};  // a repeated MsgId within this is the same message
  int max_attempts = 8;                    // a reply that failed this often goes to the dead letters
  milliseconds retry_base{500};            // backoff doubles from here (with jitter) ...
  milliseconds retry_max{60'000};          // ... up to here
};

// What the bot tells talents about the service center; shown exactly as configured (the
// knowledge base refers to these as {center.address} and so on, and never invents them).
struct CenterConfig {
  std::string name = "市人才交流中心";
  std::string address;  // the 一站式 window at the administrative approval service center
  std::string hours;
  std::string phone;
  std::string website;
};

// Understanding: where the knowledge base and the labelled training data live.
struct NluConfig {
  std::string knowledge_dir = "intents/knowledge";
  std::string training_file = "tests/nlu/train.tsv";
};

struct SessionConfig {
  milliseconds idle_ttl{30 * 60 * 1000};  // a conversation forgets its context after this
};

// The people of the green channel (bot/roster.hpp).
struct RosterConfig {
  std::string file = "deploy/roster.yaml";  // departments' specialists and the center's coordinators
  // A talent's request for a person not accepted within this (counted in working hours, the
  // appointments.hours of working days) goes to the department's lead, then to the center.
  milliseconds accept_timeout{10 * 60 * 1000};
  // A held conversation with no message either way for this long ends: the bot answers again.
  milliseconds hold_idle{2 * 60 * 60 * 1000};
};

// The working-day calendar (public holidays and make-up workdays, one YAML file per year).
struct CalendarConfig {
  std::string holidays_dir = "deploy/holidays";
};

// A bearer token of the center API. `write` tokens may also change a case's status; read-only
// ones (auditors, the report job) may only look.
struct ApiToken {
  std::string name;    // shown in logs and history entries, never the secret
  std::string secret;  // never logged, echoed or listed
  bool write = true;
};

// The center API (/api/v1/): off while no token is configured.
struct ApiConfig {
  std::vector<ApiToken> tokens;
};

// A span of the day the service windows are open, in minutes after local midnight (China time).
struct WindowSpan {
  std::chrono::minutes open{0};
  std::chrono::minutes close{0};
  friend bool operator==(WindowSpan const&, WindowSpan const&) = default;
};

// In-person appointments at the departments' service windows (bot/appointments.hpp applies them).
struct AppointmentsConfig {
  // 09:00-12:00,13:30-17:30: the usual government office day with its lunch break.
  std::vector<WindowSpan> hours{{std::chrono::hours(9), std::chrono::hours(12)},
                                {std::chrono::minutes(13 * 60 + 30), std::chrono::minutes(17 * 60 + 30)}};
  std::chrono::minutes slot{30};
  int capacity = 2;  // talents per slot: the number of clerks at the window
  int days_ahead = 14;  // the last bookable day is today + days_ahead
  // No booking that starts sooner: the department's specialist must see it on the agenda and
  // prepare the file (一次性告知 holds for the department too).
  std::chrono::minutes lead_time{120};
  std::vector<std::chrono::minutes> reminders{std::chrono::hours(24), std::chrono::hours(1)};  // longest first
  std::string windows_file;  // optional YAML: department id → its own hours and capacity
};

struct Config {
  ServerConfig server;
  RedisConfig redis;
  LogConfig log;
  WecomConfig wecom;
  QueueConfig queue;
  CenterConfig center;
  NluConfig nlu;
  SessionConfig session;
  CalendarConfig calendar;
  RosterConfig roster;
  ApiConfig api;
  AppointmentsConfig appointments;
};

// "09:00-12:00,13:30-17:30" → spans in order; the reason on failure (spans must be in order and
// must not overlap; 24:00 closes at midnight). An empty text is refused: a window has hours.
std::optional<std::string> parse_window_hours(std::string const& text, std::vector<WindowSpan>& out);
std::string format_window_hours(std::vector<WindowSpan> const& hours);
// "24h,1h" → offsets before the appointment, longest first; "" = no reminders.
std::optional<std::string> parse_reminder_offsets(std::string const& text, std::vector<std::chrono::minutes>& out);
std::string format_reminder_offsets(std::vector<std::chrono::minutes> const& offsets);

// Looks up an environment variable; injectable so tests do not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string const& name)>;
EnvLookup process_env();

struct LoadResult {
  std::optional<Config> config;
  std::vector<std::string> errors;  // one line each, naming the file, line and key
};

// `path` may be empty: defaults plus environment only. Tools that talk only to Redis (the
// report) pass `check_required = false`: they need no WeCom credentials.
LoadResult load(std::string const& path, EnvLookup const& env = process_env(), bool check_required = true);

// `name=TOKEN[:read|:write],...` (see deploy/talentbot.example.yaml). Empty text: no tokens.
// The error never contains a token.
std::optional<std::string> parse_api_tokens(std::string const& text, std::vector<ApiToken>& out);

// Every key with its documentation default, for `--print-config` style listings and tests;
// secret values are never rendered.
std::string describe(Config const& config);

}  // namespace talentbot::config
