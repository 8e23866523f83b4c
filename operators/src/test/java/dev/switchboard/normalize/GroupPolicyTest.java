package dev.switchboard.normalize;

import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.normalize.Normalized;
import dev.switchboard.normalize.Normalizers;
import dev.switchboard.normalize.Payloads;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupPolicyTest {
    private static final BotSettings ACME = new BotSettings(Map.of(
            "acme.telegram.username", "@Acme_Support_Bot",
            "acme.discord.user-id", "1100000000000000001"));

    private static Normalized.Item item(String platform, String file) throws MalformedPayloadException {
        return Normalizers.forPlatform(platform).orElseThrow().normalize(Payloads.read(platform + "/" + file), "acme")
                .messages().get(0);
    }

    @Test
    void directMessagesAreAlwaysAnswered() throws Exception {
        GroupPolicy policy = new GroupPolicy(GroupPolicy.ADDRESSED, BotSettings.NONE);
        assertThat(policy.answers(item("telegram", "text_start.json"))).isTrue();
        assertThat(policy.answers(item("whatsapp", "text_dashboard_sample.json"))).isTrue();
    }

    @Test
    void groupMessagesNeedToNameTheBot() throws Exception {
        GroupPolicy configured = new GroupPolicy(GroupPolicy.ADDRESSED, ACME);
        GroupPolicy unconfigured = new GroupPolicy(GroupPolicy.ADDRESSED, BotSettings.NONE);
        // Telegram @username mention, case-insensitive, with or without '@' in the setting.
        assertThat(configured.answers(item("telegram", "group_mentions.json"))).isTrue();
        assertThat(unconfigured.answers(item("telegram", "group_mentions.json"))).isFalse();
        // Discord <@id>.
        assertThat(configured.answers(item("discord", "gateway_message_create_guild_reply.json"))).isTrue();
        assertThat(unconfigured.answers(item("discord", "gateway_message_create_guild_reply.json"))).isFalse();
        // A forum-topic message that names nobody.
        assertThat(configured.answers(item("telegram", "forum_topic.json"))).isFalse();
        assertThat(new GroupPolicy(GroupPolicy.ANSWER_ALL, BotSettings.NONE).answers(item("telegram", "forum_topic.json"))).isTrue();
    }

    @Test
    void aReplyToTheBotAddressesIt() throws Exception {
        String update = "{\"update_id\":1,\"message\":{\"message_id\":5,\"date\":1700000000,"
                + "\"chat\":{\"id\":-100123,\"type\":\"supergroup\"},\"from\":{\"id\":42,\"first_name\":\"A\"},"
                + "\"text\":\"48213\",\"reply_to_message\":{\"message_id\":4,\"date\":1699999990,"
                + "\"chat\":{\"id\":-100123,\"type\":\"supergroup\"},\"from\":{\"id\":777000111,\"is_bot\":true,"
                + "\"first_name\":\"Acme\",\"username\":\"acme_support_bot\"},\"text\":\"What's your order number?\"}}}";
        Normalized.Item item = Normalizers.forPlatform("telegram").orElseThrow()
                .normalize(update.getBytes(java.nio.charset.StandardCharsets.UTF_8), "acme").messages().get(0);
        assertThat(new GroupPolicy(GroupPolicy.ADDRESSED, new BotSettings(Map.of("acme.telegram.user-id", "777000111")))
                .answers(item)).isTrue();
        assertThat(new GroupPolicy(GroupPolicy.ADDRESSED, new BotSettings(Map.of("acme.telegram.user-id", "1")))
                .answers(item)).isFalse();
    }

    @Test
    void platformsThatSayItThemselves() throws Exception {
        GroupPolicy policy = new GroupPolicy(GroupPolicy.ADDRESSED, BotSettings.NONE);
        assertThat(policy.answers(item("slack", "app_mention.json"))).isTrue();
        assertThat(policy.answers(item("dingtalk", "group_text_at.json"))).isTrue();
        // LINE: @example is someone else (isSelf false).
        assertThat(policy.answers(item("line", "text_group_mention.json"))).isFalse();
        // Slack channel message without the app_mention event.
        assertThat(policy.answers(item("slack", "thread_reply.json"))).isFalse();
    }

    @Test
    void unknownModeIsRefused() {
        assertThatThrownBy(() -> new GroupPolicy("sometimes", BotSettings.NONE))
                .hasMessageContaining("addressed or answer-all");
    }
}
