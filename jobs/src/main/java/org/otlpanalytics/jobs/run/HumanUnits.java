package org.otlpanalytics.jobs.run;

import java.util.Locale;

/** Rates and sizes as the status and soak lines print them: {@code 12.8k}, {@code 1.5M}, {@code 3.2 MB}. */
public final class HumanUnits {
    private HumanUnits() {}

    /** A rate (or any count) with one decimal in thousands or millions: {@code 950}, {@code 12.8k}, {@code 1.5M}. */
    public static String rate(double perSecond) {
        if (perSecond >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", perSecond / 1_000_000);
        }
        if (perSecond >= 1_000) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1_000);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    /** A size in binary units with one decimal: {@code 512 B}, {@code 1.5 kB}, {@code 3.2 MB}, {@code 1.0 GB}. */
    public static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f kB", b / (double) (1L << 10));
        }
        return b + " B";
    }
}
