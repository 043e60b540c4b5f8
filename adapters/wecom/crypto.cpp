#include "adapters/wecom/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

namespace talentbot::wecom {
namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kEncodingAesKeyChars = 43;
// The official samples pad to 32 bytes, not to the AES block (wecom-protocol.md, "Padding").
constexpr std::size_t kPadBlock = 32;
constexpr std::size_t kAesBlock = 16;
constexpr std::size_t kLengthBytes = 4;
constexpr std::size_t kHeaderBytes = CallbackCrypto::kRandomBytes + kLengthBytes;
constexpr std::size_t kSha1Bytes = 20;

class WecomCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "wecom"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::signature_mismatch:
        return "msg_signature does not match token/timestamp/nonce/encrypt";
      case errc::bad_aes_key:
        return "EncodingAESKey is not 43 base64 characters decoding to 32 bytes";
      case errc::bad_base64:
        return "ciphertext is not valid base64";
      case errc::decrypt_failed:
        return "AES-256-CBC decryption failed (ciphertext not whole blocks)";
      case errc::bad_padding:
        return "decrypted buffer has PKCS#7 padding outside 1..32";
      case errc::bad_length:
        return "decrypted message length does not fit the buffer";
      case errc::receive_id_mismatch:
        return "decrypted receive id is not our corp id";
      case errc::encrypt_failed:
        return "AES-256-CBC encryption failed";
      case errc::xml_parse_failed:
        return "XML is not well-formed or has no <xml> root";
      case errc::xml_too_large:
        return "XML document exceeds the size limit";
      case errc::xml_doctype_forbidden:
        return "XML document contains a DOCTYPE";
      case errc::missing_field:
        return "a required field is missing or empty";
      case errc::bad_field:
        return "a field has an invalid value";
      case errc::json_parse_failed:
        return "stored message JSON is malformed";
      case errc::bad_config:
        return "callback token or receive id is empty";
    }
    return "unknown wecom error";
  }
};

// Explicit fetches once per process: the implicit fetch behind EVP_sha1()/EVP_aes_256_cbc() costs a
// lookup on every init, and this runs on every callback.
const EVP_MD* sha1_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

const EVP_CIPHER* aes_256_cbc() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  return cipher;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// AES-256-CBC with OpenSSL's own padding off (the 32-byte PKCS#7 is applied by hand) and the IV
// taken from the first 16 bytes of the key, as wecom-protocol.md ("Key") prescribes.
bool aes_256_cbc_no_padding(bool encrypt, const std::array<unsigned char, kKeyBytes>& key,
                            std::string_view in, std::string& out) {
  out.assign(in.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int out_len = 0;
  int final_len = 0;
  const bool ok =
      ctx &&
      EVP_CipherInit_ex(ctx.get(), aes_256_cbc(), nullptr, key.data(), key.data(),
                        encrypt ? 1 : 0) == 1 &&
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
      EVP_CipherUpdate(ctx.get(), dst, &out_len, reinterpret_cast<const unsigned char*>(in.data()),
                       static_cast<int>(in.size())) == 1 &&
      EVP_CipherFinal_ex(ctx.get(), dst + out_len, &final_len) == 1;
  return ok && static_cast<std::size_t>(out_len) + static_cast<std::size_t>(final_len) == in.size();
}

bool is_base64_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Strict standard base64 (no whitespace, no URL alphabet, '=' only as the last one or two
// characters). EVP_DecodeBlock alone would skip surrounding whitespace and counts '=' as zero
// bytes.
boost::system::result<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 ||
      in.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return make_error_code(errc::bad_base64);
  }
  std::size_t pad = 0;
  if (in.back() == '=') pad = in[in.size() - 2] == '=' ? 2 : 1;
  for (std::size_t i = 0; i < in.size() - pad; ++i) {
    if (!is_base64_char(in[i])) return make_error_code(errc::bad_base64);
  }
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) return make_error_code(errc::bad_base64);
  out.resize(out.size() - pad);
  return out;
}

