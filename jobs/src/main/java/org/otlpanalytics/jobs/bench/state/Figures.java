package org.otlpanalytics.jobs.bench.state;

import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The {@code name=value} lines of {@code bench-state}, in the order they were measured. */
final class Figures {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final PrintStream echo;

    /** @param echo where each figure is printed as it is measured (null: nowhere) */
    Figures(PrintStream echo) {
        this.echo = echo;
    }

    void put(String name, long value) {
        put(name, Long.toString(value));
    }

    void put(String name, double value) {
        put(name, String.format(Locale.ROOT, "%.1f", value));
    }

    void put(String name, boolean value) {
        put(name, Boolean.toString(value));
    }

    void put(String name, String value) {
        if (values.put(name, value) != null) {
            throw new IllegalStateException("figure measured twice: " + name);
        }
        if (echo != null) {
            echo.println(name + "=" + value);
            echo.flush();
        }
    }

    Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
