package dev.switchboard.markup;

import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.Markup;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.MarkupText;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MarkupTest {
    private static final String SAMPLE = "Order **A-1** is _on its way_: `track 42` at [the site](https://example.com/t?a=1&b=2)\n"
            + "- first <item>\n"
            + "```\nx = a*b_c\n```";

    private static String render(Flavor f) {
        return f.render(Markup.parse(SAMPLE));
    }

    @Test
    void everyFlavourRendersWithItsOwnEscaping() {
        assertThat(render(Flavor.TELEGRAM_HTML)).isEqualTo("Order <b>A-1</b> is <i>on its way</i>: <code>track 42</code> at "
                + "<a href=\"https://example.com/t?a=1&amp;b=2\">the site</a>\n• first &lt;item&gt;\n<pre>x = a*b_c</pre>");
        assertThat(render(Flavor.SLACK_MRKDWN)).isEqualTo("Order *A-1* is _on its way_: `track 42` at "
                + "<https://example.com/t?a=1&b=2|the site>\n• first &lt;item&gt;\n```\nx = a*b_c\n```");
        assertThat(render(Flavor.DISCORD_MARKDOWN)).isEqualTo("Order **A\\-1** is *on its way*: `track 42` at "
                + "[the site](https://example.com/t?a=1&b=2)\n• first \\<item\\>".replace("\\<", "<").replace("\\>", "\\>")
                + "\n```\nx = a*b_c\n```");
        assertThat(render(Flavor.WHATSAPP)).isEqualTo("Order *A-1* is _on its way_: `track 42` at the site: "
                + "https://example.com/t?a=1&b=2\n• first <item>\n```\nx = a*b_c\n```");
        assertThat(render(Flavor.PLAIN)).isEqualTo("Order A-1 is on its way: track 42 at the site (https://example.com/t?a=1&b=2)"
                + "\n• first <item>\nx = a*b_c");
        assertThat(render(Flavor.MARKDOWN_SUBSET)).startsWith("Order **A-1** is *on its way*: `track 42` at [the site](");
    }

    @Test
    void escapedValuesStayLiteral() {
        String name = "Ana_*`[x]";
        assertThat(Flavor.PLAIN.render(Markup.parse("Hi " + MarkupText.escape(name) + "!"))).isEqualTo("Hi Ana_*`[x]!");
        assertThat(Flavor.TELEGRAM_HTML.render(Markup.parse("**" + MarkupText.escape("<b>") + "**"))).isEqualTo("<b>&lt;b&gt;</b>");
    }

    @Test
    void plainTextIsUnchangedByParsing() {
        assertThat(Markup.hasMarkup(Markup.parse("Sure. What's your order number?"))).isFalse();
        assertThat(Flavor.PLAIN.render(Markup.parse("a * b _ c"))).isEqualTo("a * b _ c");
    }

    @Test
    void splittingNeverCutsALinkOrAnEscapeAndReopensCodeBlocks() {
        String link = "[the tracking page](https://example.com/track/48213)";
        String text = ("see " + link + " & more ").repeat(40);
        for (String part : MarkupSplitter.split(text, Flavor.TELEGRAM_HTML, 200)) {
            assertThat(part.length()).isLessThanOrEqualTo(200);
            // Every opened anchor is closed in the same part, and no entity is cut.
            assertThat(count(part, "<a href=")).isEqualTo(count(part, "</a>"));
            assertThat(part).doesNotMatch("(?s).*&[a-z]*$");
        }
        String code = "```\n" + "line of code\n".repeat(60) + "```";
        List<String> parts = MarkupSplitter.split(code, Flavor.DISCORD_MARKDOWN, 200);
        assertThat(parts).hasSizeGreaterThan(1);
        for (String part : parts) {
            assertThat(part.length()).isLessThanOrEqualTo(200);
            assertThat(part).startsWith("```\n").endsWith("\n```");
        }
        assertThat(String.join("", parts).replace("```", "").replace("\n", "")).isEqualTo("line of code".repeat(60));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
