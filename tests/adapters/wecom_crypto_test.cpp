#include "adapters/wecom/crypto.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace talentbot::wecom {
namespace {

using nlohmann::json;

constexpr const char* kVectorsPath = TALENTBOT_SOURCE_DIR "/tests/adapters/data/wecom_vectors.json";
constexpr const char* kSharedVectorsPath =
    TALENTBOT_SOURCE_DIR "/../shared/testdata/wecom_vectors.json";

// The documentation's sample credentials (also the first vector).
constexpr const char* kToken = "QDG6eK";
constexpr const char* kAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr const char* kCorpId = "wx5823bf96d3bd56c7";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const json& vectors() {
  static const json all = [] {
    json parsed = json::parse(read_file(kVectorsPath), nullptr, false);
    if (!parsed.is_array() || parsed.empty()) throw std::runtime_error("cannot load wecom vectors");
    return parsed;
  }();
  return all;
}

CallbackCrypto crypto_for(const json& v, const std::string& receive_id) {
  auto c = CallbackCrypto::create(v.at("token").get<std::string>(),
                                  v.at("encoding_aes_key").get<std::string>(), receive_id);
  if (!c) throw std::runtime_error("vector " + v.at("name").get<std::string>() + ": bad key");
  return *c;
}

CallbackCrypto crypto_for(const json& v) {
  return crypto_for(v, v.at("receive_id").get<std::string>());
}

CallbackCrypto sample_crypto() { return CallbackCrypto::create(kToken, kAesKey, kCorpId).value(); }

std::array<unsigned char, 16> from_hex16(const std::string& hex) {
  std::array<unsigned char, 16> out{};
  if (hex.size() != 32) throw std::runtime_error("random_hex must be 32 hex digits");
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return out;
}

std::string b64_encode(const std::string& raw) {
  std::string out((raw.size() + 2) / 3 * 4 + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()),
                                static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// An independent framing + AES path, so malformed buffers (bad padding, bad length) can be built.
std::string raw_aes_encrypt(const std::string& buffer) {
  std::string key(kAesKey);
  key.push_back('=');
  std::string raw_key(33, '\0');
  EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw_key.data()),
                  reinterpret_cast<const unsigned char*>(key.data()), 44);
  const auto* k = reinterpret_cast<const unsigned char*>(raw_key.data());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(buffer.size(), '\0');
  int n = 0;
  int m = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, k, k);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                    reinterpret_cast<const unsigned char*>(buffer.data()),
                    static_cast<int>(buffer.size()));
  EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &m);
  EVP_CIPHER_CTX_free(ctx);
  return b64_encode(out);
}

std::string frame(std::uint32_t declared_len, const std::string& msg, const std::string& id) {
  std::string buf(16, 'r');
  for (int shift = 24; shift >= 0; shift -= 8) {
    buf.push_back(static_cast<char>((declared_len >> shift) & 0xff));
  }
  return buf + msg + id;
}

std::string pad32(std::string buf) {
  const std::size_t pad = 32 - buf.size() % 32;
  return buf.append(pad, static_cast<char>(pad));
}

TEST(WecomCrypto, VectorFileIsTheSharedOne) {
  if (!std::filesystem::exists(kSharedVectorsPath)) {
    GTEST_SKIP() << "no shared testdata at " << kSharedVectorsPath;
  }
  EXPECT_EQ(read_file(kVectorsPath), read_file(kSharedVectorsPath))
      << "tests/adapters/data/wecom_vectors.json is out of date: copy it again";
}

TEST(WecomCrypto, EveryVectorHasItsDocumentedSignature) {
  for (const auto& v : vectors()) {
    if (v.contains("expect")) continue;
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto c = crypto_for(v);
    const auto ts = v.at("timestamp").get<std::string>();
    const auto nonce = v.at("nonce").get<std::string>();
    const auto enc = v.at("encrypt").get<std::string>();
    EXPECT_EQ(c.signature(ts, nonce, enc), v.at("msg_signature").get<std::string>());
    EXPECT_TRUE(c.verify(v.at("msg_signature").get<std::string>(), ts, nonce, enc));
  }
}

