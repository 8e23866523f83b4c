package dev.switchboard.properties;

import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.normalize.Normalized;
import dev.switchboard.normalize.Normalizer;
import dev.switchboard.normalize.Normalizers;
import dev.switchboard.normalize.Payloads;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every normalizer, on documented payloads mutated by generated edits (truncations, byte flips,
 * deletions, values swapped for other types, duplicated spans) and on arbitrary bytes, returns a
 * result or a {@link MalformedPayloadException} with a reason: never anything else.
 */
class NormalizerProperties {
    private static final Map<String, List<String>> DOCUMENTED = Map.of(
            "telegram", List.of("text_start.json", "group_mentions.json", "photo_caption.json", "forum_topic.json"),
            "slack", List.of("app_mention.json", "file_share.json", "message_changed.json"),
            "whatsapp", List.of("two_messages.json", "image.json", "status_sent.json"),
            "discord", List.of("gateway_message_create_guild_reply.json", "dm_attachment.json"),
            "line", List.of("text_group_mention.json", "follow_and_message.json"),
            "feishu", List.of("receive_group_text.json", "receive_p2p_image.json"),
            "dingtalk", List.of("group_text_at.json", "stream_envelope_richtext.json"),
            "wechat", List.of("text.xml", "voice_recognition.xml"),
            "wecom", List.of("text_plain.xml", "encrypted_official_vector.xml"));

    record Case(String platform, byte[] payload) {
        @Override
        public String toString() {
            return platform + ": " + new String(payload, StandardCharsets.UTF_8);
        }
    }

    @Provide
    Arbitrary<Case> mutated() {
        Arbitrary<String[]> documented = Arbitraries.of(DOCUMENTED.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(f -> new String[] {e.getKey(), f})).toList());
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 4);
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        Arbitrary<Double> span = Arbitraries.doubles().between(0, 1);
        Arbitrary<String> replacement = Arbitraries.of("null", "[]", "{}", "\"\"", "-1", "1e999", "true", "\"\\u0000\"",
                "99999999999999999999999", "<![CDATA[x]]>", "&amp;", "]]>");
        return Combinators.combine(documented, kind, at, span, replacement).as((doc, k, a, sp, rep) -> {
            byte[] original = Payloads.read(doc[0] + "/" + doc[1]);
            String text = new String(original, StandardCharsets.UTF_8);
            int pos = (int) (a * text.length());
            int len = (int) (sp * 40);
            String mutated = switch (k) {
                case 0 -> text.substring(0, pos);
                case 1 -> text.substring(0, pos) + text.substring(Math.min(text.length(), pos + len));
                case 2 -> text.substring(0, pos) + rep + text.substring(Math.min(text.length(), pos + len % 8));
                case 3 -> text.substring(0, pos) + text.substring(pos, Math.min(text.length(), pos + len)) + text.substring(pos);
                default -> null;
            };
            if (mutated == null) {
                byte[] b = original.clone();
                b[Math.min(b.length - 1, pos)] ^= (byte) (1 + len);
                return new Case(doc[0], b);
            }
            return new Case(doc[0], mutated.getBytes(StandardCharsets.UTF_8));
        });
    }

    @Provide
    Arbitrary<Case> noise() {
        return Combinators.combine(Arbitraries.of(Normalizers.platforms()),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as(Case::new);
    }

    private static void onlyResultOrReason(Case c) {
        Normalizer normalizer = Normalizers.forPlatform(c.platform()).orElseThrow();
        try {
            Normalized n = normalizer.normalize(c.payload(), "bot", Map.of());
            assertThat(n).isNotNull();
        } catch (MalformedPayloadException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e.errorClass()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void mutatedDocumentedPayloads(@ForAll("mutated") Case c) {
        onlyResultOrReason(c);
    }

    @Property(tries = 500)
    void arbitraryBytes(@ForAll("noise") Case c) {
        onlyResultOrReason(c);
    }
}
