package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class PgCopyTextTest {
    private static String row(Object... params) {
        StringBuilder sb = new StringBuilder();
        PgCopyText.appendRow(sb, params);
        return sb.toString();
    }

    @Test
    void valuesAreTabSeparatedWithNullsAsBackslashN() {
        assertThat(row(1L, 2, null, 1.5, true, "x")).isEqualTo("1\t2\t\\N\t1.5\tt\tx\n");
    }

    @Test
    void textEscapesBackslashTabNewlineAndCarriageReturnAndKeepsEverythingElse() {
        assertThat(row("a\\b\tc\nd\re\u001b[31m\u00e9\u0000")).isEqualTo("a\\\\b\\tc\\nd\\re\u001b[31m\u00e9\u0000\n");
        assertThat(row(new PgParams.Json("{\"k\":\"a\\tb\"}"))).isEqualTo("{\"k\":\"a\\\\tb\"}\n");
    }

    @Test
    void doublesReadBackExactlyAndNonFiniteOnesAsPostgresSpellsThem() {
        assertThat(row(0.1, 1e300, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY))
                .isEqualTo("0.1\t1.0E300\t-0.0\tNaN\tInfinity\t-Infinity\n");
    }

    @Test
    void byteaIsHexWithItsBackslashEscaped() {
        assertThat(row((Object) new byte[] {1, (byte) 0xab, 0})).isEqualTo("\\\\x01ab00\n");
    }

    @Test
    void timestampsAreUtcWithMicrosecondsAndYearsBeyond9999KeepTheirDigits() {
        assertThat(row(PgParams.ts(0L))).isEqualTo("1970-01-01 00:00:00+00\n");
        assertThat(row(OffsetDateTime.parse("2026-05-01T12:30:05.123456789+02:00"))).isEqualTo("2026-05-01 10:30:05.123456+00\n");
        assertThat(row(PgParams.ts(9_400_000_000_000_000L))).matches("2998\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\+00\n");
    }

    @Test
    void arraysAreArrayLiteralsWithTheirElementsQuoted() {
        assertThat(row(new long[] {1, -2}, new int[] {}, new String[] {"a\"b", "c\\d", null, "e,f"}))
                .isEqualTo("{1,-2}\t{}\t{\"a\\\\\"b\",\"c\\\\\\\\d\",NULL,\"e,f\"}\n");
    }

    @Test
    void anUnknownTypeIsRefused() {
        assertThatThrownBy(() -> row(new Object())).isInstanceOf(IllegalArgumentException.class);
    }
}