TEST(WecomCrypto, EveryVectorDecryptsToItsPlaintext) {
  int checked = 0;
  for (const auto& v : vectors()) {
    if (v.contains("expect")) continue;
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto plain = crypto_for(v).verify_and_decrypt(
        v.at("msg_signature").get<std::string>(), v.at("timestamp").get<std::string>(),
        v.at("nonce").get<std::string>(), v.at("encrypt").get<std::string>());
    ASSERT_TRUE(plain) << plain.error().message();
    EXPECT_EQ(*plain, v.at("plaintext").get<std::string>());
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(WecomCrypto, EncryptionWithTheVectorRandomMatchesByteForByte) {
  int checked = 0;
  for (const auto& v : vectors()) {
    if (!v.contains("random_hex") || v.contains("expect")) continue;
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto random = from_hex16(v.at("random_hex").get<std::string>());
    EXPECT_EQ(crypto_for(v).encrypt_with_random(v.at("plaintext").get<std::string>(), random),
              v.at("encrypt").get<std::string>());
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(WecomCrypto, RejectsWrongSignature) {
  for (const auto& v : vectors()) {
    if (v.value("expect", "") != "reject: signature") continue;
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto c = crypto_for(v);
    const auto sig = v.at("msg_signature").get<std::string>();
    const auto ts = v.at("timestamp").get<std::string>();
    const auto nonce = v.at("nonce").get<std::string>();
    const auto enc = v.at("encrypt").get<std::string>();
    EXPECT_FALSE(c.verify(sig, ts, nonce, enc));
    const auto plain = c.verify_and_decrypt(sig, ts, nonce, enc);
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error(), errc::signature_mismatch);
  }
}

TEST(WecomCrypto, RejectsCiphertextForAnotherReceiveId) {
  int checked = 0;
  for (const auto& v : vectors()) {
    if (v.value("expect", "") != "reject: receive id") continue;
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto c = crypto_for(v, v.at("expect_receive_id").get<std::string>());
    // The signature does not cover the receive id; only decryption can tell.
    EXPECT_TRUE(c.verify(v.at("msg_signature").get<std::string>(),
                         v.at("timestamp").get<std::string>(), v.at("nonce").get<std::string>(),
                         v.at("encrypt").get<std::string>()));
    const auto plain = c.decrypt(v.at("encrypt").get<std::string>());
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error(), errc::receive_id_mismatch);
    ++checked;
  }
  EXPECT_EQ(checked, 1);
}

TEST(WecomCrypto, VerifyRejectsTamperedInputsAndOtherSpellings) {
  const auto& v = vectors().at(0);
  const auto c = crypto_for(v);
  const auto sig = v.at("msg_signature").get<std::string>();
  const auto ts = v.at("timestamp").get<std::string>();
  const auto nonce = v.at("nonce").get<std::string>();
  const auto enc = v.at("encrypt").get<std::string>();
  std::string upper = sig;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_FALSE(c.verify(upper, ts, nonce, enc));
  EXPECT_FALSE(c.verify(sig.substr(0, 39), ts, nonce, enc));
  EXPECT_FALSE(c.verify(sig + "0", ts, nonce, enc));
  EXPECT_FALSE(c.verify("", ts, nonce, enc));
  EXPECT_FALSE(c.verify(sig, "1409659590", nonce, enc));
  EXPECT_FALSE(c.verify(sig, ts, "263014781", enc));
  EXPECT_FALSE(c.verify(sig, ts, nonce, enc.substr(1)));
}

std::string sha1_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xf]);
  }
  return hex;
}

TEST(WecomCrypto, SignatureSortsTheFourStringsByteWise) {
  const auto c = sample_crypto();
  // 'Q' < 'Z' < 'a' < 0xe4 (first byte of 中) as unsigned bytes; a signed-char compare would put
  // the timestamp first.
  const std::string ts = "\xe4\xb8\xad";
  const std::string nonce = "Zeta";
  const std::string enc = "alpha";
  EXPECT_EQ(c.signature(ts, nonce, enc), sha1_hex(std::string(kToken) + nonce + enc + ts));
  EXPECT_EQ(c.signature(enc, ts, nonce), c.signature(ts, nonce, enc));
}

