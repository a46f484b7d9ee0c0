package org.otlpanalytics.operators.metrics;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;

/**
 * The one-minute aggregate of one series (tenant, resource, metric, labels hash): the
 * accumulator of the {@code metric_1m} AggregateFunction. Mergeable; checkpointed with
 * {@link MetricAccumulatorSerializer}. Points must be delta or level points (run cumulative ones
 * through {@link CumulativeToDelta} first); a point of another kind than the first is ignored and
 * counted in {@link #ignored()}.
 *
 * <p>What the row's numbers mean, per {@link AggregateKind}:
 * <ul>
 *   <li>LEVEL (gauge, up-down cumulative sum): samples are the point values. avg = mean,
 *       min/max = extremes, p95 from a KLL sketch of the values, last = value of the latest
 *       point.
 *   <li>RATE (delta sum): each point's sample is its per-second rate,
 *       {@code delta / ((time - start) / 1e9)}; avg/min/max/p95/last are over those rates.
 *       total = sum of deltas; rate = total / sum of intervals (time-weighted). A delta without
 *       a usable interval (start unknown or not before time) adds to total but gives no sample.
 *   <li>HISTOGRAM / EXPONENTIAL_HISTOGRAM: the points' buckets are merged. avg = sum/count,
 *       min/max = extremes of the points' min/max (null unless every point with observations
 *       had one), p95 = {@link HistogramQuantiles} on the merged buckets. Explicit buckets with a
 *       different layout from the first point's are re-bucketed by their upper bound (counted in
 *       {@link #layoutMismatches()}); exponential ones are merged exactly at the lower scale.
 *   <li>SUMMARY: avg = sum/count of the delta counts/sums; p95 = the largest, over the minute's
 *       points, of each point's quantile nearest to 0.95; max = the largest value sent for
 *       quantile 1.0 (null if none).
 * </ul>
 * The KLL sketch exists only for LEVEL and RATE; its row bytes are canonical (see
 * {@link #kllBytes()}).
 *
 * <p>Order independence: the same points give the same row, bit for bit, whatever order they
 * were added or merged in (the exactly-once guarantee compares rows of a run with a failure to a
 * clean run). Floating sums (samples, deltas, histogram sums) keep their summands and add them
 * in ascending order when read ({@link Summands}); the interval is summed in integer
 * nanoseconds; the KLL sketch is built from the sorted samples when read ({@link SampleKll}).
 * One exception: explicit histograms whose layout changes within the minute are re-bucketed
 * into the first point's layout. At most {@link #MAX_POINTS} points are kept; more are refused
 * and counted in {@link #ignored()}, so a hostile series cannot grow the state without bound.
 */
public final class MetricAccumulator {
    public static final int DEFAULT_KLL_K = 200;
    /** Points one accumulator takes (a series sending every second has 60 a minute). */
    public static final int MAX_POINTS = 10_000;

    final int kllK;
    // identity, from the first point
    String tenant;
    String resourceUrn;
    String metric;
    String unit;
    MetricType type;
    AggregateKind kind;
    long labelsHash;
    String[] attributeKeys;
    String[] attributeValues;

    long points;
    long ignored;
    long layoutMismatches;
    // LEVEL, RATE samples
    Summands samples = new Summands();
    double sampleMin = Double.POSITIVE_INFINITY;
    double sampleMax = Double.NEGATIVE_INFINITY;
    double last = Double.NaN;
    long lastTimeNanos = Long.MIN_VALUE;
    /** Built from the samples when first needed; dropped on every change. */
    private KllDoublesSketch kll;
    // RATE
    Summands deltas = new Summands();
    long intervalNanos;
    // HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY
    long count;
    /** The sums of the points with observations (NaN for a point without a sum). */
    Summands sums = new Summands();
    double min = Double.NaN;
    double max = Double.NaN;
    double[] bounds;
    long[] buckets;
    ExponentialBuckets exp;
    // SUMMARY
    double summaryP95 = Double.NaN;
    double summaryMax = Double.NaN;

    final KafkaRange range;

    public MetricAccumulator() {
        this(DEFAULT_KLL_K);
    }

    public MetricAccumulator(int kllK) {
        this.kllK = kllK;
        this.range = new KafkaRange();
    }

    MetricAccumulator(int kllK, KafkaRange range) {
        this.kllK = kllK;
        this.range = range;
    }

