package dev.switchboard.normalize;

import dev.switchboard.model.MalformedPayloadException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Bad input never escapes a normalizer as anything but {@link MalformedPayloadException}: seeded random
 * mutations of every documented payload (truncation, byte flips, deletions, duplications, wrong types)
 * plus hostile shapes (deep nesting, huge strings, random bytes).
 */
class NormalizerRobustnessTest {
    private static final Map<String, List<String>> PAYLOADS = Map.of(
            "telegram", List.of("text_start.json", "reply.json", "edited_message.json", "group_mentions.json",
                    "photo_caption.json", "forum_topic.json", "channel_post.json", "sticker.json", "callback_query.json"),
            "slack", List.of("app_mention.json", "message_im.json", "thread_reply.json", "file_share.json",
                    "message_changed.json", "socket_mode_app_mention.json", "bot_message.json"),
            "whatsapp", List.of("text_dashboard_sample.json", "text_reply_context.json", "image.json",
                    "two_messages.json", "status_sent.json", "reaction.json"),
            "discord", List.of("message_example.json", "gateway_message_create_guild_reply.json",
                    "gateway_message_update.json", "dm_attachment.json", "gateway_message_delete.json"),
            "line", List.of("text_group_mention.json", "text_user_quoted.json", "image_room.json", "file.json",
                    "follow_and_message.json"),
            "feishu", List.of("receive_group_text.json", "receive_p2p_image.json", "url_verification.json"),
            "dingtalk", List.of("group_text_at.json", "single_picture.json", "stream_envelope_richtext.json"),
            "wechat", List.of("text.xml", "image.xml", "voice_recognition.xml", "subscribe_event.xml"),
            "wecom", List.of("text_plain.xml", "image_plain.xml", "encrypted_official_vector.xml"));

    private static void assertOnlyMalformed(Normalizer normalizer, byte[] input) {
        assertThatCode(() -> {
            try {
                Normalized n = normalizer.normalize(input, "b");
                assertThat(n).isNotNull();
            } catch (MalformedPayloadException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }).as("%s on %s", normalizer.platform(), new String(input, StandardCharsets.UTF_8)).doesNotThrowAnyException();
    }

    @Test
    void mutatedDocumentedPayloads() {
        Random random = new Random(20261121L);
        String[] replacements = {"null", "[]", "{}", "\"\"", "-1", "1e400", "true", "\"x\"", "18446744073709551616"};
        for (Map.Entry<String, List<String>> platform : PAYLOADS.entrySet()) {
            Normalizer normalizer = Normalizers.forPlatform(platform.getKey()).orElseThrow();
            for (String file : platform.getValue()) {
                byte[] original = Payloads.read(platform.getKey() + "/" + file);
                String text = new String(original, StandardCharsets.UTF_8);
                for (int i = 0; i < 300; i++) {
                    byte[] mutated = switch (i % 5) {
                        case 0 -> java.util.Arrays.copyOf(original, random.nextInt(original.length));
                        case 1 -> {
                            byte[] b = original.clone();
                            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                            yield b;
                        }
                        case 2 -> {
                            int from = random.nextInt(text.length());
                            int to = Math.min(text.length(), from + 1 + random.nextInt(20));
                            yield (text.substring(0, from) + text.substring(to)).getBytes(StandardCharsets.UTF_8);
                        }
                        case 3 -> {
                            // Replace one JSON value with a value of another type.
                            int colon = text.indexOf(':', random.nextInt(text.length()));
                            if (colon < 0) {
                                yield original;
                            }
                            int end = colon + 1;
                            while (end < text.length() && ",}]".indexOf(text.charAt(end)) < 0) {
                                end++;
                            }
                            yield (text.substring(0, colon + 1) + replacements[random.nextInt(replacements.length)]
                                    + text.substring(end)).getBytes(StandardCharsets.UTF_8);
                        }
                        default -> {
                            int at = random.nextInt(text.length());
                            yield (text.substring(0, at) + text.substring(at, Math.min(text.length(), at + 30)) + text.substring(at))
                                    .getBytes(StandardCharsets.UTF_8);
                        }
                    };
                    assertOnlyMalformed(normalizer, mutated);
                }
            }
        }
    }

    @Test
    void hostileShapes() {
        Random random = new Random(7);
        for (String platform : Normalizers.platforms()) {
            Normalizer normalizer = Normalizers.forPlatform(platform).orElseThrow();
            assertOnlyMalformed(normalizer, ("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8));
            assertOnlyMalformed(normalizer, ("{\"update_id\":1,\"message\":{\"text\":\"" + "x".repeat(2_000_000) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 200; i++) {
                byte[] noise = new byte[random.nextInt(200)];
                random.nextBytes(noise);
                assertOnlyMalformed(normalizer, noise);
            }
            assertOnlyMalformed(normalizer, "\"just a string\"".getBytes(StandardCharsets.UTF_8));
            assertOnlyMalformed(normalizer, "{\"a\":1}{\"b\":2}".getBytes(StandardCharsets.UTF_8));
        }
    }
}
