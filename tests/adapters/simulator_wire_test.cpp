// The simulator's wire format: query strings, and callbacks the bot's own crypto and parser accept.
#include "adapters/simulator/wire.hpp"

#include <gtest/gtest.h>

#include "adapters/wecom/crypto.hpp"
#include "adapters/wecom/message.hpp"

namespace talentbot::sim {
namespace {

wecom::CallbackCrypto crypto() {
  return wecom::CallbackCrypto::create("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
      .value();
}

// What a bot does with a callback: verify, decrypt, parse.
wecom::InboundMessage open(Callback const& cb) {
  auto const query = parse_query(std::string_view(cb.url).substr(cb.url.find('?') + 1));
  auto const encrypt = wecom::extract_encrypt(cb.body).value();
  auto const c = crypto();
  auto const xml = c.verify_and_decrypt(query.at("msg_signature"), query.at("timestamp"), query.at("nonce"), encrypt);
  if (!xml) throw std::runtime_error("callback does not verify: " + xml.error().message());
  return wecom::parse_inbound(*xml).value();
}

TEST(SimulatorWire, ParseQueryDecodesPercentEscapesAndPlus) {
  auto q = parse_query("corpid=ww1&corpsecret=a%2Bb%3D%3D&text=%E8%90%BD%E6%88%B7+ok&flag&corpid=second");
  EXPECT_EQ(q.at("corpid"), "ww1");
  EXPECT_EQ(q.at("corpsecret"), "a+b==");
  EXPECT_EQ(q.at("text"), "落户 ok");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(parse_query("bad=%zz%4").at("bad"), "%zz%4");
}

TEST(SimulatorWire, MaskQueryHidesTokensSecretsAndRobotKeys) {
  EXPECT_EQ(mask_query("access_token=abc&debug=1"), "access_token=***&debug=1");
  EXPECT_EQ(mask_query("corpid=ww1&corpsecret=s3cret"), "corpid=ww1&corpsecret=***");
  EXPECT_EQ(mask_query("key=robot-key"), "key=***");
}

TEST(SimulatorWire, TextCallbackVerifiesDecryptsAndParsesAsTheBotWould) {
  auto const xml = text_message_xml("wx5823bf96d3bd56c7", "talent1", 1000002, "落户需要什么材料？]]> <b>",
                                    1764000000000123, 1764000000);
  auto const cb = seal_callback(crypto(), "http://127.0.0.1:8080/wecom/callback", 1000002, xml, "1764000000", "n0nce");
  EXPECT_TRUE(cb.url.starts_with("http://127.0.0.1:8080/wecom/callback?msg_signature="));
  EXPECT_NE(cb.body.find("<ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"), std::string::npos);
  EXPECT_NE(cb.body.find("<AgentID><![CDATA[1000002]]></AgentID>"), std::string::npos);
  auto const m = open(cb);
  EXPECT_EQ(m.user, "talent1");
  EXPECT_EQ(m.kind, "text");
  EXPECT_EQ(m.text, "落户需要什么材料？]]> <b>");
  EXPECT_EQ(m.msg_id, "1764000000000123");
  EXPECT_EQ(m.created_at, 1764000000);
  EXPECT_EQ(m.agent_id, "1000002");
}

TEST(SimulatorWire, CardClickCallbackCarriesTaskKeyAndResponseCode) {
  auto const xml =
      card_event_xml("wx5823bf96d3bd56c7", "specialist1", 1000002, "GC20261124-0007", "accept", "code-1", 1764000001);
  auto const cb = seal_callback(crypto(), "https://bot.example/cb?x=1", 1000002, xml, "1764000001", "abc");
  EXPECT_TRUE(cb.url.starts_with("https://bot.example/cb?x=1&msg_signature="));
  auto const m = open(cb);
  EXPECT_EQ(m.kind, "event");
  EXPECT_EQ(m.event, "template_card_event");
  EXPECT_EQ(m.task_id, "GC20261124-0007");
  EXPECT_EQ(m.event_key, "accept");
  EXPECT_EQ(m.response_code, "code-1");
  EXPECT_EQ(m.card_type, "button_interaction");
}

}  // namespace
}  // namespace talentbot::sim
