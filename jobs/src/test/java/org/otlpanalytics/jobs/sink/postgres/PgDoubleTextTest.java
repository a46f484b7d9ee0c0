package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PgDoubleTextTest {
    private static String text(double v) {
        StringBuilder sb = new StringBuilder();
        PgDoubleText.append(sb, v);
        return sb.toString();
    }

    private static void assertReadsBackExactly(double v) {
        String t = text(v);
        assertThat(Double.doubleToRawLongBits(Double.parseDouble(t))).as("%s read back from '%s'", v, t)
                .isEqualTo(Double.doubleToRawLongBits(v));
        // never longer than the JDK's text (the JDK 17 one is not always the shortest)
        assertThat(t.length()).as("'%s' against '%s'", t, Double.toString(v)).isLessThanOrEqualTo(Double.toString(v).length());
    }

    @Test
    void specialValuesAreSpelledAsPostgresReadsThemAndNegativeZeroKeepsItsSign() {
        assertThat(text(Double.NaN)).isEqualTo("NaN");
        assertThat(text(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(text(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(text(-0.0)).isEqualTo("-0.0");
        assertThat(text(0.0)).isEqualTo("0.0");
    }

    @Test
    void commonValuesAreWrittenAsDoubleToStringWritesThem() {
        double[] values = {1, -1, 42, 9_999_999, -9_999_999, 1e7, 1.5, 0.1, 0.3, 1e300, 1e-5, 123.456, 2.5e-3,
            Double.MAX_VALUE, Double.MIN_NORMAL, Long.MAX_VALUE, 4503599627370497.0};
        for (double v : values) {
            assertThat(text(v)).as("%s", v).isEqualTo(Double.toString(v));
        }
    }

    @Test
    void subnormalsAndTheExtremesReadBackExactly() {
        for (double v : new double[] {Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL),
            Double.MAX_VALUE, -Double.MAX_VALUE, 9.9e-324, 2.2250738585072014E-308, 1e23, 2e23, 5e-324}) {
            assertReadsBackExactly(v);
        }
    }

    @Test
    void randomDoublesOfEveryExponentReadBackExactly() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            double v = Double.longBitsToDouble(r.nextLong());
            if (Double.isNaN(v)) {
                assertThat(text(v)).isEqualTo("NaN"); // every NaN is PostgreSQL's one NaN
                continue;
            }
            assertReadsBackExactly(v);
        }
    }

    @Test
    void randomMetricLikeValuesReadBackExactly() {
        SplittableRandom r = new SplittableRandom(12);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextLong(-20_000_000, 20_000_000);
                case 1 -> r.nextDouble() * 100;
                case 2 -> r.nextLong(1_000_000) / 1000.0;
                default -> r.nextLong(1L << 40) / (double) r.nextLong(1, 1000);
            };
            assertReadsBackExactly(v);
        }
    }
}
