package org.otlpanalytics.jobs.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of a soak as {@code name=value} lines, in the order they were added, for scripts (grep
 * one name) and for the README. Names are lower snake case with the unit last
 * ({@code max_lag_s}, {@code checkpoint_p99_ms}, {@code spans_processed_per_s}); numbers use a
 * dot and no grouping; a name added twice keeps its first place and its last value.
 */
final class SoakSummary {
    private final Map<String, String> values = new LinkedHashMap<>();

    SoakSummary put(String name, String value) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("summary names are lower snake case, got " + name);
        }
        values.put(name, value.replace('\n', ' '));
        return this;
    }

    SoakSummary put(String name, long value) {
        return put(name, Long.toString(value));
    }

    SoakSummary put(String name, boolean value) {
        return put(name, Boolean.toString(value));
    }

    /** A number with {@code decimals} places (rounded half up). */
    SoakSummary put(String name, double value, int decimals) {
        String v = String.format(Locale.ROOT, "%." + decimals + "f", value);
        // a value that rounds to zero prints without a sign (-0.0001 is 0.000, not -0.000)
        return put(name, v.matches("-0\\.?0*") ? v.substring(1) : v);
    }

    String get(String name) {
        return values.get(name);
    }

    List<String> lines() {
        List<String> l = new ArrayList<>();
        values.forEach((k, v) -> l.add(k + "=" + v));
        return l;
    }
}
