package org.otlpanalytics.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTextTest {
    static String quoted(String s) {
        StringBuilder sb = new StringBuilder();
        JsonText.appendQuoted(sb, s);
        return sb.toString();
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(quoted("plain")).isEqualTo("\"plain\"");
        assertThat(quoted("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(quoted("l1\nl2\r\t")).isEqualTo("\"l1\\nl2\\r\\t\"");
        assertThat(quoted("\u0001\u2028\u2029")).isEqualTo("\"\\u0001\\u2028\\u2029\"");
        assertThat(quoted("$$}MATCH (n) é")).isEqualTo("\"$$}MATCH (n) é\"");
    }
}
