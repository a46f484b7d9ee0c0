package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.otlpanalytics.operators.common.CompositeKey;

/**
 * Applies the {@link UseMapping} table to one resource's metric rows of one minute. Plain Java:
 * the Flink side collects a resource's {@link MetricRow}s per window and calls {@link #compute}.
 *
 * <p>The value of one series is its per-minute {@code avg} for levels (gauges, up-down sums),
 * its time-weighted {@code rate} for delta sums (falling back to the mean rate), and its
 * {@code sum} for histogram time shares.
 */
public final class UseCalculator {
    private final List<UseRule> rules;

    public UseCalculator() {
        this(UseMapping.rules());
    }

    public UseCalculator(List<UseRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * USE signals of {@code resourceUrn} for the bucket; null when none of the rows is a mapped
     * metric with data (nothing to write).
     *
     * @param bucketMillis bucket length (60 000 for metric_1m), for histogram time shares
     */
    public UseRow compute(String tenant, String resourceUrn, long bucketStartMillis, long bucketMillis,
            Collection<MetricRow> rows) {
        Map<String, List<MetricRow>> byMetric = new HashMap<>();
        for (MetricRow r : rows) {
            byMetric.computeIfAbsent(r.metric, k -> new ArrayList<>()).add(r);
        }
        Set<String> done = new HashSet<>();
        List<String> contributors = new ArrayList<>();
        UseRow out = new UseRow();
        for (UseRule rule : rules) {
            String slot = rule.signal + "/" + rule.component;
            if (done.contains(slot)) {
                continue;
            }
            Double v = evaluate(rule, byMetric, bucketMillis);
            if (v == null || !Double.isFinite(v)) {
                continue;
            }
            done.add(slot);
            switch (rule.signal) {
                case UTILIZATION:
                    v = Math.max(0.0, Math.min(1.0, v));
                    if (out.utilization == null || v > out.utilization) {
                        out.utilization = v;
                        out.utilizationComponent = rule.component;
                    }
                    break;
                case SATURATION:
                    v = Math.max(0.0, v);
                    if (out.saturation == null || v > out.saturation) {
                        out.saturation = v;
                        out.saturationComponent = rule.component;
                    }
                    break;
                default:
                    v = Math.max(0.0, v);
                    out.errorsPerSecond = (out.errorsPerSecond == null ? 0.0 : out.errorsPerSecond) + v;
                    break;
            }
            contributors.add(rule.signal.name().toLowerCase(Locale.ROOT) + "/" + rule.component + "="
                    + rule.metric + ":" + fixed4(v));
        }
        if (contributors.isEmpty()) {
            return null;
        }
        out.tenant = tenant;
        out.resourceUrn = resourceUrn;
        out.bucketStartMillis = bucketStartMillis;
        String[] c = contributors.toArray(new String[0]);
        Arrays.sort(c);
        out.contributors = c;
        return out;
    }

    /**
     * {@code String.format(Locale.ROOT, "%.4f", v)}, which rounds the shortest decimal of
     * {@code v} half up, without the Formatter (it was the largest part of computing USE).
     */
    static String fixed4(double v) {
        if (!Double.isFinite(v)) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
        String s = new java.math.BigDecimal(Double.toString(v)).setScale(4, java.math.RoundingMode.HALF_UP).toPlainString();
        // a negative value that rounds to zero keeps its sign there (-0.0000), as in the Formatter
        return Double.doubleToRawLongBits(v) < 0 && s.charAt(0) != '-' ? "-" + s : s;
    }

    /** The value of one rule, or null when its metrics are missing or give nothing. */
    static Double evaluate(UseRule rule, Map<String, List<MetricRow>> byMetric, long bucketMillis) {
        List<MetricRow> rows = byMetric.getOrDefault(rule.metric, List.of());
        if (rows.isEmpty()) {
            return null;
        }
        switch (rule.derivation) {
            case RATIO:
            case RATE_MAX: {
                Double max = null;
                for (MetricRow r : rows) {
                    Double v = value(r);
                    if (v != null && rule.matches(r.attributeKeys, r.attributeValues) && (max == null || v > max)) {
                        max = v;
                    }
                }
                return max;
            }
            case RATIO_SUM:
            case RATE_SUM:
                return sumMatching(rule, rows);
            case POOLED_SHARE:
                return share(rule, rows, false);
            case GROUP_SHARE:
                return share(rule, rows, true);
            case QUOTIENT:
                return quotient(rule, rows, byMetric.getOrDefault(rule.denominator, List.of()));
            case PER_CPU: {
                Double v = null;
                for (MetricRow r : rows) {
                    Double x = value(r);
                    if (x != null && (v == null || x > v)) {
                        v = x;
                    }
                }
                double cpus = cpuCount(byMetric, rule.denominator);
                return v == null || cpus <= 0 ? null : v / cpus;
            }
            case HISTOGRAM_TIME_SHARE: {
                Double total = null;
                for (MetricRow r : rows) {
                    if (r.sum != null && rule.matches(r.attributeKeys, r.attributeValues)) {
                        total = (total == null ? 0.0 : total) + r.sum;
                    }
                }
                return total == null || bucketMillis <= 0 ? null : total / (bucketMillis / 1000.0);
            }
            default:
                return null;
        }
    }

    /** A series' value for USE: see the class comment. */
    static Double value(MetricRow r) {
        if (r.kind == AggregateKind.RATE && r.rate != null) {
            return r.rate;
        }
        return r.avg;
    }

    private static Double sumMatching(UseRule rule, List<MetricRow> rows) {
        Double sum = null;
        for (MetricRow r : rows) {
            Double v = value(r);
            if (v != null && rule.matches(r.attributeKeys, r.attributeValues)) {
                sum = (sum == null ? 0.0 : sum) + v;
            }
        }
        return sum;
    }

    /** Σ matching / Σ series with the filter attribute; pooled, or per group of the other attributes (max). */
    private static Double share(UseRule rule, List<MetricRow> rows, boolean grouped) {
        Map<String, double[]> groups = new HashMap<>(); // key -> {part, all}
        for (MetricRow r : rows) {
            Double v = value(r);
            if (v == null || rule.filterValue(r.attributeKeys, r.attributeValues) == null) {
                continue;
            }
            double[] g = groups.computeIfAbsent(grouped ? otherAttributes(rule, r) : "", k -> new double[2]);
            g[1] += v;
            if (rule.matches(r.attributeKeys, r.attributeValues)) {
                g[0] += v;
            }
        }
        Double best = null;
        for (double[] g : groups.values()) {
            if (g[1] > 0 && (best == null || g[0] / g[1] > best)) {
                best = g[0] / g[1];
            }
        }
        return best;
    }

    /** Σ numerator / Σ denominator over the attribute sets (minus the filter attribute) both have. */
    private static Double quotient(UseRule rule, List<MetricRow> nums, List<MetricRow> dens) {
        Map<String, Double> den = new HashMap<>();
        for (MetricRow r : dens) {
            Double v = value(r);
            boolean applies = rule.filterValue(r.attributeKeys, r.attributeValues) == null
                    || rule.matches(r.attributeKeys, r.attributeValues);
            if (v != null && applies) {
                den.merge(otherAttributes(rule, r), v, Double::sum);
            }
        }
        double num = 0;
        double total = 0;
        Set<String> paired = new HashSet<>();
        for (MetricRow r : nums) {
            Double v = value(r);
            if (v == null || !rule.matches(r.attributeKeys, r.attributeValues)) {
                continue;
            }
            String key = otherAttributes(rule, r);
            Double d = den.get(key);
            if (d == null) {
                continue;
            }
            num += v;
            if (paired.add(key)) {
                total += d;
            }
        }
        return total > 0 ? num / total : null;
    }

    /** The series' attributes without the filter attribute, as a key (length-prefixed: injective). */
    private static String otherAttributes(UseRule rule, MetricRow r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.attributeKeys.length; i++) {
            if (!rule.filterKeys.contains(r.attributeKeys[i])) {
                CompositeKey.append(sb, r.attributeKeys[i]);
                CompositeKey.append(sb, r.attributeValues[i]);
            }
        }
        return sb.toString();
    }

    /** Logical CPUs: the count metric if present, else distinct {@code cpu} attribute values. */
    private static double cpuCount(Map<String, List<MetricRow>> byMetric, String countMetric) {
        double n = 0;
        for (MetricRow r : byMetric.getOrDefault(countMetric, List.of())) {
            Double v = value(r);
            if (v != null) {
                n += v;
            }
        }
        if (n > 0) {
            return n;
        }
        Set<String> cpus = new HashSet<>();
        for (String m : UseMapping.PER_CPU_METRICS) {
            for (MetricRow r : byMetric.getOrDefault(m, List.of())) {
                int i = Arrays.binarySearch(r.attributeKeys, "cpu");
                if (i >= 0) {
                    cpus.add(r.attributeValues[i]);
                }
            }
        }
        return cpus.size();
    }
}
