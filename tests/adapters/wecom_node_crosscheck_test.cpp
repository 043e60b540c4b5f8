// Our crypto against the official @wecom/crypto package (run by node), in both directions.
// Skipped unless `node` is on PATH and $TALENTBOT_NPM_CACHE holds node_modules/@wecom/crypto.
#include "adapters/wecom/crypto.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace talentbot::wecom {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kScript = TALENTBOT_SOURCE_DIR "/tests/adapters/node/crosscheck.js";

struct Credentials {
  const char* token;
  const char* aes_key;
  const char* receive_id;
};

// The documentation's sample and one generated vector's credentials.
constexpr std::array<Credentials, 2> kCredentials{{
    {"QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"},
    {"GUeeYQWiCwEc", "um2SWuyUsGsya8sqOSkQq8cSaS02iGKICy680w06gA6", "ww0000000000000000"},
}};

std::optional<fs::path> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest(path);
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string hex(const std::array<unsigned char, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::vector<std::string> plaintexts() {
  std::vector<std::string> texts = {
      "落户需要什么材料？人才绿卡怎么办理",
      "How do I get a work permit for foreign experts?",
      "",
      "𠮷野家 emoji 😀 mixed 中文 text",
      "<xml><ToUserName><![CDATA[talent0]]></ToUserName><Content><![CDATA[已接单]]></Content></"
      "xml>",
  };
  const std::string unit = "人才服务绿色通道 green channel ";
  std::string two_kb;
  while (two_kb.size() + unit.size() <= 2048) two_kb += unit;
  texts.push_back(two_kb.append(2048 - two_kb.size(), '.'));
  // random(16) + length(4) + message + an 18-byte receive id fill whole 32-byte blocks exactly,
  // so the padding is a full block of 32.
  for (const std::size_t len : {26u, 58u, 90u, 1018u}) texts.emplace_back(len, 'x');
  return texts;
}

struct Case {
  Credentials credentials;
  std::string plaintext;
  std::string timestamp;
  std::string nonce;
  std::array<unsigned char, 16> random{};
  std::string ours;        // our encrypt() (fresh random)
  std::string ours_fixed;  // our encrypt_with_random(random)
  std::string signature;   // our signature over `ours`
};

struct Crosscheck {
  std::string skip_reason;
  std::vector<Case> cases;
  json results;
};

CallbackCrypto crypto_of(const Credentials& c) {
  return CallbackCrypto::create(c.token, c.aes_key, c.receive_id).value();
}

Crosscheck run_crosscheck() {
  Crosscheck run;
  const auto node = find_on_path("node");
  const char* npm_dir = std::getenv("TALENTBOT_NPM_CACHE");
  if (!node) {
    run.skip_reason = "node is not on PATH";
    return run;
  }
  if (npm_dir == nullptr || *npm_dir == '\0') {
    run.skip_reason = "TALENTBOT_NPM_CACHE is not set";
    return run;
  }
  if (!fs::exists(fs::path(npm_dir) / "node_modules/@wecom/crypto/package.json")) {
    run.skip_reason = std::string("no node_modules/@wecom/crypto under ") + npm_dir;
    return run;
  }

  json input = json::array();
  unsigned counter = 0;
  for (const auto& credentials : kCredentials) {
    const auto crypto = crypto_of(credentials);
    for (const auto& text : plaintexts()) {
      Case c{credentials,
             text,
             std::to_string(1700000000 + counter),
             std::to_string(90000 + counter * 7),
             {},
             {},
             {},
             {}};
      for (std::size_t i = 0; i < c.random.size(); ++i) {
        c.random[i] = static_cast<unsigned char>(counter * 31 + i * 17);
      }
      c.ours = crypto.encrypt(text);
      c.ours_fixed = crypto.encrypt_with_random(text, c.random);
      c.signature = crypto.signature(c.timestamp, c.nonce, c.ours);
      input.push_back({{"name", "case-" + std::to_string(counter)},
                       {"token", credentials.token},
                       {"encoding_aes_key", credentials.aes_key},
                       {"receive_id", credentials.receive_id},
                       {"timestamp", c.timestamp},
                       {"nonce", c.nonce},
                       {"plaintext", text},
                       {"encrypt", c.ours},
                       {"random_hex", hex(c.random)}});
      run.cases.push_back(std::move(c));
      ++counter;
    }
  }

  const fs::path cases_file = fs::temp_directory_path() / ("talentbot-wecom-crosscheck-" +
                                                           std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(cases_file, std::ios::binary);
    out << input.dump();
  }
  const std::string command = shell_quote(node->string()) + " " + shell_quote(kScript) + " " +
                              shell_quote(cases_file.string()) + " " + shell_quote(npm_dir);
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
      output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    if (status != 0) output = "exit status " + std::to_string(status) + ": " + output;
  }
  fs::remove(cases_file);
  run.results = json::parse(output, nullptr, false);
  if (!run.results.is_array() || run.results.size() != run.cases.size()) {
    run.results = json::object({{"unparsed_output", output}});
  }
  return run;
}

const Crosscheck& crosscheck() {
  static const Crosscheck run = run_crosscheck();
  return run;
}

#define TALENTBOT_REQUIRE_CROSSCHECK(run)                              \
  do {                                                                 \
    if (!(run).skip_reason.empty()) GTEST_SKIP() << (run).skip_reason; \
    ASSERT_TRUE((run).results.is_array()) << (run).results.dump();     \
  } while (false)

TEST(WecomNodeCrosscheck, OfficialPackageDecryptsOurCiphertextAndAgreesOnSignature) {
  const auto& run = crosscheck();
  TALENTBOT_REQUIRE_CROSSCHECK(run);
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const auto& c = run.cases[i];
    const auto& r = run.results[i];
    SCOPED_TRACE(r.dump().substr(0, 300));
    ASSERT_FALSE(r.contains("error"));
    EXPECT_EQ(r.at("message").get<std::string>(), c.plaintext);
    EXPECT_EQ(r.at("id").get<std::string>(), c.credentials.receive_id);
    EXPECT_EQ(r.at("signature").get<std::string>(), c.signature);
  }
}

TEST(WecomNodeCrosscheck, OurDecryptReadsWhatTheOfficialPackageEncrypted) {
  const auto& run = crosscheck();
  TALENTBOT_REQUIRE_CROSSCHECK(run);
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const auto& c = run.cases[i];
    const auto& r = run.results[i];
    SCOPED_TRACE(r.dump().substr(0, 300));
    ASSERT_FALSE(r.contains("error"));
    const auto crypto = crypto_of(c.credentials);
    for (const char* field : {"encrypt_random", "encrypt_fixed"}) {
      const auto plain = crypto.decrypt(r.at(field).get<std::string>());
      ASSERT_TRUE(plain) << field << ": " << plain.error().message();
      EXPECT_EQ(*plain, c.plaintext) << field;
    }
  }
}

TEST(WecomNodeCrosscheck, EncryptionWithTheSameRandomIsIdentical) {
  const auto& run = crosscheck();
  TALENTBOT_REQUIRE_CROSSCHECK(run);
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    SCOPED_TRACE(run.results[i].dump().substr(0, 300));
    ASSERT_FALSE(run.results[i].contains("error"));
    EXPECT_EQ(run.results[i].at("encrypt_fixed").get<std::string>(), run.cases[i].ours_fixed);
  }
}

}  // namespace
}  // namespace talentbot::wecom
