#include "adapters/wecom/message.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace talentbot::wecom {
namespace {

using nlohmann::json;

constexpr const char* kVectorsPath = TALENTBOT_SOURCE_DIR "/tests/adapters/data/wecom_vectors.json";

const json& vectors() {
  static const json all = [] {
    std::ifstream in(kVectorsPath, std::ios::binary);
    json parsed = json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
    if (!parsed.is_array() || parsed.empty()) throw std::runtime_error("cannot load wecom vectors");
    return parsed;
  }();
  return all;
}

// A decrypted callback as WeCom sends it: the common fields and then the type's own.
std::string message_xml(
    const std::string& type, const std::string& fields,
    const std::string& from = "<FromUserName><![CDATA[talent0]]></FromUserName>",
    const std::string& created = "<CreateTime>1700000000</CreateTime>") {
  return "<xml><ToUserName><![CDATA[ww0000000000000000]]></ToUserName>" + from + created +
         "<MsgType><![CDATA[" + type + "]]></MsgType>" + fields +
         "<AgentID>1000002</AgentID></xml>";
}

std::string event_xml(const std::string& event, const std::string& fields) {
  return message_xml("event", "<Event><![CDATA[" + event + "]]></Event>" + fields,
                     "<FromUserName><![CDATA[spec1]]></FromUserName>");
}

TEST(WecomMessage, ParsesTextMessage) {
  const auto m = parse_inbound(vectors().at(1).at("plaintext").get<std::string>()).value();
  EXPECT_EQ(m.channel, "wecom");
  EXPECT_EQ(m.user, "talent0");
  EXPECT_EQ(m.kind, "text");
  EXPECT_EQ(m.text, "落户需要什么材料");
  EXPECT_EQ(m.msg_id, "7000000000000000000");
  EXPECT_EQ(m.created_at, 1751973632);
  EXPECT_EQ(m.agent_id, "1000002");
  EXPECT_TRUE(m.event.empty());
}

TEST(WecomMessage, ParsesEveryVectorMessage) {
  int parsed = 0;
  for (const auto& v : vectors()) {
    if (v.at("kind") == "url_verify") continue;
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto m = parse_inbound(v.at("plaintext").get<std::string>());
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->kind, v.at("kind").get<std::string>());
    EXPECT_FALSE(m->msg_id.empty());
    ++parsed;
  }
  EXPECT_GE(parsed, 15);
}

TEST(WecomMessage, ParsesImageVoiceAndVideo) {
  const auto image =
      parse_inbound(
          message_xml("image",
                      "<PicUrl><![CDATA[https://p.example/1.jpg]]></PicUrl>"
                      "<MediaId><![CDATA[media_img]]></MediaId><MsgId>1234567890123456</MsgId>"))
          .value();
  EXPECT_EQ(image.kind, "image");
  EXPECT_EQ(image.pic_url, "https://p.example/1.jpg");
  EXPECT_EQ(image.media_id, "media_img");
  EXPECT_EQ(image.msg_id, "1234567890123456");

  const auto voice =
      parse_inbound(
          message_xml("voice",
                      "<MediaId><![CDATA[media_voice]]></MediaId><Format><![CDATA[amr]]></Format>"
                      "<MsgId>2</MsgId>"))
          .value();
  EXPECT_EQ(voice.kind, "voice");
  EXPECT_EQ(voice.media_id, "media_voice");

  const auto video =
      parse_inbound(message_xml("video",
                                "<MediaId><![CDATA[media_video]]></MediaId>"
                                "<ThumbMediaId><![CDATA[thumb]]></ThumbMediaId><MsgId>3</MsgId>"))
          .value();
  EXPECT_EQ(video.kind, "video");
  EXPECT_EQ(video.media_id, "media_video");
}

TEST(WecomMessage, ParsesLocationWithLabelAsText) {
  const auto m =
      parse_inbound(
          message_xml("location",
                      "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y>"
                      "<Scale>20</Scale><Label><![CDATA[广州市海珠区客村艺苑路 106号]]></Label>"
                      "<MsgId>1234567890123456</MsgId>"))
          .value();
  EXPECT_EQ(m.kind, "location");
  EXPECT_DOUBLE_EQ(m.latitude, 23.134521);
  EXPECT_DOUBLE_EQ(m.longitude, 113.358803);
  EXPECT_EQ(m.text, "广州市海珠区客村艺苑路 106号");
}

