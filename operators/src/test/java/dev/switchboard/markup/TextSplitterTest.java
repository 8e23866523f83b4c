package dev.switchboard.markup;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TextSplitterTest {

    @Test
    void shortTextIsOnePart() {
        assertThat(TextSplitter.split("  hello  ", 10)).containsExactly("hello");
    }

    @Test
    void prefersParagraphsThenSpaces() {
        assertThat(TextSplitter.split("first line here\n\nsecond one", 20)).containsExactly("first line here", "second one");
        assertThat(TextSplitter.split("aaa bbb ccc ddd", 8)).containsExactly("aaa bbb", "ccc ddd");
    }

    @Test
    void chineseSplitsAfterPunctuationOrBetweenCharacters() {
        assertThat(TextSplitter.split("我可以帮您查询订单。请提供订单号", 12))
                .containsExactly("我可以帮您查询订单。", "请提供订单号");
        List<String> parts = TextSplitter.split("您好我可以帮您查询订单请提供订单号", 10);
        assertThat(String.join("", parts)).isEqualTo("您好我可以帮您查询订单请提供订单号");
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(10));
    }

    @Test
    void neverSplitsASurrogatePair() {
        String emoji = "😀".repeat(10); // 20 UTF-16 units, no break points
        List<String> parts = TextSplitter.split(emoji, 7);
        assertThat(String.join("", parts)).isEqualTo(emoji);
        for (String p : parts) {
            assertThat(p.length()).isLessThanOrEqualTo(7);
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
        }
    }

    @Test
    void hardCutWhenThereIsNoBoundary() {
        assertThat(TextSplitter.split("x".repeat(25), 10)).containsExactly("x".repeat(10), "x".repeat(10), "x".repeat(5));
    }
}
