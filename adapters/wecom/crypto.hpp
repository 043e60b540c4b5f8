#pragma once
// WeCom callback crypto (企业微信回调加解密): signature, AES-256-CBC with the 32-byte PKCS#7
// block, and the random ‖ length ‖ message ‖ receive_id framing of wecom-protocol.md. No I/O.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace talentbot::wecom {

// Error names follow the official sample codes (-400xx) where one exists.
enum class errc {
  signature_mismatch = 1,  // -40001
  bad_aes_key,             // -40004
  bad_base64,              // -40010
  decrypt_failed,          // -40007
  bad_padding,             // -40008
  bad_length,              // -40008
  receive_id_mismatch,     // -40005
  encrypt_failed,          // -40006
  xml_parse_failed,        // -40002
  xml_too_large,
  xml_doctype_forbidden,
  missing_field,
  bad_field,
  json_parse_failed,
  bad_config,
};

const boost::system::error_category& wecom_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), wecom_category()};
}

// The fixed parameters of one callback URL: token, AES key and our receive id (the corp id).
// Immutable after create(), so one instance is shared read-only by all threads.
class CallbackCrypto {
 public:
  static constexpr std::size_t kRandomBytes = 16;

  static boost::system::result<CallbackCrypto> create(std::string token,
                                                      std::string_view encoding_aes_key,
                                                      std::string receive_id);

  CallbackCrypto(const CallbackCrypto&) = default;
  CallbackCrypto(CallbackCrypto&&) noexcept = default;
  CallbackCrypto& operator=(const CallbackCrypto&) = default;
  CallbackCrypto& operator=(CallbackCrypto&&) noexcept = default;
  ~CallbackCrypto();

  // Lowercase hex SHA1 of the byte-wise sorted token, timestamp, nonce and encrypt.
  std::string signature(std::string_view timestamp, std::string_view nonce,
                        std::string_view encrypt) const;

  // Constant-time comparison against signature().
  bool verify(std::string_view msg_signature, std::string_view timestamp, std::string_view nonce,
              std::string_view encrypt) const;

  // The message inside a base64 ciphertext, after checking padding, length and receive id.
  boost::system::result<std::string> decrypt(std::string_view encrypt_b64) const;

  // verify() then decrypt(): what a callback handler needs, in the only safe order.
  boost::system::result<std::string> verify_and_decrypt(std::string_view msg_signature,
                                                        std::string_view timestamp,
                                                        std::string_view nonce,
                                                        std::string_view encrypt_b64) const;

  // Base64 ciphertext of plaintext with fresh random bytes. Throws boost::system::system_error
  // (errc::encrypt_failed) only if OpenSSL itself fails.
  std::string encrypt(std::string_view plaintext) const;
  std::string encrypt_with_random(std::string_view plaintext,
                                  std::span<const unsigned char, kRandomBytes> random) const;

  // The encrypted passive-reply XML (Encrypt, MsgSignature, TimeStamp, Nonce) for a reply message.
  // timestamp must be decimal digits and nonce letters/digits (we generate both): otherwise
  // std::invalid_argument, since they are written into the XML as they are.
  std::string passive_reply(std::string_view plaintext_xml, std::string_view timestamp,
                            std::string_view nonce) const;

  const std::string& receive_id() const noexcept { return receive_id_; }

 private:
  CallbackCrypto(std::string token, const std::array<unsigned char, 32>& key,
                 std::string receive_id);

  std::string token_;
  std::array<unsigned char, 32> key_{};
  std::string receive_id_;
};

}  // namespace talentbot::wecom

namespace boost::system {
template <>
struct is_error_code_enum<talentbot::wecom::errc> : std::true_type {};
}  // namespace boost::system