TEST(WecomMessage, ParsesLinkWithTitleAsText) {
  const auto m =
      parse_inbound(
          message_xml(
              "link",
              "<Title><![CDATA[人才政策]]></Title><Description><![CDATA[全文]]></Description>"
              "<Url><![CDATA[https://hr.example/policy]]></Url>"
              "<PicUrl><![CDATA[https://hr.example/p.png]]></PicUrl><MsgId>77</MsgId>"))
          .value();
  EXPECT_EQ(m.kind, "link");
  EXPECT_EQ(m.text, "人才政策");
  EXPECT_EQ(m.url, "https://hr.example/policy");
  EXPECT_EQ(m.pic_url, "https://hr.example/p.png");
  EXPECT_EQ(m.msg_id, "77");
}

TEST(WecomMessage, ParsesEnterAgentEventWithEmptyKey) {
  const auto m = parse_inbound(vectors().at(11).at("plaintext").get<std::string>()).value();
  EXPECT_EQ(m.kind, "event");
  EXPECT_EQ(m.event, "enter_agent");
  EXPECT_EQ(m.event_key, "");
  EXPECT_EQ(m.user, "spec10");
  EXPECT_EQ(m.msg_id, "spec10:1762174464:enter_agent:");
}

TEST(WecomMessage, ParsesClickAndViewMenuEvents) {
  const auto click =
      parse_inbound(event_xml("click", "<EventKey><![CDATA[MENU_SERVICES]]></EventKey>")).value();
  EXPECT_EQ(click.event, "click");
  EXPECT_EQ(click.event_key, "MENU_SERVICES");
  EXPECT_EQ(click.msg_id, "spec1:1700000000:click:MENU_SERVICES");

  const auto view =
      parse_inbound(event_xml("view", "<EventKey><![CDATA[https://hr.example/menu]]></EventKey>"))
          .value();
  EXPECT_EQ(view.event, "view");
  EXPECT_EQ(view.event_key, "https://hr.example/menu");
}

TEST(WecomMessage, ParsesTemplateCardEventWithTaskIdAndResponseCode) {
  const auto m = parse_inbound(vectors().at(13).at("plaintext").get<std::string>()).value();
  EXPECT_EQ(m.event, "template_card_event");
  EXPECT_EQ(m.event_key, "accept");
  EXPECT_EQ(m.task_id, "case-GC20261124-0007");
  EXPECT_EQ(m.card_type, "button_interaction");
  EXPECT_EQ(m.response_code, "Wac6goOk2qKqMAIi02WeAmo062qockwK2wcqcQOy");
  EXPECT_EQ(m.msg_id, "spec12:1746450240:template_card_event:accept:case-GC20261124-0007");
}

TEST(WecomMessage, ParsesLocationReportEvent) {
  const auto m =
      parse_inbound(event_xml("LOCATION",
                              "<Latitude>23.104105</Latitude><Longitude>113.320107</Longitude>"
                              "<Precision>65.000000</Precision>"))
          .value();
  EXPECT_EQ(m.event, "LOCATION");
  EXPECT_DOUBLE_EQ(m.latitude, 23.104105);
  EXPECT_DOUBLE_EQ(m.longitude, 113.320107);
  EXPECT_EQ(m.msg_id, "spec1:1700000000:LOCATION:");
}

TEST(WecomMessage, EventDedupeIdIsTheSameForRetriesAndDiffersPerClick) {
  const std::string card =
      "<EventKey><![CDATA[accept]]></EventKey><TaskId><![CDATA[t1]]></TaskId>"
      "<ResponseCode><![CDATA[rc1]]></ResponseCode>";
  const auto first = parse_inbound(event_xml("template_card_event", card)).value();
  const auto retry = parse_inbound(event_xml("template_card_event", card)).value();
  EXPECT_EQ(first.msg_id, retry.msg_id);
  const auto other_button =
      parse_inbound(
          event_xml("template_card_event",
                    "<EventKey><![CDATA[reject]]></EventKey><TaskId><![CDATA[t1]]></TaskId>"))
          .value();
  const auto other_card =
      parse_inbound(
          event_xml("template_card_event",
                    "<EventKey><![CDATA[accept]]></EventKey><TaskId><![CDATA[t2]]></TaskId>"))
          .value();
  EXPECT_NE(first.msg_id, other_button.msg_id);
  EXPECT_NE(first.msg_id, other_card.msg_id);
  EXPECT_EQ(event_dedupe_id("u", 5, "click", "K", ""), "u:5:click:K");
  EXPECT_EQ(event_dedupe_id("u", 5, "template_card_event", "K", "T"),
            "u:5:template_card_event:K:T");
}

