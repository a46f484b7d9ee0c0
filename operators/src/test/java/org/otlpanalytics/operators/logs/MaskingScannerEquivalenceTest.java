package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskingScanner} against its former code ({@link MaskingScannerReference}, the oracle): the same
 * tokens for realistic bodies and for hostile ones (huge, many tokens, non-ASCII, surrogate pairs and
 * lone surrogates, every kind of whitespace and punctuation the rules look at).
 */
class MaskingScannerEquivalenceTest {
    /** Fragments the rules react to, glued at random; {@code null} stands for a random character. */
    private static final String[] PIECES = {
        "a", "Z", "0", "7", "42", "3.5", "-", "+", ".", ":", "_", "/", ",", "#", "@", "=", "\"", "'", "(", ")", "[", "]", "{", "}",
        "<*>", "*", "~", "\\", " ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u000B", "\f", "é", "ß", "Ω", "中", "٣", "\uD83D\uDE00",
        "\uD83D", "\uDE00", "\u00A0", "\u2003", "\u2028", "\u001C", "Jan", "Sun", "Monday", "May", "Dec.", "true", "False", "null",
        "None", "nil", "MB", "KiB", "kb", "B", "://", "http", "bob@example.com", "user=", "key=", "0x1f", "ms", "s", "OLJCESPC7Z",
        "ssh2", "v1.0.2", "blk_", "../", "./", "~/", "C:\\", "::", "fe80::1", "123e4567-e89b-12d3-a456-426614174000", "10.0.0.1:80",
        "[a, b]", "{k=v, k2=v2}", "\"n\":", "x", null};

    @Test
    void givesTheFormerTokensForServiceLogs() {
        List<SyntheticServiceLogs.Line> lines = new ArrayList<>(SyntheticServiceLogs.generate(SyntheticServiceLogs.demoServices(), 400, 3));
        lines.addAll(SyntheticServiceLogs.generate(SyntheticServiceLogs.generatedServices(2027, 40), 200, 4));

        for (SyntheticServiceLogs.Line line : lines) {
            assertSame(line.body());
        }
        assertThat(lines).hasSizeGreaterThan(10_000);
    }

    @Test
    void givesTheFormerTokensForRandomHostileBodies() {
        Random random = new Random(11);
        int differentFromBody = 0;
        for (int i = 0; i < 200_000; i++) {
            String body = randomBody(random, i % 100 == 0 ? 400 : 30);
            String[] tokens = assertSame(body);
            if (!String.join(" ", tokens).equals(body)) {
                differentFromBody++;
            }
        }
        // the bodies exercise the rules: most are masked or re-spaced
        assertThat(differentFromBody).isGreaterThan(150_000);
    }

    @Test
    void givesTheFormerTokensForHugeBodiesAndManyTokens() {
        Random random = new Random(5);
        assertSame(randomBody(random, 40_000));
        assertSame("id 42 ".repeat(50_000));
        assertSame("x".repeat(300_000));
        assertSame("[" + "a, ".repeat(20_000) + "b] done");
        assertSame("\"" + "q".repeat(10_000) + "\" and \"unclosed " + "w ".repeat(10_000));
        assertSame("first line\n" + "\tat a.B.c(B.java:1)\n".repeat(20_000));
        assertSame(" \n \n\n" + "\uD83D\uDE00 ".repeat(30_000));
        assertSame("");
        assertSame("\n\n\u2003 \t");
    }

    @Test
    void masksAsDocumented() {
        assertThat(MaskingScanner.scan("Sun Jul 24 02:38:22 2005 from 10.0.0.1:22 wrote 3 MB"))
                .containsExactly("<*>", "from", "<*>", "wrote", "<*>");
        assertThat(MaskingScanner.scan("Über 🙂 ok=true 🙂🙂 n=7")).containsExactly("Über", "🙂", "ok=<*>", "🙂🙂", "n=<*>");
    }

    private static String[] assertSame(String body) {
        String[] expected = MaskingScannerReference.scan(body);
        String[] actual = MaskingScanner.scan(body);
        assertThat(actual).as("tokens of %s", body.length() > 200 ? body.substring(0, 200) + "..." : body).containsExactly(expected);
        return actual;
    }

    private static String randomBody(Random random, int maxPieces) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(maxPieces + 1);
        for (int k = 0; k < n; k++) {
            String piece = PIECES[random.nextInt(PIECES.length)];
            sb.append(piece != null ? piece : String.valueOf((char) random.nextInt(0x3100)));
        }
        return sb.toString();
    }
}