    /** Adds one point; false (and counted as ignored) if its kind does not fit this series. */
    public boolean add(MetricPoint p) {
        AggregateKind k = AggregateKind.of(p);
        if (k == null || (kind != null && k != kind) || points >= MAX_POINTS) {
            ignored++;
            return false;
        }
        kll = null;
        if (kind == null) {
            identify(p, k);
        }
        points++;
        range.add(p.kafkaPartition, p.kafkaOffset, p.timeMillis());
        switch (k) {
            case LEVEL:
                sample(p.valueIsInt ? (double) p.longValue : p.value, p.timeNanos);
                break;
            case RATE:
                deltas.add(p.valueIsInt ? (double) p.longValue : p.value);
                if (p.startTimeNanos > 0 && p.timeNanos > p.startTimeNanos) {
                    intervalNanos += p.timeNanos - p.startTimeNanos;
                    sample((p.valueIsInt ? (double) p.longValue : p.value) / ((p.timeNanos - p.startTimeNanos) / 1e9),
                            p.timeNanos);
                }
                break;
            case HISTOGRAM:
                addCountSumMinMax(p.count, p.sum, p.min, p.max);
                addExplicit(p.explicitBounds, p.bucketCounts);
                break;
            case EXPONENTIAL_HISTOGRAM:
                addCountSumMinMax(p.count, p.sum, p.min, p.max);
                if (exp == null) {
                    exp = ExponentialBuckets.of(p);
                } else {
                    exp.add(ExponentialBuckets.of(p));
                }
                break;
            case SUMMARY:
                addCountSumMinMax(p.count, p.sum, Double.NaN, Double.NaN);
                summaryP95 = maxIgnoringNaN(summaryP95, HistogramQuantiles.summary(0.95, p.quantiles, p.quantileValues));
                for (int i = 0; i < p.quantiles.length; i++) {
                    if (p.quantiles[i] == 1.0) {
                        summaryMax = maxIgnoringNaN(summaryMax, p.quantileValues[i]);
                    }
                }
                break;
            default:
                break;
        }
        return true;
    }

    /** Adds {@code o} into this (both of the same series; an accumulator of another kind is ignored). */
    public void merge(MetricAccumulator o) {
        if (o.kind == null) {
            ignored += o.ignored;
            return;
        }
        kll = null;
        if (kind == null) {
            copyIdentity(o);
        } else if (o.kind != kind) {
            ignored += o.points + o.ignored;
            return;
        }
        points += o.points;
        ignored += o.ignored;
        layoutMismatches += o.layoutMismatches;
        range.merge(o.range);
        if (o.samples.size() > 0) {
            samples.addAll(o.samples);
            sampleMin = Math.min(sampleMin, o.sampleMin);
            sampleMax = Math.max(sampleMax, o.sampleMax);
            if (o.lastTimeNanos > lastTimeNanos || (o.lastTimeNanos == lastTimeNanos && o.last > last)) {
                last = o.last;
                lastTimeNanos = o.lastTimeNanos;
            }
        }
        deltas.addAll(o.deltas);
        intervalNanos += o.intervalNanos;
        if (o.count > 0) {
            mergeMinMax(o.min, o.max);
            count += o.count;
            sums.addAll(o.sums);
        }
        if (o.bounds != null) {
            addExplicit(o.bounds, o.buckets);
        }
        if (o.exp != null) {
            if (exp == null) {
                exp = o.exp.copy();
            } else {
                exp.add(o.exp);
            }
        }
        summaryP95 = maxIgnoringNaN(summaryP95, o.summaryP95);
        summaryMax = maxIgnoringNaN(summaryMax, o.summaryMax);
    }

    private void identify(MetricPoint p, AggregateKind k) {
        tenant = p.tenant;
        resourceUrn = p.resourceUrn;
        metric = p.name;
        unit = p.unit;
        type = p.type;
        kind = k;
        labelsHash = p.labelsHash;
        attributeKeys = p.attributeKeys.clone();
        attributeValues = p.attributeValues.clone();
    }

    private void copyIdentity(MetricAccumulator o) {
        tenant = o.tenant;
        resourceUrn = o.resourceUrn;
        metric = o.metric;
        unit = o.unit;
        type = o.type;
        kind = o.kind;
        labelsHash = o.labelsHash;
        attributeKeys = o.attributeKeys.clone();
        attributeValues = o.attributeValues.clone();
    }

    private void sample(double v, long timeNanos) {
        samples.add(v);
        sampleMin = Math.min(sampleMin, v);
        sampleMax = Math.max(sampleMax, v);
        // latest point wins; on a tie the larger value, so arrival order does not matter
        if (timeNanos > lastTimeNanos || (timeNanos == lastTimeNanos && v > last)) {
            last = v;
            lastTimeNanos = timeNanos;
        }
    }