TEST(WecomMessage, JoinsTextSplitAcrossCdataSections) {
  // "]]>" cannot appear inside one CDATA section, so a sender splits it.
  const auto m =
      parse_inbound(
          message_xml("text", "<Content><![CDATA[a]]]]><![CDATA[>b]]></Content><MsgId>1</MsgId>"))
          .value();
  EXPECT_EQ(m.text, "a]]>b");
}

TEST(WecomMessage, DecodesPredefinedEscapesButNoOtherEntity) {
  const auto m =
      parse_inbound(
          message_xml("text", "<Content>&lt;b&gt; &amp; &#20320; &xxe;</Content><MsgId>1</MsgId>"))
          .value();
  EXPECT_EQ(m.text, "<b> & 你 &xxe;");
}

TEST(WecomMessage, RejectsDoctypeWithEntityDeclarations) {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>" +
      message_xml("text", "<Content>&lol2;</Content><MsgId>1</MsgId>");
  EXPECT_EQ(parse_inbound(laughs).error(), errc::xml_doctype_forbidden);

  const std::string xxe = "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
                          message_xml("text", "<Content>&xxe;</Content><MsgId>1</MsgId>");
  EXPECT_EQ(parse_inbound(xxe).error(), errc::xml_doctype_forbidden);
  EXPECT_EQ(extract_encrypt("<!DOCTYPE xml SYSTEM \"http://evil.example/x.dtd\">"
                            "<xml><Encrypt>abcd</Encrypt></xml>")
                .error(),
            errc::xml_doctype_forbidden);
}

TEST(WecomMessage, RejectsDoctypeInsideTheDocument) {
  const auto m = parse_inbound("<xml><!DOCTYPE x><FromUserName>u</FromUserName></xml>");
  ASSERT_FALSE(m);
  EXPECT_TRUE(m.error() == errc::xml_parse_failed || m.error() == errc::xml_doctype_forbidden);
}

TEST(WecomMessage, RejectsOversizedDocument) {
  const std::string xml = message_xml("text", "<Content>hi</Content><MsgId>1</MsgId>");
  EXPECT_TRUE(parse_inbound(xml, xml.size()));
  EXPECT_EQ(parse_inbound(xml, xml.size() - 1).error(), errc::xml_too_large);
  const std::string huge = message_xml(
      "text", "<Content>" + std::string(kMaxCallbackXmlBytes, 'x') + "</Content><MsgId>1</MsgId>");
  EXPECT_EQ(parse_inbound(huge).error(), errc::xml_too_large);
  EXPECT_EQ(extract_encrypt("<xml><Encrypt>" + std::string(kMaxCallbackXmlBytes, 'A') +
                            "</Encrypt></xml>")
                .error(),
            errc::xml_too_large);
}

TEST(WecomMessage, SurvivesDeeplyNestedElementsWithinTheLimit) {
  std::string nested;
  for (int i = 0; i < 8000; ++i) nested += "<a>";
  for (int i = 0; i < 8000; ++i) nested += "</a>";
  const auto m = parse_inbound(message_xml("text", nested + "<MsgId>1</MsgId>"));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->text, "");
}

TEST(WecomMessage, RejectsMissingRequiredFields) {
  const std::string text = "<Content>hi</Content><MsgId>1</MsgId>";
  EXPECT_EQ(parse_inbound(message_xml("text", text, "")).error(), errc::missing_field);
  EXPECT_EQ(parse_inbound(message_xml("text", text, "<FromUserName></FromUserName>")).error(),
            errc::missing_field);
  EXPECT_EQ(
      parse_inbound(message_xml("text", text, "<FromUserName><![CDATA[u]]></FromUserName>", ""))
          .error(),
      errc::missing_field);
  EXPECT_EQ(parse_inbound(message_xml("", text)).error(), errc::missing_field);
  EXPECT_EQ(parse_inbound(message_xml("text", "<Content>hi</Content>")).error(),
            errc::missing_field);
  EXPECT_EQ(parse_inbound(message_xml("image", "<MediaId>m</MediaId>")).error(),
            errc::missing_field);
  EXPECT_EQ(parse_inbound(message_xml("event", "<EventKey>k</EventKey>")).error(),
            errc::missing_field);
}

