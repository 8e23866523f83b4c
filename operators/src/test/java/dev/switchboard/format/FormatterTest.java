package dev.switchboard.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.normalize.Json;
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
        assertThat(b.has("parse_mode")).isFalse();
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
