package dev.switchboard.properties;

import dev.switchboard.format.Formatter;
import dev.switchboard.format.Formatters;
import dev.switchboard.format.PlatformRequest;
import dev.switchboard.format.Reply;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.markup.TextSplitter;
import dev.switchboard.model.MarkupText;
import dev.switchboard.model.Platforms;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Splitting, over generated text mixing Latin words, CJK, emoji (surrogate pairs), punctuation and
 * newlines: every part is within the limit, no part starts or ends inside a surrogate pair, and the
 * parts together keep every non-whitespace character in order.
 */
class SplittingProperties {

    @Provide
    Arbitrary<String> chatText() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(25);
        Arbitrary<String> cjk = Arbitraries.strings().withCharRange('\u4e00', '\u4fff').ofMinLength(1).ofMaxLength(40);
        Arbitrary<String> emoji = Arbitraries.of("😀", "👍", "🙏", "📦", "👋🏽", "❤️");
        Arbitrary<String> punct = Arbitraries.of(" ", " ", " ", "\n", "\n\n", "。", "，", ", ", ". ", "! ");
        Arbitrary<String> token = Arbitraries.oneOf(word, cjk, emoji, punct);
        return token.list().ofMinSize(1).ofMaxSize(400).map(parts -> String.join("", parts));
    }

    private static String nonWhitespace(String s) {
        return s.replaceAll("\\s+", "");
    }

    @Property(tries = 300)
    void partsFitAndKeepEveryCharacter(@ForAll("chatText") String text, @ForAll @IntRange(min = 8, max = 300) int limit) {
        List<String> parts = TextSplitter.split(text, limit);
        for (String p : parts) {
            assertThat(p.length()).isLessThanOrEqualTo(limit);
            if (!p.isEmpty()) {
                assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
                assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
            }
        }
        assertThat(nonWhitespace(String.join("", parts))).isEqualTo(nonWhitespace(text));
    }

    @Property(tries = 300)
    void utf8PartsFitInBytes(@ForAll("chatText") String text, @ForAll @IntRange(min = 16, max = 600) int maxBytes) {
        List<String> parts = TextSplitter.splitUtf8(text, maxBytes);
        for (String p : parts) {
            assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(maxBytes);
        }
        assertThat(nonWhitespace(String.join("", parts))).isEqualTo(nonWhitespace(text));
    }

    @Provide
    Arbitrary<String> markupText() {
        Arbitrary<String> plain = chatText().map(t -> t.length() > 60 ? t.substring(0, 60) : t);
        Arbitrary<String> span = Arbitraries.oneOf(
                plain.map(t -> "**" + MarkupText.escape(t.strip().isEmpty() ? "x" : t.strip()) + "**"),
                plain.map(t -> "`" + t.replace("`", "").strip() + "x`"),
                Arbitraries.of("[the page](https://example.com/a?b=1&c=2)", "[订单](https://example.cn/o/48213)"),
                Arbitraries.of("\n- item <one> & two\n", "\n```\nlet x = a*b_c;\n```\n").map(t -> t.replace("\\n", "\n")),
                plain.map(MarkupText::escape));
        return span.list().ofMinSize(1).ofMaxSize(120).map(parts -> String.join(" ", parts));
    }

    @Property(tries = 300)
    void markupPartsFitEveryFlavour(@ForAll("markupText") String text, @ForAll Flavor flavor,
            @ForAll @IntRange(min = 120, max = 600) int limit) {
        for (String part : MarkupSplitter.split(text, flavor, limit)) {
            assertThat(part.length()).as(flavor + " part").isLessThanOrEqualTo(limit);
            if (flavor == Flavor.TELEGRAM_HTML) {
                assertThat(part.split("<a href=", -1).length).isEqualTo(part.split("</a>", -1).length);
            }
        }
        for (String part : MarkupSplitter.splitUtf8(text, flavor, limit)) {
            assertThat(part.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(limit);
        }
    }

    @Provide
    Arbitrary<String> platform() {
        return Arbitraries.of(Platforms.SUPPORTED);
    }

    @Property(tries = 200)
    void everyFormatterStaysWithinItsLimit(@ForAll("platform") String platform, @ForAll("chatText") String text) {
        Formatter formatter = Formatters.forPlatform(platform).orElseThrow();
        String longText = text.repeat(1 + 12_000 / Math.max(1, text.length()));
        if (longText.isBlank()) {
            return;
        }
        List<PlatformRequest> requests = formatter.format(new Reply("C12345", longText, "99", null, "1000002", "token"));
        assertThat(requests).isNotEmpty();
        for (PlatformRequest r : requests) {
            assertThat(r.body()).isNotBlank();
            assertThat(r.endpoint()).isNotBlank();
        }
    }
}
