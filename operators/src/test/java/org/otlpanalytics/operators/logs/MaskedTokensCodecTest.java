package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Masked tokens written as references into their body come back equal to what the masker gave, for
 * service logs and hostile bodies, under the default masker and one with a regex rule (whose
 * replacement the body does not hold); any token array comes back, related to the body or not; and
 * the service logs' tokens cost a small fraction of the body's bytes.
 */
class MaskedTokensCodecTest {
    private static final LogMasker WITH_RULE = LogMasker.builder()
            .addRule(MaskingRule.of("k8s-pod", "\\bpod-[a-z0-9]{5}\\b", "pod=<*>")).cachedBodies(0).build();

    private static byte[] write(String body, String[] tokens) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        MaskedTokensCodec.write(out, body, tokens);
        return out.getCopyOfBuffer();
    }

    private static String[] roundTrip(String body, String[] tokens) throws IOException {
        byte[] bytes = write(body, tokens);
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        String[] back = MaskedTokensCodec.read(in, body);
        assertThat(in.available()).as("every byte read").isZero();
        return back;
    }

    @Test
    void serviceLogsTokensComeBackInAFewBytes() throws Exception {
        List<SyntheticServiceLogs.Line> lines = new ArrayList<>(SyntheticServiceLogs.generate(SyntheticServiceLogs.demoServices(), 400, 3));
        lines.addAll(SyntheticServiceLogs.generate(SyntheticServiceLogs.generatedServices(2027, 40), 200, 4));
        long bodyBytes = 0;
        long tokenBytes = 0;
        for (SyntheticServiceLogs.Line line : lines) {
            for (LogMasker masker : new LogMasker[] {LogMasker.defaults().uncached(), WITH_RULE}) {
                String[] tokens = masker.tokenize(line.body());
                assertThat(roundTrip(line.body(), tokens)).as(line.body()).containsExactly(tokens);
                if (masker == WITH_RULE) {
                    continue;
                }
                bodyBytes += line.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                tokenBytes += write(line.body(), tokens).length;
            }
        }
        assertThat(lines).hasSizeGreaterThan(10_000);
        assertThat(tokenBytes).as("tokens' bytes against the bodies' %d", bodyBytes).isLessThan(bodyBytes / 4);
    }

    @Test
    void hostileBodiesTokensComeBack() throws Exception {
        Random random = new Random(13);
        for (int i = 0; i < 50_000; i++) {
            String body = MaskingScannerEquivalenceTest.randomBody(random, i % 100 == 0 ? 400 : 30);
            String[] tokens = LogMasker.defaults().uncached().tokenize(body);
            assertThat(roundTrip(body, tokens)).as(body).containsExactly(tokens);
        }
        String huge = "id 42 ".repeat(50_000) + "\n" + "\tat a.B.c(B.java:1)\n".repeat(1_000);
        assertThat(roundTrip(huge, LogMasker.defaults().tokenize(huge))).containsExactly(LogMasker.defaults().tokenize(huge));
        assertThat(roundTrip(null, LogMasker.defaults().tokenize(null))).isEmpty();
    }

    @Test
    void anyTokensComeBackWhateverTheBody() throws Exception {
        Random random = new Random(17);
        String[] pieces = {"a", "bc", "<*>", "<", "*", ">", "é", "\uD83D\uDE00", "\uD83D", " ", "x<*>y", "10.0.0.1", "", "\t"};
        for (int i = 0; i < 20_000; i++) {
            String body = MaskingScannerEquivalenceTest.randomBody(random, 12);
            String[] tokens = new String[random.nextInt(8)];
            for (int t = 0; t < tokens.length; t++) {
                StringBuilder sb = new StringBuilder();
                for (int p = random.nextInt(4); p >= 0; p--) {
                    sb.append(pieces[random.nextInt(pieces.length)]);
                }
                tokens[t] = sb.toString();
            }
            assertThat(roundTrip(body, tokens)).as(body).containsExactly(tokens);
        }
        assertThat(roundTrip("a b c", new String[] {"c", "a", "b", "<*>", "b<*>"})).containsExactly("c", "a", "b", "<*>", "b<*>");
    }

    @Test
    void wildcardsAreTheSharedConstant() throws Exception {
        String[] back = roundTrip("took 12 ms", LogMasker.defaults().tokenize("took 12 ms"));
        assertThat(back).containsExactly("took", "<*>", "ms");
        assertThat(back[1]).isSameAs(TemplateTokens.WILDCARD);
        assertThat(write("took 12 ms", back)).as("one byte per token, and the count").hasSize(4);
    }

    @Test
    void referencesOutsideTheBodyAreRefused() throws Exception {
        byte[] bytes = write("user=alice logged in", new String[] {"user=<*>", "logged", "in"});
        assertThatThrownBy(() -> MaskedTokensCodec.read(new DataInputDeserializer(bytes), "user")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> MaskedTokensCodec.read(new DataInputDeserializer(write("a b", new String[] {"b"})), "a"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> MaskedTokensCodec.read(new DataInputDeserializer(new byte[] {1, 5}), "a"))
                .isInstanceOf(IOException.class).hasMessageContaining("op 5");
    }
}
