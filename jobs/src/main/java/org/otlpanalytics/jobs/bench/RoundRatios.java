package org.otlpanalytics.jobs.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Ratios measured round by round in a benchmark of interleaved runs: each round's ratio is taken
 * between two runs of that round (under the same load), the rounds summarised by their median and
 * printed side by side so that their agreement can be seen.
 */
public final class RoundRatios {
    private RoundRatios() {}

    /** The median of {@code ratios} (the mean of the middle two for an even count). */
    public static double median(double[] ratios) {
        if (ratios.length == 0) {
            throw new IllegalArgumentException("no rounds");
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /** The ratios in round order, two decimals, comma-separated ({@code 0.31,0.33,0.30}). */
    public static String format(double[] ratios) {
        return Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).collect(Collectors.joining(","));
    }
}
