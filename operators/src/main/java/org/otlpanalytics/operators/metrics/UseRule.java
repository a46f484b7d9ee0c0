package org.otlpanalytics.operators.metrics;

import java.util.List;
import java.util.Set;

/**
 * One row of the {@link UseMapping} table: how one semantic-convention metric yields one USE
 * signal component of a resource. Immutable; built with the small wither methods so the table
 * reads as a table.
 */
public final class UseRule {
    /** How the matching series' per-minute values become one number. */
    public enum Derivation {
        /** Series values are already ratios 0..1: the largest (e.g. the fullest filesystem). */
        RATIO,
        /** Series values are parts of one ratio (e.g. per CPU mode): their sum. */
        RATIO_SUM,
        /** Σ matching / Σ all series carrying the state attribute, pooled over everything else. */
        POOLED_SHARE,
        /** As POOLED_SHARE, per group of the other attributes (device, mountpoint): the largest. */
        GROUP_SHARE,
        /** Σ metric / Σ denominator metric, paired on the attributes other than the filter's. */
        QUOTIENT,
        /** Largest value / logical CPU count (denominator metric, else distinct {@code cpu} values). */
        PER_CPU,
        /** Largest per-second rate of a seconds counter (busy seconds per second, queue length). */
        RATE_MAX,
        /** Sum of per-second rates (errors per second). */
        RATE_SUM,
        /** Σ histogram sums (seconds) / bucket length: share of time spent (e.g. in GC). */
        HISTOGRAM_TIME_SHARE
    }

    public final ResourceKind resourceKind;
    public final UseSignal signal;
    /** Component name, unique per signal; the first rule of a (signal, component) that has data wins. */
    public final String component;
    public final String metric;
    public final Derivation derivation;
    /** Attribute names tried in order (new semantic-convention name first, then legacy), or empty. */
    public final List<String> filterKeys;
    /** Accepted values of the filter attribute (or refused ones when {@link #filterNegated}). */
    public final Set<String> filterValues;
    public final boolean filterNegated;
    /** QUOTIENT and PER_CPU: the metric divided by; else null. */
    public final String denominator;
    public final String description;

    private UseRule(ResourceKind kind, UseSignal signal, String component, String metric, Derivation derivation,
            List<String> filterKeys, Set<String> filterValues, boolean negated, String denominator, String description) {
        this.resourceKind = kind;
        this.signal = signal;
        this.component = component;
        this.metric = metric;
        this.derivation = derivation;
        this.filterKeys = filterKeys;
        this.filterValues = filterValues;
        this.filterNegated = negated;
        this.denominator = denominator;
        this.description = description;
    }

    static UseRule of(ResourceKind kind, UseSignal signal, String component, String metric, Derivation derivation) {
        return new UseRule(kind, signal, component, metric, derivation, List.of(), Set.of(), false, null, "");
    }

    /** Only series whose attribute (first of {@code keys} present) is one of {@code values}. */
    UseRule where(List<String> keys, String... values) {
        return new UseRule(resourceKind, signal, component, metric, derivation, keys, Set.of(values), false,
                denominator, description);
    }

    /** Only series whose attribute (first of {@code keys} present) is none of {@code values}. */
    UseRule whereNot(List<String> keys, String... values) {
        return new UseRule(resourceKind, signal, component, metric, derivation, keys, Set.of(values), true,
                denominator, description);
    }

    UseRule over(String denominatorMetric) {
        return new UseRule(resourceKind, signal, component, metric, derivation, filterKeys, filterValues,
                filterNegated, denominatorMetric, description);
    }

    UseRule describe(String text) {
        return new UseRule(resourceKind, signal, component, metric, derivation, filterKeys, filterValues,
                filterNegated, denominator, text);
    }

    /** The filter attribute's value on a series, or null if it has none of the filter keys. */
    String filterValue(String[] keys, String[] values) {
        for (String k : filterKeys) {
            int i = java.util.Arrays.binarySearch(keys, k);
            if (i >= 0) {
                return values[i];
            }
        }
        return null;
    }

    /** True when a series passes the filter (always, without one). */
    boolean matches(String[] keys, String[] values) {
        if (filterKeys.isEmpty()) {
            return true;
        }
        String v = filterValue(keys, values);
        return v != null && filterValues.contains(v) != filterNegated;
    }

    /** The filter as text, e.g. {@code state in (used)}; empty without one. */
    public String filterText() {
        if (filterKeys.isEmpty()) {
            return "";
        }
        return String.join("|", filterKeys) + (filterNegated ? " not in " : " in ")
                + "(" + String.join(", ", new java.util.TreeSet<>(filterValues)) + ")";
    }

    @Override
    public String toString() {
        return resourceKind + " " + signal + " " + component + ": " + metric
                + (filterKeys.isEmpty() ? "" : " {" + filterText() + "}") + " " + derivation
                + (denominator == null ? "" : " / " + denominator);
    }
}
