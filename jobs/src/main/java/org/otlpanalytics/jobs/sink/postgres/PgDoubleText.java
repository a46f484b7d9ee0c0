package org.otlpanalytics.jobs.sink.postgres;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * A double as COPY text that PostgreSQL reads back as the same bits: the shortest decimal that
 * rounds to it (Schubfach, as JDK 19's {@code Double.toString}; jackson-core's implementation),
 * and integral values below 10^7 as their digits and {@code .0} without it. JDK 17's
 * {@code Double.toString} is exact too but was a tenth of the metrics sink's time; this writes
 * the same text where that one is shortest and, elsewhere, a text that reads back as the same
 * double. NaN, Infinity and -Infinity are spelled as PostgreSQL reads them; -0.0 keeps its sign.
 */
final class PgDoubleText {
    /** Below this, Double.toString writes an integral value as {@code digits.0} (from 10^7 on, in E notation). */
    private static final double PLAIN_INTEGERS = 1e7;

    private PgDoubleText() {}

    static void append(StringBuilder sb, double v) {
        if (Math.abs(v) < PLAIN_INTEGERS && v == (long) v && Double.doubleToRawLongBits(v) != Long.MIN_VALUE) {
            sb.append((long) v).append(".0"); // integral, not -0.0 (whose bits are the sign bit alone)
            return;
        }
        sb.append(NumberOutput.toString(v, true));
    }
}
