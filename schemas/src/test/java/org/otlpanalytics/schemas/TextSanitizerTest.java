package org.otlpanalytics.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextSanitizerTest {
    private static final String R = "\uFFFD";

    @Test
    void namesLoseEveryControlCharacterAndUnpairedSurrogate() {
        assertThat(TextSanitizer.name("a\u0000b\tc\nd\re\u001bf\u007fg\u0085h", 100))
                .isEqualTo("a" + R + "b" + R + "c" + R + "d" + R + "e" + R + "f" + R + "g" + R + "h");
        assertThat(TextSanitizer.name("x\uD800y\uDC00", 100)).isEqualTo("x" + R + "y" + R);
        assertThat(TextSanitizer.isCleanName("checkout\u0001")).isFalse();
    }

    @Test
    void textKeepsTabsNewlinesAndEscapesButNotNul() {
        String body = "line1\nline2\r\n\tat x\u001b[31mred\u001b[0m";
        assertThat(TextSanitizer.text(body, 100)).isSameAs(body);
        assertThat(TextSanitizer.text("a\u0000b\u0000", 100)).isEqualTo("a" + R + "b" + R);
        assertThat(TextSanitizer.text("lone \uDBFF end", 100)).isEqualTo("lone " + R + " end");
    }

    @Test
    void keepsSurrogatePairsAndCleanStringsAsTheyAre() {
        String emoji = "ok \uD83D\uDE00 done";
        assertThat(TextSanitizer.name(emoji, 100)).isSameAs(emoji);
        assertThat(TextSanitizer.text(emoji, 100)).isSameAs(emoji);
        assertThat(TextSanitizer.name(null, 10)).isNull();
    }

    @Test
    void cutsWithoutSplittingASurrogatePairAndReplacementKeepsTheLength() {
        assertThat(TextSanitizer.name("ab\uD83D\uDE00", 3)).isEqualTo("ab");
        assertThat(TextSanitizer.text("abcdef", 4)).isEqualTo("abcd");
        assertThat(TextSanitizer.name("a\u0000\u0000b", 10)).hasSize(4);
    }
}
