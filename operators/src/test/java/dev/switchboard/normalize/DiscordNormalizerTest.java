package dev.switchboard.normalize;

import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.Mention;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscordNormalizerTest {
    private final DiscordNormalizer normalizer = new DiscordNormalizer();

    private Normalized read(String file) throws MalformedPayloadException {
        return normalizer.normalize(Payloads.read("discord/" + file), "bot-1");
    }

    @Test
    void bareMessageObjectFromTheDocs() throws Exception {
        UnifiedMessage m = read("message_example.json").messages().get(0).message();
        assertThat(m.platform()).isEqualTo("discord");
        assertThat(m.messageId()).isEqualTo("334385199974967042");
        assertThat(m.chatId()).isEqualTo("290926798999357250");
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(m.sender().id()).isEqualTo("53908099506183680");
        assertThat(m.sender().name()).isEqualTo("Mason");
        assertThat(m.text()).isEqualTo("Supa Hot");
        assertThat(m.timestamp()).isEqualTo(1499794027299L);
        assertThat(m.redeliveryKey()).isEqualTo("334385199974967042");
    }

    @Test
    void gatewayReplyInAGuildWithMentionsInOrder() throws Exception {
        UnifiedMessage m = read("gateway_message_create_guild_reply.json").messages().get(0).message();
        assertThat(m.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(m.replyToMessageId()).isEqualTo("1309146100000000000");
        assertThat(m.sender().name()).isEqualTo("Mei Lin");
        assertThat(m.mentions()).containsExactly(new Mention("1100000000000000001", "acme-support"),
                new Mention("1100000000000000002", "Tom"));
        assertThat(m.timestamp()).isEqualTo(1732184130123L);
    }

    @Test
    void updateIsAnEditAndDeleteIsNotAMessage() throws Exception {
        Normalized.Item edit = read("gateway_message_update.json").messages().get(0);
        assertThat(edit.edit()).isTrue();
        assertThat(edit.message().text()).isEqualTo("where is my order 48214?");
        assertThat(edit.message().timestamp()).isEqualTo(1732184162456L);
        assertThat(read("gateway_message_delete.json").ignored()).singleElement().asString().contains("deletion");
    }

    @Test
    void attachmentsBotsSystemMessagesAndOtherOpcodes() throws Exception {
        UnifiedMessage dm = read("dm_attachment.json").messages().get(0).message();
        assertThat(dm.kind()).isEqualTo(MessageKind.IMAGE);
        assertThat(dm.text()).isNull();
        assertThat(dm.attachments()).containsExactly(new Attachment("image", "1309160000000000001",
                "https://cdn.discordapp.com/attachments/1200000000000000099/1309160000000000001/damaged-box.png",
                "image/png", "damaged-box.png", 120338L));
        assertThat(read("bot_author.json").messages().get(0).message().sender().isBot()).isTrue();
        assertThat(read("member_join_system.json").messages()).isEmpty();
        assertThat(read("heartbeat_ack.json").ignored()).singleElement().asString().contains("opcode 11");
    }

    @Test
    void malformedInputGivesAReason() {
        assertThatThrownBy(() -> normalizer.normalize("{\"hello\":1}".getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("neither a gateway dispatch");
    }

    @Test
    void anUnreadableTimestampLeavesTheTimeToTheCaller() throws Exception {
        // Metadata, not a reason to drop the message: the job takes the record's received-at.
        UnifiedMessage m = normalizer.normalize(
                "{\"id\":\"1\",\"channel_id\":\"2\",\"author\":{\"id\":\"3\"},\"content\":\"hi\",\"timestamp\":\"yesterday\"}"
                        .getBytes(StandardCharsets.UTF_8), "b").messages().get(0).message();
        assertThat(m.text()).isEqualTo("hi");
        assertThat(m.timestamp()).isEqualTo(UnifiedMessage.NO_TIMESTAMP);
    }
}