    /** The KLL sketch of the samples (null without samples), built once per change. */
    private KllDoublesSketch sketch() {
        if (kll == null && samples.size() > 0) {
            kll = SampleKll.build(samples.sorted(), kllK);
        }
        return kll;
    }

    /** count/sum/min/max of a histogram or summary; min/max stay known only while every part knows them. */
    private void addCountSumMinMax(long c, double s, double mn, double mx) {
        if (c == 0) {
            return;
        }
        mergeMinMax(mn, mx);
        sums.add(s); // a NaN (unknown) sum makes the total unknown
        count += c;
    }

    private void mergeMinMax(double mn, double mx) {
        boolean first = count == 0;
        min = first ? mn : (Double.isNaN(min) || Double.isNaN(mn) ? Double.NaN : Math.min(min, mn));
        max = first ? mx : (Double.isNaN(max) || Double.isNaN(mx) ? Double.NaN : Math.max(max, mx));
    }

    /** Mean of the samples (NaN without samples), summed in ascending order. */
    double sampleMean() {
        return samples.size() == 0 ? Double.NaN : samples.sortedSum() / samples.size();
    }

    /** RATE: the sum of the deltas. */
    double total() {
        return deltas.sortedSum();
    }

    /** RATE: the sum of the point intervals, in seconds. */
    double intervalSeconds() {
        return intervalNanos / 1e9;
    }

    /** Histogram/summary: the sum of the point sums (NaN if one was unknown; 0 without observations). */
    double sum() {
        return sums.sortedSum();
    }

    private void addExplicit(double[] b, long[] c) {
        if (bounds == null) {
            bounds = b.clone();
            buckets = c.clone();
            return;
        }
        if (java.util.Arrays.equals(bounds, b) && c.length == buckets.length) {
            for (int i = 0; i < c.length; i++) {
                buckets[i] += c[i];
            }
            return;
        }
        if (c.length == 0) { // a bucketless point adds to count and sum only
            return;
        }
        if (buckets.length == 0) { // bucketless points came first: adopt this layout
            bounds = b.clone();
            buckets = c.clone();
            return;
        }
        layoutMismatches++;
        for (int i = 0; i < c.length; i++) {
            if (c[i] == 0) {
                continue;
            }
            double upper = i < b.length ? b[i] : Double.POSITIVE_INFINITY;
            int j = 0;
            while (j < bounds.length && upper > bounds[j]) {
                j++;
            }
            buckets[j] += c[i];
        }
    }

    private static double maxIgnoringNaN(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    public AggregateKind kind() {
        return kind;
    }

    public long points() {
        return points;
    }

    /** Points refused: cumulative (unconverted) or of another kind than the series'. */
    public long ignored() {
        return ignored;
    }

    public long layoutMismatches() {
        return layoutMismatches;
    }

    /** The q-quantile as defined for this kind (NaN when unknown). */
    public double quantile(double q) {
        if (kind == null) {
            return Double.NaN;
        }
        switch (kind) {
            case LEVEL:
            case RATE: {
                KllDoublesSketch k = sketch();
                return k == null || k.isEmpty() ? Double.NaN : k.getQuantile(q);
            }
            case HISTOGRAM:
                return bounds == null ? Double.NaN : HistogramQuantiles.explicit(q, bounds, buckets, min, max);
            case EXPONENTIAL_HISTOGRAM:
                return exp == null ? Double.NaN : HistogramQuantiles.exponential(q, exp, min, max);
            case SUMMARY:
                return q == 0.95 ? summaryP95 : Double.NaN;
            default:
                return Double.NaN;
        }
    }

    /**
     * KLL bytes in canonical form, or null for kinds without a sketch: built from the sorted
     * samples by {@link SampleKll}, so the same samples give the same bytes whatever their
     * arrival order (replays write identical rows).
     */
    public byte[] kllBytes() {
        if (kind != AggregateKind.LEVEL && kind != AggregateKind.RATE) {
            return null;
        }
        KllDoublesSketch k = sketch();
        return k == null ? KllDoublesSketch.newHeapInstance(kllK).toByteArray() : k.toByteArray();
    }

    /** The {@code metric_1m} row for the minute starting at {@code bucketStartMillis}. */
    public MetricRow toRow(long bucketStartMillis) {
        return MetricRows.of(this, bucketStartMillis);
    }
}
