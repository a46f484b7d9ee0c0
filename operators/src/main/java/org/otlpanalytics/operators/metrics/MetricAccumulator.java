package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
 *       had one), p95 = {@link HistogramQuantiles} on the merged buckets. Explicit buckets are
 *       kept per layout (bounds); when a series changes its layout within the minute, the row
 *       uses the layout holding the most observations (then the most points, then the smaller
 *       bounds) and the other layouts are re-bucketed into it by their upper bounds (their points
 *       are counted in {@link #layoutMismatches()}); exponential ones are merged exactly at the
 *       lower scale.
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
 * The canonical layout of a histogram whose layout changes is chosen by a rule on the content,
 * not by arrival. Bounds on state, so a hostile series cannot grow it without bound: at most
 * {@link #MAX_POINTS} points and {@link #MAX_LAYOUTS} explicit layouts per series and minute;
 * points (or merged partials) beyond them are refused and counted in {@link #ignored()} —
 * which ones then depends on the order, the only order-dependent case.
 */
public final class MetricAccumulator {
    public static final int DEFAULT_KLL_K = 200;
    /** Points one accumulator takes (a series sending every second has 60 a minute). */
    public static final int MAX_POINTS = 10_000;
    /** Explicit-bucket layouts one series-minute keeps (a well-behaved series has one). */
    public static final int MAX_LAYOUTS = 8;

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
    /** HISTOGRAM: buckets per layout, in arrival order (only {@link #canonical()} reads them, order-free). */
    List<ExplicitLayout> layouts;
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
        if (k == null || (kind != null && k != kind) || points >= MAX_POINTS
                || (k == AggregateKind.HISTOGRAM && !hasRoomFor(p.explicitBounds, p.bucketCounts))) {
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
                addExplicit(p.explicitBounds, p.bucketCounts, 1);
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
        } else if (o.kind != kind || points + o.points > MAX_POINTS || !hasRoomFor(o.layouts)) {
            ignored += o.points + o.ignored;
            return;
        }
        points += o.points;
        ignored += o.ignored;
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
        if (o.layouts != null) {
            for (ExplicitLayout l : o.layouts) {
                addExplicit(l.bounds, l.counts, l.points);
            }
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

    /**
     * A deep copy, field by field: what {@link MetricAccumulatorSerializer#copy} gives through the
     * serialized form (checked in {@code MetricAccumulatorTest}), without writing and reading it (the
     * minute aggregator copies a batch's partial before merging a second one of its series into it).
     */
    MetricAccumulator copy() {
        MetricAccumulator c = new MetricAccumulator(kllK, range.copy());
        c.ignored = ignored;
        if (kind == null) {
            return c;
        }
        c.tenant = tenant;
        c.resourceUrn = resourceUrn;
        c.metric = metric;
        c.unit = unit;
        c.type = type;
        c.kind = kind;
        c.labelsHash = labelsHash;
        c.attributeKeys = attributeKeys.clone();
        c.attributeValues = attributeValues.clone();
        c.points = points;
        c.samples = samples.copy();
        c.sampleMin = sampleMin;
        c.sampleMax = sampleMax;
        c.last = last;
        c.lastTimeNanos = lastTimeNanos;
        c.deltas = deltas.copy();
        c.intervalNanos = intervalNanos;
        c.count = count;
        c.sums = sums.copy();
        c.min = min;
        c.max = max;
        if (layouts != null) {
            c.layouts = new ArrayList<>(layouts.size());
            for (ExplicitLayout l : layouts) {
                c.layouts.add(l.copy());
            }
        }
        c.exp = exp == null ? null : exp.copy();
        c.summaryP95 = summaryP95;
        c.summaryMax = summaryMax;
        return c;
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

    /** True when a point with these buckets fits: bucketless, a known layout, or room for another. */
    private boolean hasRoomFor(double[] b, long[] c) {
        return c.length == 0 || layouts == null || layouts.size() < MAX_LAYOUTS || layoutOf(b, c.length) != null;
    }

    private boolean hasRoomFor(List<ExplicitLayout> others) {
        if (others == null || layouts == null) {
            return others == null || others.size() <= MAX_LAYOUTS;
        }
        int n = layouts.size();
        for (ExplicitLayout l : others) {
            if (layoutOf(l.bounds, l.counts.length) == null) {
                n++;
            }
        }
        return n <= MAX_LAYOUTS;
    }

    private ExplicitLayout layoutOf(double[] b, int buckets) {
        if (layouts != null) {
            for (ExplicitLayout l : layouts) {
                if (l.counts.length == buckets && Arrays.equals(l.bounds, b)) {
                    return l;
                }
            }
        }
        return null;
    }

    /** Adds the buckets of {@code points} points of one layout; a bucketless point adds to count and sum only. */
    private void addExplicit(double[] b, long[] c, long pointsOfLayout) {
        if (c.length == 0) {
            return;
        }
        ExplicitLayout l = layoutOf(b, c.length);
        if (l == null) {
            if (layouts == null) {
                layouts = new ArrayList<>(1);
            }
            layouts.add(new ExplicitLayout(b.clone(), c.clone(), pointsOfLayout));
            return;
        }
        for (int i = 0; i < c.length; i++) {
            l.counts[i] += c[i];
        }
        l.points += pointsOfLayout;
    }

    /**
     * The explicit buckets of the minute in one layout, whatever order the points came in: the
     * layout with the most observations (ties: the most points, then the smaller bounds, compared
     * element by element), with every other layout's buckets re-bucketed into it by upper bound.
     * Null without buckets.
     */
    ExplicitLayout canonical() {
        if (layouts == null || layouts.isEmpty()) {
            return null;
        }
        ExplicitLayout best = layouts.get(0);
        for (ExplicitLayout l : layouts) {
            if (ExplicitLayout.RANK.compare(l, best) < 0) {
                best = l;
            }
        }
        if (layouts.size() == 1) {
            return best;
        }
        long[] merged = best.counts.clone();
        long pts = best.points;
        for (ExplicitLayout l : layouts) {
            if (l == best) {
                continue;
            }
            pts += l.points;
            for (int i = 0; i < l.counts.length; i++) {
                if (l.counts[i] == 0) {
                    continue;
                }
                double upper = i < l.bounds.length ? l.bounds[i] : Double.POSITIVE_INFINITY;
                int j = 0;
                while (j < best.bounds.length && upper > best.bounds[j]) {
                    j++;
                }
                merged[j] += l.counts[i];
            }
        }
        return new ExplicitLayout(best.bounds, merged, pts);
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

    /** Histogram points whose buckets were re-bucketed into another layout for the row. */
    public long layoutMismatches() {
        if (layouts == null || layouts.size() < 2) {
            return 0;
        }
        long all = 0;
        for (ExplicitLayout l : layouts) {
            all += l.points;
        }
        ExplicitLayout best = layouts.get(0);
        for (ExplicitLayout l : layouts) {
            if (ExplicitLayout.RANK.compare(l, best) < 0) {
                best = l;
            }
        }
        return all - best.points;
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
            {
                ExplicitLayout c = canonical();
                return c == null ? Double.NaN : HistogramQuantiles.explicit(q, c.bounds, c.counts, min, max);
            }
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

    /** The summed buckets of the points of one explicit-bounds layout. */
    static final class ExplicitLayout {
        /** Most observations first, then most points, then the smaller bounds: a total order on content. */
        static final Comparator<ExplicitLayout> RANK = Comparator.<ExplicitLayout>comparingLong(l -> -l.observations())
                .thenComparingLong(l -> -l.points)
                .thenComparing((a, b) -> Arrays.compare(a.bounds, b.bounds))
                .thenComparingInt(l -> l.counts.length);

        final double[] bounds;
        final long[] counts;
        long points;

        ExplicitLayout(double[] bounds, long[] counts, long points) {
            this.bounds = bounds;
            this.counts = counts;
            this.points = points;
        }

        long observations() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }

        ExplicitLayout copy() {
            return new ExplicitLayout(bounds.clone(), counts.clone(), points);
        }
    }
}
