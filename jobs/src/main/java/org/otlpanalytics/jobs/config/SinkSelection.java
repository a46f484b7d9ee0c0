package org.otlpanalytics.jobs.config;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The stores the job writes to ({@code --sinks}, comma-separated: {@code postgres}, {@code clickhouse};
 * default {@code postgres}),
 * parsed once. Pipelines never see it: they return typed row streams, and the job attaches one
 * sink per chosen store to each.
 */
public final class SinkSelection implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A store the job can write to; its option value is the lower-case name. */
    public enum Store {
        POSTGRES,
        CLICKHOUSE;

        public String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Set<Store> stores;

    private SinkSelection(Set<Store> stores) {
        this.stores = Collections.unmodifiableSet(stores);
    }

    /** Parses {@code postgres[,clickhouse]}; an unknown or empty list is rejected with the known names. */
    public static SinkSelection parse(String value) {
        EnumSet<Store> s = EnumSet.noneOf(Store.class);
        for (String part : (value == null ? "" : value).split(",")) {
            String t = part.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            Store store = Arrays.stream(Store.values()).filter(x -> x.optionValue().equals(t)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--" + JobOptions.SINKS + ": unknown store '" + part.trim()
                            + "' (known: " + known() + ")"));
            s.add(store);
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("--" + JobOptions.SINKS + " needs at least one store (known: " + known() + ")");
        }
        return new SinkSelection(s);
    }

    public static SinkSelection of(Store first, Store... rest) {
        return new SinkSelection(EnumSet.of(first, rest));
    }

    public boolean has(Store store) {
        return stores.contains(store);
    }

    public Set<Store> stores() {
        return stores;
    }

    private static String known() {
        return Arrays.stream(Store.values()).map(Store::optionValue).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return stores.stream().map(Store::optionValue).collect(Collectors.joining(","));
    }
}
