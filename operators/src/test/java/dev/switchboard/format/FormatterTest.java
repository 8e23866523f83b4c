package dev.switchboard.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormatterTest {

    private static JsonNode body(PlatformRequest r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void telegramSendMessageQuotesAndStaysInTheTopic() throws Exception {
        List<PlatformRequest> out = new TelegramFormatter().format(
                new Reply("-1001987654321", "Refund request noted.", "1202", "1188"));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).endpoint()).isEqualTo("sendMessage");
        JsonNode b = body(out.get(0));
        assertThat(b.get("chat_id").isIntegralNumber()).isTrue();
        assertThat(b.get("chat_id").asLong()).isEqualTo(-1001987654321L);
        assertThat(b.get("message_thread_id").asLong()).isEqualTo(1188);
        assertThat(b.get("text").asText()).isEqualTo("Refund request noted.");
        assertThat(b.at("/reply_parameters/message_id").asLong()).isEqualTo(1202);
        assertThat(b.get("parse_mode").asText()).isEqualTo("HTML");
    }

    @Test
    void telegramChannelUsernameStaysAString() throws Exception {
        JsonNode b = body(new TelegramFormatter().format(new Reply("@acme_news", "hi", null, null)).get(0));
        assertThat(b.get("chat_id").asText()).isEqualTo("@acme_news");
        assertThat(b.has("reply_parameters")).isFalse();
        assertThat(b.has("message_thread_id")).isFalse();
    }

    @Test
    void slackThreadsInChannelsButNotInDirectMessages() throws Exception {
        JsonNode channel = body(new SlackFormatter().format(new Reply("C123ABC456", "a < b & c", "1515449522.000016", null)).get(0));
        assertThat(channel.get("channel").asText()).isEqualTo("C123ABC456");
        assertThat(channel.get("thread_ts").asText()).isEqualTo("1515449522.000016");
        assertThat(channel.get("text").asText()).isEqualTo("a &lt; b &amp; c");

        JsonNode dm = body(new SlackFormatter().format(new Reply("D024BE91L", "hi", "1355517523.000005", null)).get(0));
        assertThat(dm.has("thread_ts")).isFalse();

        JsonNode dmThread = body(new SlackFormatter().format(
                new Reply("D024BE91L", "hi", "1355517536.000001", "1355517523.000005")).get(0));
        assertThat(dmThread.get("thread_ts").asText()).isEqualTo("1355517523.000005");
    }

    @Test
    void whatsappTextMessageWithContext() throws Exception {
        List<PlatformRequest> out = new WhatsAppFormatter().format(
                new Reply("16505551234", "Got it", "wamid.HBgL", null, "106540352242922"));
        assertThat(out.get(0).endpoint()).isEqualTo("106540352242922/messages");
        JsonNode b = body(out.get(0));
        assertThat(b.get("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(b.get("recipient_type").asText()).isEqualTo("individual");
        assertThat(b.get("to").asText()).isEqualTo("16505551234");
        assertThat(b.get("type").asText()).isEqualTo("text");
        assertThat(b.at("/text/body").asText()).isEqualTo("Got it");
        assertThat(b.at("/text/preview_url").asBoolean()).isFalse();
        assertThat(b.at("/context/message_id").asText()).isEqualTo("wamid.HBgL");
    }

    @Test
    void discordCreateMessageRepliesWithoutPinging() throws Exception {
        List<PlatformRequest> out = new DiscordFormatter().format(new Reply("1200000000000000001", "On it", "1309146215000000000", null));
        assertThat(out.get(0).endpoint()).isEqualTo("channels/1200000000000000001/messages");
        JsonNode b = body(out.get(0));
        assertThat(b.get("content").asText()).isEqualTo("On it");
        assertThat(b.at("/message_reference/message_id").asText()).isEqualTo("1309146215000000000");
        assertThat(b.at("/allowed_mentions/parse").isArray()).isTrue();
        assertThat(b.at("/allowed_mentions/parse").size()).isZero();
    }

    @Test
    void lineRepliesWithTheTokenAndPushesWithoutIt() throws Exception {
        List<PlatformRequest> reply = new LineFormatter().format(
                new Reply("U4af4980629589b4d6f7f9d7d1c5ab3a1", "Got it", null, null, null, "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"));
        assertThat(reply.get(0).endpoint()).isEqualTo("v2/bot/message/reply");
        assertThat(body(reply.get(0)).get("replyToken").asText()).isEqualTo("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");
        assertThat(body(reply.get(0)).at("/messages/0/type").asText()).isEqualTo("text");
        assertThat(body(reply.get(0)).at("/messages/0/text").asText()).isEqualTo("Got it");

        List<PlatformRequest> push = new LineFormatter().format(new Reply("Ca56f94637cc4347f90a25382909b24b9", "x ".repeat(30_000), null, null));
        assertThat(push).hasSize(3); // 12 parts of ≤ 5000: 5 + 5 + 2 messages
        assertThat(push).allSatisfy(r -> assertThat(r.endpoint()).isEqualTo("v2/bot/message/push"));
        assertThat(body(push.get(0)).get("to").asText()).isEqualTo("Ca56f94637cc4347f90a25382909b24b9");
        assertThat(body(push.get(0)).get("messages").size()).isEqualTo(5);
        assertThat(body(push.get(2)).get("messages").size()).isEqualTo(2);
    }

    @Test
    void feishuRepliesInThreadWithContentAsAJsonString() throws Exception {
        PlatformRequest r = new FeishuFormatter().format(new Reply("oc_5ce6", "收到", "om_5ce6d572", "omt_d4be107c616")).get(0);
        assertThat(r.endpoint()).isEqualTo("im/v1/messages/om_5ce6d572/reply");
        JsonNode b = body(r);
        assertThat(b.get("msg_type").asText()).isEqualTo("text");
        assertThat(b.get("reply_in_thread").asBoolean()).isTrue();
        assertThat(b.get("content").isTextual()).isTrue();
        assertThat(Json.MAPPER.readTree(b.get("content").asText()).get("text").asText()).isEqualTo("收到");

        PlatformRequest send = new FeishuFormatter().format(new Reply("oc_5ce6", "hi", null, null)).get(0);
        assertThat(send.endpoint()).isEqualTo("im/v1/messages?receive_id_type=chat_id");
        assertThat(body(send).get("receive_id").asText()).isEqualTo("oc_5ce6");
    }

    @Test
    void dingtalkGroupAndOneOnOne() throws Exception {
        PlatformRequest group = new DingTalkFormatter().format(
                new Reply("cidn3iTFn7hlmJhtzKJ+ZJBUA==", "好的", null, null, "dingxfrd9d1q3tyrz7fw")).get(0);
        assertThat(group.endpoint()).isEqualTo("v1.0/robot/groupMessages/send");
        JsonNode g = body(group);
        assertThat(g.get("openConversationId").asText()).isEqualTo("cidn3iTFn7hlmJhtzKJ+ZJBUA==");
        assertThat(g.get("robotCode").asText()).isEqualTo("dingxfrd9d1q3tyrz7fw");
        assertThat(g.get("msgKey").asText()).isEqualTo("sampleText");
        assertThat(Json.MAPPER.readTree(g.get("msgParam").asText()).get("content").asText()).isEqualTo("好的");

        PlatformRequest direct = new DingTalkFormatter().format(
                new Reply("01022158193724098", "ok", null, null, "dingxfrd9d1q3tyrz7fw")).get(0);
        assertThat(direct.endpoint()).isEqualTo("v1.0/robot/oToMessages/batchSend");
        assertThat(body(direct).get("userIds").get(0).asText()).isEqualTo("01022158193724098");

        // What the job sends for a one-on-one chat: the conversation as chat id, the sender as recipient.
        PlatformRequest toUser = new DingTalkFormatter().format(new Reply("cidQjKqB2U6kh1aPbOdL3EihQ==", "收到", null,
                null, "dingxfrd9d1q3tyrz7fw", null, "01022158193724098")).get(0);
        assertThat(toUser.endpoint()).isEqualTo("v1.0/robot/oToMessages/batchSend");
        assertThat(body(toUser).get("userIds").get(0).asText()).isEqualTo("01022158193724098");
        assertThat(body(toUser).has("openConversationId")).isFalse();
    }

    @Test
    void wecomAndWechatSplitByUtf8Bytes() throws Exception {
        String chinese = "您好，您的订单已经发货。".repeat(100); // 12 characters × 3 bytes × 100 = 3,600 bytes
        List<PlatformRequest> wecom = new WeComFormatter().format(new Reply("zhangsan", chinese, null, null, "1000002"));
        assertThat(wecom).hasSizeGreaterThan(1);
        StringBuilder joined = new StringBuilder();
        for (PlatformRequest r : wecom) {
            assertThat(r.endpoint()).isEqualTo("cgi-bin/message/send");
            JsonNode b = body(r);
            assertThat(b.get("agentid").asLong()).isEqualTo(1000002);
            String part = b.at("/text/content").asText();
            assertThat(part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2048);
            joined.append(part);
        }
        assertThat(joined.toString()).isEqualTo(chinese);

        PlatformRequest cs = new WeChatFormatter().format(new Reply("oUser1", "好的", null, null, "gh_acme")).get(0);
        assertThat(cs.endpoint()).isEqualTo("cgi-bin/message/custom/send");
        assertThat(body(cs).get("touser").asText()).isEqualTo("oUser1");
        assertThat(body(cs).at("/text/content").asText()).isEqualTo("好的");
    }

    @Test
    void wechatPassiveReplyXmlQuotesAnyText() {
        String xml = WeChatFormatter.passiveReplyXml(new Reply("oUser1", "a ]]> b <c>", null, null, "gh_acme"), 1732184500L);
        assertThat(xml).isEqualTo("<xml><ToUserName><![CDATA[oUser1]]></ToUserName><FromUserName><![CDATA[gh_acme]]></FromUserName>"
                + "<CreateTime>1732184500</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content><![CDATA[a ]]]]><![CDATA[> b <c>]]></Content></xml>");
    }

    @Test
    void longRepliesAreSplitAtTheLimitAndOnlyTheFirstPartQuotes() throws Exception {
        String word = "parcel ";
        String text = word.repeat(1500).strip(); // 10,499 characters
        for (Formatter f : List.of(new TelegramFormatter(), new SlackFormatter(), new WhatsAppFormatter())) {
            List<PlatformRequest> out = f.format(new Reply("12345", text, "99", null, "1065"));
            assertThat(out).as(f.platform()).hasSizeGreaterThan(1);
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < out.size(); i++) {
                JsonNode b = body(out.get(i));
                String part = b.has("text") && b.get("text").isTextual() ? b.get("text").asText() : b.at("/text/body").asText();
                assertThat(part.length()).as(f.platform()).isLessThanOrEqualTo(f.maxTextLength());
                assertThat(part).as("split on a word boundary").startsWith("parcel").endsWith("parcel");
                joined.append(i == 0 ? "" : " ").append(part);
                boolean quotes = b.has("reply_parameters") || b.has("context");
                assertThat(quotes).as(f.platform() + " part " + i).isEqualTo(i == 0 && !f.platform().equals("slack"));
            }
            assertThat(joined.toString()).isEqualTo(text);
        }
    }

    @Test
    void repliesWithoutChatOrTextAreRefused() {
        assertThatThrownBy(() -> new TelegramFormatter().format(new Reply(null, "x", null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chatId");
        assertThatThrownBy(() -> new SlackFormatter().format(new Reply("C1", " ", null, null)))
                .hasMessageContaining("text");
    }
}