TEST(WecomCrypto, RejectsMalformedAesKey) {
  const std::string key = kAesKey;
  EXPECT_EQ(CallbackCrypto::create(kToken, key.substr(0, 42), kCorpId).error(), errc::bad_aes_key);
  EXPECT_EQ(CallbackCrypto::create(kToken, key + "A", kCorpId).error(), errc::bad_aes_key);
  EXPECT_EQ(CallbackCrypto::create(kToken, key + "=", kCorpId).error(), errc::bad_aes_key);
  EXPECT_EQ(CallbackCrypto::create(kToken, "-" + key.substr(1), kCorpId).error(),
            errc::bad_aes_key);
  EXPECT_EQ(CallbackCrypto::create(kToken, "", kCorpId).error(), errc::bad_aes_key);
}

TEST(WecomCrypto, AcceptsAesKeyWhoseLastCharacterHasUnusedBitsSet) {
  // 'C' = 000010: the two bits past the 256th are 1 in the documentation's own key.
  EXPECT_TRUE(CallbackCrypto::create(kToken, kAesKey, kCorpId));
}

TEST(WecomCrypto, RejectsEmptyTokenOrReceiveId) {
  EXPECT_EQ(CallbackCrypto::create("", kAesKey, kCorpId).error(), errc::bad_config);
  EXPECT_EQ(CallbackCrypto::create(kToken, kAesKey, "").error(), errc::bad_config);
}

TEST(WecomCrypto, RejectsPaddingOutOfRange) {
  const auto c = sample_crypto();
  const std::string body = frame(5, "hello", kCorpId);  // 16 + 4 + 5 + 18 = 43 bytes
  std::string zero = body;
  zero.append(64 - zero.size(), '\0');
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(zero)).error(), errc::bad_padding);
  std::string big = body;
  big.append(64 - big.size(), '\x21');  // 33: one past the 32-byte block
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(big)).error(), errc::bad_padding);
  // A pad byte larger than the whole buffer.
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(std::string(16, '\x20'))).error(), errc::bad_padding);
}

TEST(WecomCrypto, RejectsPaddingWhoseBytesDisagree) {
  const auto c = sample_crypto();
  std::string buf = pad32(frame(5, "hello", kCorpId));
  ASSERT_EQ(buf.back(), '\x15');
  buf[buf.size() - 2] = '\x14';
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(buf)).error(), errc::bad_padding);
}

TEST(WecomCrypto, AcceptsAFullBlockOfPaddingWhenAligned) {
  const auto c = sample_crypto();
  const std::string msg(64 - 16 - 4 - 18, 'x');  // framing is exactly 64 bytes
  const std::string buf = pad32(frame(static_cast<std::uint32_t>(msg.size()), msg, kCorpId));
  ASSERT_EQ(buf.size(), 96u);
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(buf)).value(), msg);
  EXPECT_EQ(c.encrypt_with_random(msg, std::array<unsigned char, 16>{}).size(), 128u);
}

TEST(WecomCrypto, RejectsMessageLengthLargerThanBuffer) {
  const auto c = sample_crypto();
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(pad32(frame(6, "hello", "")))).error(), errc::bad_length);
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(pad32(frame(0xffffffffu, "hello", kCorpId)))).error(),
            errc::bad_length);
  // Shorter than random + length once the padding is gone.
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(pad32(std::string(19, 'r')))).error(), errc::bad_length);
}

TEST(WecomCrypto, ReadsTheDeclaredLengthNotTheRestOfTheBuffer) {
  const auto c = sample_crypto();
  // msg_len 3: "hel" is the message and "lo" + corp id would be the receive id → mismatch.
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(pad32(frame(3, "hello", kCorpId)))).error(),
            errc::receive_id_mismatch);
  EXPECT_EQ(c.decrypt(raw_aes_encrypt(pad32(frame(3, "hel", kCorpId)))).value(), "hel");
}

TEST(WecomCrypto, RejectsTruncatedCiphertext) {
  const auto c = sample_crypto();
  const std::string enc = vectors().at(0).at("encrypt").get<std::string>();  // 64 bytes
  // 60 bytes: not a whole number of AES blocks.
  EXPECT_EQ(c.decrypt(enc.substr(0, 80)).error(), errc::decrypt_failed);
  // 48 bytes of valid blocks: the padding byte is now garbage or the framing is cut.
  const auto cut = c.decrypt(enc.substr(0, 64));
  ASSERT_FALSE(cut);
  EXPECT_TRUE(cut.error() == errc::bad_padding || cut.error() == errc::bad_length ||
              cut.error() == errc::receive_id_mismatch)
      << cut.error().message();
}

