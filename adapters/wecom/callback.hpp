#pragma once
// One WeCom callback request → what to answer and, for a message, the normalised message.
// Pure (no I/O): the HTTP route feeds it the query and body and acts on the outcome.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/wecom/crypto.hpp"
#include "adapters/wecom/message.hpp"

namespace talentbot::wecom {

struct CallbackQuery {
  std::string msg_signature, timestamp, nonce, echostr;
};

// Percent-decodes the query string. '+' stays '+': echostr is base64, and treating '+' as a space
// (form decoding) would break URL verification for about half of all echostr values.
CallbackQuery parse_callback_query(std::string_view query);

struct CallbackOutcome {
  unsigned http_status = 200;
  std::string body;                       // what to answer (echostr plaintext, or empty)
  std::optional<InboundMessage> message;  // set for an accepted POST
  std::string reason;                     // why it was refused, for the log (never secrets)
};

// GET: the admin saves the callback URL; answer the decrypted echostr, as is.
CallbackOutcome verify_url(CallbackCrypto const& crypto, CallbackQuery const& query);

// POST: a message or event. Bad signature → 401; wrong corp id, undecryptable body or malformed
// XML → 400. On success the message is set and the answer is 200 with an empty body (the route
// answers only after the message is stored).
CallbackOutcome open_callback(CallbackCrypto const& crypto, CallbackQuery const& query, std::string_view body);

}  // namespace talentbot::wecom