std::string base64_encode(const unsigned char* data, std::size_t size) {
  std::string out((size + 2) / 3 * 4 + 1, '\0');  // EVP_EncodeBlock writes a trailing NUL
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

[[noreturn]] void throw_encrypt_failed() {
  throw boost::system::system_error(make_error_code(errc::encrypt_failed));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

}  // namespace

const boost::system::error_category& wecom_category() noexcept {
  static const WecomCategory category;
  return category;
}

CallbackCrypto::CallbackCrypto(std::string token, const std::array<unsigned char, kKeyBytes>& key,
                               std::string receive_id)
    : token_(std::move(token)), key_(key), receive_id_(std::move(receive_id)) {}

CallbackCrypto::~CallbackCrypto() { OPENSSL_cleanse(key_.data(), key_.size()); }

boost::system::result<CallbackCrypto> CallbackCrypto::create(std::string token,
                                                             std::string_view encoding_aes_key,
                                                             std::string receive_id) {
  if (token.empty() || receive_id.empty()) return make_error_code(errc::bad_config);
  // AESKey = base64_decode(EncodingAESKey + "="). The 43rd character carries two unused bits that
  // real keys (the documentation's sample among them) set, so they must not be rejected.
  if (encoding_aes_key.size() != kEncodingAesKeyChars) return make_error_code(errc::bad_aes_key);
  std::string padded(encoding_aes_key);
  padded.push_back('=');
  auto decoded = base64_decode(padded);
  OPENSSL_cleanse(padded.data(), padded.size());
  if (!decoded || decoded->size() != kKeyBytes) {
    if (decoded) OPENSSL_cleanse(decoded->data(), decoded->size());
    return make_error_code(errc::bad_aes_key);
  }
  std::array<unsigned char, kKeyBytes> key{};
  std::copy(decoded->begin(), decoded->end(), key.begin());
  OPENSSL_cleanse(decoded->data(), decoded->size());
  CallbackCrypto crypto(std::move(token), key, std::move(receive_id));
  OPENSSL_cleanse(key.data(), key.size());
  return crypto;
}

std::string CallbackCrypto::signature(std::string_view timestamp, std::string_view nonce,
                                      std::string_view encrypt) const {
  // std::string_view orders char as unsigned char: the byte-wise sort the protocol asks for.
  std::array<std::string_view, 4> parts{token_, timestamp, nonce, encrypt};
  std::sort(parts.begin(), parts.end());

  MdCtx ctx(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), sha1_md(), nullptr) == 1;
  for (const auto part : parts) {
    ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx.get(), digest, &digest_len) == 1 && digest_len == kSha1Bytes;
  if (!ok) throw std::runtime_error("wecom: SHA1 computation failed");  // -40003: an OpenSSL fault

  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * kSha1Bytes, '\0');
  for (std::size_t i = 0; i < kSha1Bytes; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return hex;
}

bool CallbackCrypto::verify(std::string_view msg_signature, std::string_view timestamp,
                            std::string_view nonce, std::string_view encrypt) const {
  const std::string expected = signature(timestamp, nonce, encrypt);
  // The length is public (always 40); only the content comparison must not leak timing.
  if (msg_signature.size() != expected.size()) return false;
  return CRYPTO_memcmp(msg_signature.data(), expected.data(), expected.size()) == 0;
}

boost::system::result<std::string> CallbackCrypto::decrypt(std::string_view encrypt_b64) const {
  auto cipher_text = base64_decode(encrypt_b64);
  if (!cipher_text) return cipher_text.error();
  if (cipher_text->empty() || cipher_text->size() % kAesBlock != 0) {
    return make_error_code(errc::decrypt_failed);
  }

  std::string plain;
  if (!aes_256_cbc_no_padding(false, key_, *cipher_text, plain)) {
    return make_error_code(errc::decrypt_failed);
  }

  // PKCS#7 with a 32-byte block: 1..32 bytes, each equal to the count.
  const auto pad = static_cast<unsigned char>(plain.back());
  if (pad < 1 || pad > kPadBlock || pad > plain.size()) return make_error_code(errc::bad_padding);
  for (std::size_t i = plain.size() - pad; i < plain.size(); ++i) {
    if (static_cast<unsigned char>(plain[i]) != pad) return make_error_code(errc::bad_padding);
  }
  const std::size_t content_size = plain.size() - pad;

  // random(16) ‖ msg_len(4, big-endian) ‖ msg ‖ receive_id, with 16 + 4 + msg_len ≤ length.
  if (content_size < kHeaderBytes) return make_error_code(errc::bad_length);
  std::uint64_t msg_len = 0;
  for (std::size_t i = 0; i < kLengthBytes; ++i) {
    msg_len = (msg_len << 8) | static_cast<unsigned char>(plain[CallbackCrypto::kRandomBytes + i]);
  }
  if (msg_len > content_size - kHeaderBytes) return make_error_code(errc::bad_length);

  const std::string_view id =
      std::string_view(plain).substr(kHeaderBytes + msg_len, content_size - kHeaderBytes - msg_len);
  if (id != receive_id_) return make_error_code(errc::receive_id_mismatch);

  plain.resize(kHeaderBytes + msg_len);
  plain.erase(0, kHeaderBytes);
  return plain;
}