TEST(WecomMessage, RejectsMalformedFieldValues) {
  const std::string text = "<Content>hi</Content><MsgId>1</MsgId>";
  const std::string from = "<FromUserName>u</FromUserName>";
  EXPECT_EQ(parse_inbound(message_xml("text", text, from, "<CreateTime>17e9</CreateTime>")).error(),
            errc::bad_field);
  EXPECT_EQ(parse_inbound(message_xml("text", text, from, "<CreateTime>-1</CreateTime>")).error(),
            errc::bad_field);
  EXPECT_EQ(parse_inbound(message_xml("location", "<Location_X>north</Location_X><MsgId>1</MsgId>"))
                .error(),
            errc::bad_field);
}

TEST(WecomMessage, RejectsMalformedXmlOrAnotherRoot) {
  EXPECT_EQ(parse_inbound("").error(), errc::xml_parse_failed);
  EXPECT_EQ(parse_inbound("<xml><FromUserName>u</xml>").error(), errc::xml_parse_failed);
  EXPECT_EQ(parse_inbound("not xml at all").error(), errc::xml_parse_failed);
  EXPECT_EQ(parse_inbound("<msg><FromUserName>u</FromUserName></msg>").error(),
            errc::xml_parse_failed);
}

TEST(WecomMessage, ExtractsEncryptFromTheCallbackEnvelope) {
  const std::string body =
      "<xml><ToUserName><![CDATA[ww0000000000000000]]></ToUserName>"
      "<AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[ab+/cd==]]></Encrypt></xml>";
  EXPECT_EQ(extract_encrypt(body).value(), "ab+/cd==");
  EXPECT_EQ(extract_encrypt("<xml><ToUserName>x</ToUserName></xml>").error(), errc::missing_field);
  EXPECT_EQ(extract_encrypt("<xml><Encrypt></Encrypt></xml>").error(), errc::missing_field);
  EXPECT_EQ(extract_encrypt("<xml><Encrypt>abc").error(), errc::xml_parse_failed);
}

TEST(WecomMessage, JsonRoundTripKeepsEveryField) {
  InboundMessage m;
  m.user = "spec12";
  m.msg_id = "spec12:1746450240:template_card_event:accept:t";
  m.kind = "event";
  m.text = "含 \"引号\" 和\n换行";
  m.event = "template_card_event";
  m.event_key = "accept";
  m.task_id = "t";
  m.response_code = "rc";
  m.card_type = "button_interaction";
  m.media_id = "mid";
  m.pic_url = "https://p";
  m.url = "https://u";
  m.latitude = 23.134521;
  m.longitude = -113.358803;
  m.created_at = 1746450240;
  m.agent_id = "1000002";
  EXPECT_EQ(from_json(to_json(m)).value(), m);

  const auto text = parse_inbound(vectors().at(9).at("plaintext").get<std::string>()).value();
  EXPECT_EQ(from_json(to_json(text)).value(), text);
}

TEST(WecomMessage, JsonLeavesOutEmptyFields) {
  InboundMessage m;
  m.user = "u";
  m.msg_id = "1";
  m.kind = "text";
  m.text = "hi";
  m.created_at = 5;
  EXPECT_EQ(to_json(m), R"({"at":5,"ch":"wecom","id":"1","k":"text","t":"hi","u":"u"})");
}

TEST(WecomMessage, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  InboundMessage m;
  m.user = "u";
  m.msg_id = "1";
  m.kind = "text";
  m.text = std::string("ok\xff", 3);  // an assignment from the literal trips GCC 12 -Wrestrict
  const auto back = from_json(to_json(m)).value();
  EXPECT_EQ(back.text, "ok\xef\xbf\xbd");
}

TEST(WecomMessage, FromJsonRejectsGarbageWrongTypesAndMissingIds) {
  EXPECT_EQ(from_json("").error(), errc::json_parse_failed);
  EXPECT_EQ(from_json("{").error(), errc::json_parse_failed);
  EXPECT_EQ(from_json("[1]").error(), errc::json_parse_failed);
  EXPECT_EQ(from_json(R"({"u":1,"id":"1","k":"text"})").error(), errc::json_parse_failed);
  EXPECT_EQ(from_json(R"({"u":"u","id":"1","k":"text","at":"5"})").error(),
            errc::json_parse_failed);
  EXPECT_EQ(from_json(R"({"u":"u","id":"1","k":"text","at":18446744073709551615})").error(),
            errc::json_parse_failed);
  EXPECT_EQ(from_json(R"({"u":"u","k":"text"})").error(), errc::missing_field);
  EXPECT_EQ(from_json(R"({"u":"u","id":"1","k":"text"})").value().channel, "wecom");
}

}  // namespace
}  // namespace talentbot::wecom
