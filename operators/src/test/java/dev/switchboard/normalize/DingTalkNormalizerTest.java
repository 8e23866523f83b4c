package dev.switchboard.normalize;

import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DingTalkNormalizerTest {
    private final DingTalkNormalizer normalizer = new DingTalkNormalizer();

    private Normalized read(String file) throws MalformedPayloadException {
        return normalizer.normalize(Payloads.read("dingtalk/" + file), "bot-1");
    }

    @Test
    void groupTextThatAtsTheRobot() throws Exception {
        Normalized.Item item = read("group_text_at.json").messages().get(0);
        UnifiedMessage m = item.message();
        assertThat(m.platform()).isEqualTo("dingtalk");
        assertThat(m.chatId()).isEqualTo("cidn3iTFn7hlmJhtzKJ+ZJBUA==");
        assertThat(m.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(m.text()).isEqualTo("我的订单到哪了？");
        assertThat(m.sender().id()).isEqualTo("manager1234");
        assertThat(m.sender().name()).isEqualTo("张三");
        assertThat(m.mentions()).singleElement().satisfies(x -> assertThat(x.userId()).isEqualTo("$:LWCP_v1:$Z/RSU0fzlYwBsiYh5npZMg=="));
        assertThat(m.timestamp()).isEqualTo(1613630252678L);
        assertThat(m.redeliveryKey()).isEqualTo("msgUEyCmmIfoHRFHyL+WfT3pg==");
        assertThat(item.accountId()).isEqualTo("dingxfrd9d1q3tyrz7fw");
    }

    @Test
    void oneOnOnePictureIsKeyedByItsConversation() throws Exception {
        UnifiedMessage m = read("single_picture.json").messages().get(0).message();
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        // As for groups: the conversation; the staff id the one-on-one send API needs is the sender's.
        assertThat(m.chatId()).isEqualTo("cidQjKqB2U6kh1aPbOdL3EihQ==");
        assertThat(m.sender().id()).isEqualTo("01022158193724098");
        assertThat(m.kind()).isEqualTo(MessageKind.IMAGE);
        assertThat(m.attachments()).containsExactly(new Attachment("image",
                "mIofN681YE3f/+m+NntqpT2IvpMtTHpBwwVp0iWtBz6X7L1m9w==", null, null, null, null));
    }

    @Test
    void streamEnvelopeIsUnwrappedAndPingsIgnored() throws Exception {
        UnifiedMessage m = read("stream_envelope_richtext.json").messages().get(0).message();
        assertThat(m.text()).isEqualTo("箱子坏了，我要退款");
        assertThat(m.attachments()).extracting(Attachment::id).containsExactly("rtImgDownloadCode0001");
        assertThat(read("stream_system_ping.json").ignored()).singleElement().asString().contains("SYSTEM");
    }

    @Test
    void aMissingCreateAtIsNoReasonToDropTheMessage() throws Exception {
        String withoutTime = new String(Payloads.read("dingtalk/group_text_at.json"), StandardCharsets.UTF_8)
                .replace("\"createAt\": 1613630252678,", "");
        assertThat(withoutTime).doesNotContain("createAt");
        UnifiedMessage m = normalizer.normalize(withoutTime.getBytes(StandardCharsets.UTF_8), "b").messages().get(0).message();
        assertThat(m.text()).isEqualTo("我的订单到哪了？");
        assertThat(m.timestamp()).isEqualTo(UnifiedMessage.NO_TIMESTAMP);

        // Stream mode: the envelope's time stands in for the inner document's.
        String stream = new String(Payloads.read("dingtalk/stream_envelope_richtext.json"), StandardCharsets.UTF_8)
                .replace("\\\"createAt\\\":1732184000000,", "");
        assertThat(stream).doesNotContain("createAt");
        UnifiedMessage s = normalizer.normalize(stream.getBytes(StandardCharsets.UTF_8), "b").messages().get(0).message();
        assertThat(s.timestamp()).isEqualTo(1732184000000L);
    }

    @Test
    void malformedInputGivesAReason() {
        assertThatThrownBy(() -> normalizer.normalize("{\"text\":{}}".getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("not a robot message");
    }
}