boost::system::result<std::string> CallbackCrypto::verify_and_decrypt(
    std::string_view msg_signature, std::string_view timestamp, std::string_view nonce,
    std::string_view encrypt_b64) const {
  if (!verify(msg_signature, timestamp, nonce, encrypt_b64)) {
    return make_error_code(errc::signature_mismatch);
  }
  return decrypt(encrypt_b64);
}

std::string CallbackCrypto::encrypt(std::string_view plaintext) const {
  std::array<unsigned char, kRandomBytes> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) throw_encrypt_failed();
  return encrypt_with_random(plaintext, random);
}

std::string CallbackCrypto::encrypt_with_random(
    std::string_view plaintext, std::span<const unsigned char, kRandomBytes> random) const {
  constexpr std::size_t kMaxInt = static_cast<std::size_t>(std::numeric_limits<int>::max());
  if (plaintext.size() > std::numeric_limits<std::uint32_t>::max() ||
      plaintext.size() > kMaxInt - kHeaderBytes - receive_id_.size() - kPadBlock) {
    throw_encrypt_failed();
  }
  std::string buffer;
  const std::size_t unpadded = kHeaderBytes + plaintext.size() + receive_id_.size();
  const std::size_t pad = kPadBlock - unpadded % kPadBlock;  // a full block when already aligned
  buffer.reserve(unpadded + pad);
  buffer.append(reinterpret_cast<const char*>(random.data()), random.size());
  const auto len = static_cast<std::uint32_t>(plaintext.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    buffer.push_back(static_cast<char>((len >> shift) & 0xff));
  }
  buffer.append(plaintext);
  buffer.append(receive_id_);
  buffer.append(pad, static_cast<char>(pad));

  std::string cipher_text;
  const bool ok = aes_256_cbc_no_padding(true, key_, buffer, cipher_text);
  OPENSSL_cleanse(buffer.data(), buffer.size());
  if (!ok) throw_encrypt_failed();
  return base64_encode(reinterpret_cast<const unsigned char*>(cipher_text.data()),
                       cipher_text.size());
}

std::string CallbackCrypto::passive_reply(std::string_view plaintext_xml,
                                          std::string_view timestamp,
                                          std::string_view nonce) const {
  // Both go into the XML unescaped; TimeStamp is not even inside CDATA.
  if (!all_digits(timestamp)) throw std::invalid_argument("wecom: reply timestamp must be digits");
  if (!all_alnum(nonce)) throw std::invalid_argument("wecom: reply nonce must be letters/digits");
  const std::string encrypted = encrypt(plaintext_xml);
  const std::string sig = signature(timestamp, nonce, encrypted);

  std::string xml;
  xml.reserve(encrypted.size() + sig.size() + timestamp.size() + nonce.size() + 160);
  xml.append("<xml><Encrypt><![CDATA[").append(encrypted);
  xml.append("]]></Encrypt><MsgSignature><![CDATA[").append(sig);
  xml.append("]]></MsgSignature><TimeStamp>").append(timestamp);
  xml.append("</TimeStamp><Nonce><![CDATA[").append(nonce);
  xml.append("]]></Nonce></xml>");
  return xml;
}

}  // namespace talentbot::wecom
