package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LogMaskerTest {
    private static final LogMasker FAST = LogMasker.defaults();
    private static final LogMasker REGEX = LogMasker.builder().scanner(false).build();

    /** One or more examples per named default rule: rule name, body, masked body. */
    static Stream<Arguments> defaultRuleExamples() {
        return Stream.of(
                Arguments.of(MaskingRule.IPV4, "connect to 10.0.0.1 failed", "connect to <*> failed"),
                Arguments.of(MaskingRule.IPV4, "connect to 10.0.0.1:8080 failed", "connect to <*> failed"),
                Arguments.of(MaskingRule.IPV6, "peer fe80::1ff:fe23:4567:890a joined", "peer <*> joined"),
                Arguments.of(MaskingRule.IPV6, "peer [2001:db8::1]:443 joined", "peer [<*>]:<*> joined"),
                Arguments.of(MaskingRule.NUMBER, "retry 3 of 12", "retry <*> of <*>"),
                Arguments.of(MaskingRule.NUMBER, "offset -42 applied", "offset <*> applied"),
                Arguments.of(MaskingRule.NUMBER, "blk_-6952295868487656571 deleted", "blk_<*> deleted"),
                Arguments.of(MaskingRule.NUMBER, "Version 1.2.3 of v2.0.1 installed", "Version <*> of <*> installed"),
                Arguments.of(MaskingRule.HEX, "id 0x7f3a9c done", "id <*> done"),
                Arguments.of(MaskingRule.HEX, "hash 5f2b9c3e8d1a ok", "hash <*> ok"),
                Arguments.of(MaskingRule.UUID, "request 123e4567-e89b-12d3-a456-426614174000 done", "request <*> done"),
                Arguments.of(MaskingRule.DURATION, "took 12ms", "took <*>"),
                Arguments.of(MaskingRule.DURATION, "took 3.5s total", "took <*> total"),
                Arguments.of(MaskingRule.SIZE, "wrote 10KB", "wrote <*>"),
                Arguments.of(MaskingRule.SIZE, "wrote 3 MB today", "wrote <*> today"),
                Arguments.of(MaskingRule.SIZE, "(estimated size 5.6 KB, free 1.2 GB)", "(estimated size <*>, free <*>)"),
                Arguments.of(MaskingRule.PATH, "open /var/log/app.log failed", "open <*> failed"),
                Arguments.of(MaskingRule.PATH, "saved to ./out/data.csv", "saved to <*>"),
                Arguments.of(MaskingRule.PATH, "dir C:\\Windows\\Temp ok", "dir <*> ok"),
                Arguments.of(MaskingRule.URL, "fetch https://example.com/a?b=1 ok", "fetch https://<*> ok"),
                Arguments.of(MaskingRule.URL, "Connecting to driver: spark://Coarse@10.10.34.11:48491", "Connecting to driver: spark://<*>"),
                Arguments.of(MaskingRule.EMAIL, "mail from alice.smith@example.org", "mail from <*>"),
                Arguments.of(MaskingRule.QUOTED, "user \"bob\" not found", "user \"<*>\" not found"),
                Arguments.of(MaskingRule.QUOTED, "set name=\"x-1\" ok", "set name=\"<*>\" ok"),
                Arguments.of(MaskingRule.TIMESTAMP, "connection from 1.2.3.4 () at Sun Jul 24 02:38:22 2005", "connection from <*> () at <*>"),
                Arguments.of(MaskingRule.TIMESTAMP, "at 2015-07-29T17:41:44Z started", "at <*> started"),
                Arguments.of(MaskingRule.LITERAL, "flag paymentFailure evaluated to false", "flag paymentFailure evaluated to <*>"),
                Arguments.of(MaskingRule.LITERAL, "allDrawn=true, ws=null nullable=ok", "allDrawn=<*>, ws=<*> nullable=ok"),
                Arguments.of(MaskingRule.ID, "Cache miss for product OLJCESPC7Z in 3 ms", "Cache miss for product <*> in <*> ms"),
                Arguments.of(MaskingRule.ID, "ids:HQTGWGPNH4 via HTTP2 and SSH2", "ids:<*> via HTTP2 and SSH2"),
                Arguments.of(MaskingRule.LIST, "ad request for [travel, accessories, books] done", "ad request for [<*>] done"),
                Arguments.of(MaskingRule.LIST, "ids:['a','b'] map {k=v, k2=v2}", "ids:[<*>] map {<*>}"),
                Arguments.of(MaskingRule.QUOTED, "body {\"orderId\":\"a-1\",\"n\":2}", "body {\"orderId\":\"<*>\",\"n\":<*>}"),
                Arguments.of(MaskingRule.PATH, "queue=/api/data mail=bob@example.com", "queue=<*> mail=<*>"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("defaultRuleExamples")
    void masksEachNamedDefaultPattern(String rule, String body, String masked) {
        assertThat(MaskingRule.defaults()).extracting(MaskingRule::name).contains(rule);
        assertThat(FAST.mask(body)).isEqualTo(masked);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("defaultRuleExamples")
    void fastScannerAgreesWithReferenceRegexes(String rule, String body, String masked) {
        assertThat(REGEX.usesScanner()).isFalse();
        assertThat(REGEX.mask(body)).isEqualTo(masked);
    }

    @Test
    void keepsWordsWithOneInnerDigitAndMultiWordQuotesReadable() {
        assertThat(FAST.mask("Failed password for root from 1.2.3.4 port 22 ssh2"))
                .isEqualTo("Failed password for root from <*> port <*> ssh2");
        assertThat(FAST.mask("\"GET /v2/abc HTTP/1.1\" status: 200"))
                .isEqualTo("\"GET <*> HTTP/<*>\" status: <*>");
    }

    @Test
    void masksTheLinesAfterTheFirstAsOneValue() {
        String trace = "Failed to charge card 42\njava.io.IOException: reset\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)";

        assertThat(FAST.tokenize(trace)).containsExactly("Failed", "to", "charge", "card", "<*>");
        assertThat(FAST.tokenize("\n  \nStarted worker\n")).containsExactly("Started", "worker");
        assertThat(FAST.tokenize("Config:\r\n a=1\r\n b=2")).containsExactly("Config:", "<*>");
        assertThat(REGEX.tokenize(trace)).containsExactly("Failed", "to", "charge", "card", "<*>");
    }

    @Test
    void keepsAListWithoutCommasAndQuotesSpanningWordsAsText() {
        assertThat(FAST.mask("Received disconnect [preauth]")).isEqualTo("Received disconnect [preauth]");
        assertThat(FAST.mask("[instance: abc] VM Started")).isEqualTo("[instance: abc] VM Started");
        assertThat(FAST.mask("(order: 3, 4096 bytes)")).isEqualTo("(order: <*>, <*> bytes)");
    }

    @Test
    void collapsesRunsOfVariablesAndRepeatedMaskedTokens() {
        assertThat(FAST.tokenize("mod_jk child init 1 -2")).containsExactly("mod_jk", "child", "init", "<*>");
        assertThat(FAST.tokenize("delete blk_1 blk_2 blk_3 now")).containsExactly("delete", "blk_<*>", "now");
        assertThat(FAST.tokenize("from 1.2.3.4: 11: Bye")).containsExactly("from", "<*>:", "<*>:", "Bye");
    }

    @Test
    void treatsNullAndBlankBodiesAsEmpty() {
        assertThat(FAST.tokenize(null)).isEmpty();
        assertThat(FAST.tokenize("   ")).isEmpty();
    }

    @Test
    void runsAddedRulesBeforeTheDefaults() {
        LogMasker masker = LogMasker.builder().addRule(MaskingRule.of("pod", "\\bpod-[a-z0-9]{5}\\b", "<*>")).build();

        assertThat(masker.usesScanner()).isTrue();
        assertThat(masker.rules().get(0).name()).isEqualTo("pod");
        assertThat(masker.mask("Started pod-7f9cx in 12ms")).isEqualTo("Started <*> in <*>");
    }

    @Test
    void appliesRegexesLiterallyOnceADefaultIsRemoved() {
        LogMasker masker = LogMasker.builder().removeDefault(MaskingRule.QUOTED).build();

        assertThat(masker.usesScanner()).isFalse();
        assertThat(masker.rules()).extracting(MaskingRule::name).doesNotContain(MaskingRule.QUOTED);
        assertThat(masker.mask("user \"bob\" has 3 keys")).isEqualTo("user \"bob\" has <*> keys");
    }

    @Test
    void rejectsDuplicateRuleNames() {
        LogMasker.Builder builder = LogMasker.builder().addRule(MaskingRule.of(MaskingRule.NUMBER, "\\d+", "<*>"));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(LogMasker.RULES_KEY)
                .hasMessageContaining("number");
    }

    @Test
    void rejectsReplacementWithoutWildcard() {
        assertThatThrownBy(() -> MaskingRule.of("ip", "\\d+\\.\\d+", "<IP>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<*>");
    }

    @Test
    void cachedMaskerGivesTheUncachedTokensAfterSerialization() throws Exception {
        LogMasker cached = roundTrip(LogMasker.defaults());
        LogMasker uncached = LogMasker.defaults().uncached();
        String[] bodies = {
            "Connection closed by 10.0.0.7 port 51234", "delete blk_1 blk_2 blk_3 now", "Sun Jul 24 02:38:22 2005 up",
            "user \"bob\" has 3 keys", "GET /api/v1/items?id=42 200 12ms", "first line\n  at a.B(C.java:1)", ""
        };

        assertThat(cached.cachedBodies()).isEqualTo(16_384);
        assertThat(uncached.cachedBodies()).isZero();
        assertThat(uncached.usesScanner()).isTrue();
        for (int round = 0; round < 3; round++) {
            for (String body : bodies) {
                assertThat(cached.tokenize(body)).as(body).containsExactly(uncached.tokenize(body));
            }
        }
    }

    @Test
    void rejectsANegativeBodyCache() {
        assertThatThrownBy(() -> LogMasker.builder().cachedBodies(-1).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cached bodies");
    }

    private static LogMasker roundTrip(LogMasker masker) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(masker);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (LogMasker) in.readObject();
        }
    }
}
