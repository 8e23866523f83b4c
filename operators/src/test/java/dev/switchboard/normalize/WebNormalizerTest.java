package dev.switchboard.normalize;

import dev.switchboard.format.Formatters;
import dev.switchboard.format.PlatformRequest;
import dev.switchboard.format.Reply;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The web channel's own JSON, with the user the gateway verified in a header. */
class WebNormalizerTest {
    private final WebNormalizer normalizer = new WebNormalizer();

    @Test
    void aMessageIsTheVerifiedUsersDirectChat() throws Exception {
        UnifiedMessage m = normalizer.normalize(Payloads.read("web/message.json"), "support",
                Map.of(WebNormalizer.USER_HEADER, "visitor-42", WebNormalizer.NAME_HEADER, "Ana")).messages().get(0).message();
        assertThat(m.platform()).isEqualTo("web");
        assertThat(m.chatId()).isEqualTo("visitor-42");
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(m.sender().id()).isEqualTo("visitor-42");
        assertThat(m.sender().name()).isEqualTo("Ana");
        assertThat(m.messageId()).isEqualTo("web-7f3a2c");
        assertThat(m.redeliveryKey()).isEqualTo("web-7f3a2c");
        assertThat(m.text()).isEqualTo("Where is my order 10042?");
        assertThat(m.timestamp()).isEqualTo(UnifiedMessage.NO_TIMESTAMP);
    }

    @Test
    void chineseWithAReplyToAndNoName() throws Exception {
        UnifiedMessage m = normalizer.normalize(Payloads.read("web/message_zh_reply.json"), "trattoria",
                Map.of(WebNormalizer.USER_HEADER, "u-9")).messages().get(0).message();
        assertThat(m.text()).isEqualTo("我的订单到哪了？");
        assertThat(m.replyToMessageId()).isEqualTo("r-41");
        assertThat(m.sender().name()).isNull();
        assertThat(m.botId()).isEqualTo("trattoria");
    }

    @Test
    void withoutAVerifiedUserOrTextItIsRefusedWithTheReason() {
        assertThatThrownBy(() -> normalizer.normalize(Payloads.read("web/message.json"), "support", Map.of()))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("web-user");
        // A user id in the body is not a verified user.
        assertThatThrownBy(() -> normalizer.normalize("{\"id\":\"1\",\"text\":\"hi\",\"user\":\"admin\"}".getBytes(), "support"))
                .hasMessageContaining("web-user");
        assertThatThrownBy(() -> normalizer.normalize(Payloads.read("web/empty_text.json"), "support",
                Map.of(WebNormalizer.USER_HEADER, "u"))).hasMessageContaining("text");
        assertThatThrownBy(() -> normalizer.normalize("{\"text\":\"hi\"}".getBytes(), "support",
                Map.of(WebNormalizer.USER_HEADER, "u"))).hasMessageContaining("id");
    }

    @Test
    void theFormatterKeepsTheMarkupForThePageAndNeverSplits() {
        String text = "Your order **10042** shipped. Track it [here](https://example.com/t/10042)\n- arrives _Friday_";
        List<PlatformRequest> out = Formatters.forPlatform("web").orElseThrow()
                .format(new Reply("visitor-42", text + "x".repeat(20_000), "web-7f3a2c", null));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).endpoint()).isEqualTo("messages");
        assertThat(out.get(0).body()).contains("\"to\":\"visitor-42\"").contains("**10042**")
                .contains("[here](https://example.com/t/10042)").contains("\"replyTo\":\"web-7f3a2c\"");
    }
}
