package org.otlpanalytics.tests.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.otlpanalytics.operators.metrics.MetricAccumulator;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.schemas.metrics.LabelsHash;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.schemas.metrics.Temporality;

/**
 * A day and 20 minutes of metrics with known values (issue 9, metric_1m): per minute, a gauge sampled
 * five times (signed values around zero, some exactly 0), an explicit-bounds histogram and an
 * exponential histogram of ~30 latencies each. Every minute's points go through the metrics operator's
 * {@link MetricAccumulator} into a {@code metric_1m} row ({@link #rows()}); {@link #values} gives the raw
 * values behind any range, the oracle of the range SQL.
 */
public final class MetricRangeData {
    public static final String TENANT = "acme";
    public static final String HOST = "urn:host:h1";
    public static final String SERVICE = "urn:svc:shop/checkout";
    public static final String GAUGE = "room.temperature";
    public static final String HISTOGRAM = "http.server.request.duration";
    public static final String EXPONENTIAL = "rpc.server.duration";
    public static final double[] BOUNDS = {5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000};
    public static final int SCALE = 6;
    private static final long MIN = 60_000L;

    /** One raw value: its series (metric name) and minute. */
    public record Value(String metric, long minuteMillis, double value) {}

    private final List<Value> values = new ArrayList<>();
    private final List<MetricRow> rows = new ArrayList<>();

    private MetricRangeData() {}

    public static MetricRangeData generate(long seed, long start, int minutes) {
        MetricRangeData d = new MetricRangeData();
        Random rnd = new Random(seed);
        long offset = 0;
        for (int m = 0; m < minutes; m++) {
            long minute = start + m * MIN;
            MetricAccumulator gauge = new MetricAccumulator();
            for (int s = 0; s < 5; s++) {
                double v = (m * 5 + s) % 37 == 0 ? 0.0
                        : Math.round((rnd.nextGaussian() * 15 + 3 + 10 * Math.sin(m / 200.0)) * 1000) / 1000.0;
                MetricPoint p = point(GAUGE, HOST, MetricType.GAUGE, minute + s * 12_000L, offset++);
                p.value = v;
                gauge.add(p);
                d.values.add(new Value(GAUGE, minute, v));
            }
            d.rows.add(gauge.toRow(minute));

            double[] latencies = latencies(rnd, 20 + rnd.nextInt(20));
            long[] counts = new long[BOUNDS.length + 1];
            for (double v : latencies) {
                int b = 0;
                while (b < BOUNDS.length && v > BOUNDS[b]) {
                    b++;
                }
                counts[b]++;
                d.values.add(new Value(HISTOGRAM, minute, v));
            }
            MetricPoint h = point(HISTOGRAM, SERVICE, MetricType.HISTOGRAM, minute + 30_000L, offset++);
            h.temporality = Temporality.DELTA;
            h.startTimeNanos = (minute - MIN + 30_000L) * 1_000_000L;
            h.explicitBounds = BOUNDS.clone();
            h.bucketCounts = counts;
            fill(h, latencies);
            MetricAccumulator hist = new MetricAccumulator();
            hist.add(h);
            d.rows.add(hist.toRow(minute));

            double[] rpc = latencies(rnd, 20 + rnd.nextInt(20));
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            int[] idx = new int[rpc.length];
            for (int i = 0; i < rpc.length; i++) {
                idx[i] = exponentialIndex(rpc[i]);
                lo = Math.min(lo, idx[i]);
                hi = Math.max(hi, idx[i]);
                d.values.add(new Value(EXPONENTIAL, minute, rpc[i]));
            }
            long[] pos = new long[hi - lo + 1];
            for (int i : idx) {
                pos[i - lo]++;
            }
            MetricPoint e = point(EXPONENTIAL, SERVICE, MetricType.EXPONENTIAL_HISTOGRAM, minute + 30_000L, offset++);
            e.temporality = Temporality.DELTA;
            e.startTimeNanos = (minute - MIN + 30_000L) * 1_000_000L;
            e.scale = SCALE;
            e.positiveOffset = lo;
            e.positiveBucketCounts = pos;
            fill(e, rpc);
            MetricAccumulator exp = new MetricAccumulator();
            exp.add(e);
            d.rows.add(exp.toRow(minute));
        }
        return d;
    }

    /** The exponential bucket of v > 0 at {@link #SCALE}: (base^i, base^(i+1)]. */
    public static int exponentialIndex(double v) {
        return (int) Math.ceil(Math.log(v) / Math.log(2) * Math.pow(2, SCALE)) - 1;
    }

    /** The relative error an exponential bucket adds: (base-1)/(base+1). */
    public static double exponentialError() {
        double base = Math.pow(2, Math.pow(2, -SCALE));
        return (base - 1) / (base + 1);
    }

    private static double[] latencies(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.round(Math.exp(Math.log(40) + rnd.nextGaussian()) * 1000) / 1000.0 + 0.001;
        }
        return v;
    }

    private static void fill(MetricPoint p, double[] observations) {
        p.count = observations.length;
        p.sum = Arrays.stream(observations).sum();
        p.min = Arrays.stream(observations).min().orElseThrow();
        p.max = Arrays.stream(observations).max().orElseThrow();
    }

    private static MetricPoint point(String name, String resource, MetricType type, long timeMillis, long offset) {
        MetricPoint p = new MetricPoint();
        p.tenant = TENANT;
        p.resourceUrn = resource;
        p.serviceUrn = SERVICE;
        p.serviceName = "checkout";
        p.serviceNamespace = "shop";
        p.name = name;
        p.unit = type == MetricType.GAUGE ? "Cel" : "ms";
        p.type = type;
        p.temporality = Temporality.NONE;
        p.timeNanos = timeMillis * 1_000_000L;
        p.labelsHash = LabelsHash.of(p.attributeKeys, p.attributeValues);
        p.kafkaOffset = offset;
        return p;
    }

    /** The metric_1m rows, as the operator made them. */
    public List<MetricRow> rows() {
        return rows;
    }

    /** The raw values of {@code metric} with minutes in [from, to), sorted. */
    public double[] values(String metric, long from, long to) {
        return values.stream().filter(v -> v.metric().equals(metric) && v.minuteMillis() >= from && v.minuteMillis() < to)
                .mapToDouble(Value::value).sorted().toArray();
    }

    /** The nearest-rank q-quantile of sorted values: item ceil(q·n). */
    public static double nearestRank(double[] sorted, double q) {
        return sorted[(int) Math.max(1, Math.ceil(q * sorted.length)) - 1];
    }

    /** The upper bound of the explicit bucket holding v (the overflow bucket: +∞). */
    public static double upperBound(double v) {
        for (double b : BOUNDS) {
            if (v <= b) {
                return b;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