TEST(WecomCrypto, RejectsBadBase64) {
  const auto c = sample_crypto();
  const std::string enc = vectors().at(0).at("encrypt").get<std::string>();
  for (const std::string& bad :
       {std::string(), enc.substr(1), enc.substr(0, 86), " " + enc.substr(1),
        enc.substr(0, 40) + "\n" + enc.substr(41), enc.substr(0, 20) + "-" + enc.substr(21),
        enc.substr(0, 20) + "=" + enc.substr(21), std::string("====")}) {
    SCOPED_TRACE(bad);
    const auto plain = c.decrypt(bad);
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error(), errc::bad_base64);
  }
}

TEST(WecomCrypto, RoundTripsTextOfEveryShape) {
  const auto c = sample_crypto();
  std::vector<std::string> texts = {"",
                                    "a",
                                    "落户需要什么材料",
                                    "𠮷野家 emoji 😀",
                                    std::string(2048, 'x'),
                                    std::string("\0\x01\xff", 3)};
  for (std::size_t len = 0; len < 70; ++len) texts.emplace_back(len, 'm');
  for (const auto& text : texts) {
    const auto enc = c.encrypt(text);
    EXPECT_EQ(c.decrypt(enc).value(), text);
  }
  EXPECT_NE(c.encrypt("same"), c.encrypt("same")) << "random prefix must differ per message";
}

TEST(WecomCrypto, PassiveReplyDecryptsBackAndIsSigned) {
  const auto c = sample_crypto();
  const std::string reply =
      "<xml><ToUserName><![CDATA[talent0]]></"
      "ToUserName><FromUserName><![CDATA[wx5823bf96d3bd56c7]]>"
      "</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
      "<Content><![CDATA[收到]]></Content></xml>";
  const std::string xml = c.passive_reply(reply, "1700000001", "n0nce42");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_buffer(xml.data(), xml.size()));
  const auto root = doc.child("xml");
  const std::string enc = root.child("Encrypt").text().get();
  EXPECT_EQ(std::string(root.child("TimeStamp").text().get()), "1700000001");
  EXPECT_EQ(std::string(root.child("Nonce").text().get()), "n0nce42");
  EXPECT_TRUE(c.verify(root.child("MsgSignature").text().get(), "1700000001", "n0nce42", enc));
  EXPECT_EQ(c.decrypt(enc).value(), reply);
}

TEST(WecomCrypto, PassiveReplyRefusesTimestampOrNonceThatWouldBreakTheXml) {
  const auto c = sample_crypto();
  EXPECT_THROW(c.passive_reply("<xml/>", "17</TimeStamp>", "n"), std::invalid_argument);
  EXPECT_THROW(c.passive_reply("<xml/>", "", "n"), std::invalid_argument);
  EXPECT_THROW(c.passive_reply("<xml/>", "1", "]]>"), std::invalid_argument);
}

TEST(WecomCrypto, ErrorsBelongToTheWecomCategoryAndNameWhatFailed) {
  const boost::system::error_code ec = errc::bad_padding;
  EXPECT_STREQ(ec.category().name(), "wecom");
  EXPECT_EQ(ec, make_error_code(errc::bad_padding));
  EXPECT_NE(ec.message().find("padding"), std::string::npos);
  for (int e = static_cast<int>(errc::signature_mismatch); e <= static_cast<int>(errc::bad_config);
       ++e) {
    const auto message = make_error_code(static_cast<errc>(e)).message();
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find(kAesKey), std::string::npos);
    EXPECT_EQ(message.find("unknown"), std::string::npos) << e;
  }
}

TEST(WecomCrypto, SharedInstanceDecryptsConcurrently) {
  const auto c = sample_crypto();
  const auto& v = vectors().at(0);
  const auto enc = v.at("encrypt").get<std::string>();
  const auto expected = v.at("plaintext").get<std::string>();
  std::array<int, 4> failures{};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto own = c.encrypt("thread " + std::to_string(t));
        if (c.decrypt(enc).value() != expected) ++failures[t];
        if (c.decrypt(own).value() != "thread " + std::to_string(t)) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, (std::array<int, 4>{}));
}

}  // namespace
}  // namespace talentbot::wecom
