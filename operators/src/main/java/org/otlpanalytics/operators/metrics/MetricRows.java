package org.otlpanalytics.operators.metrics;

/** Builds a {@link MetricRow} from a {@link MetricAccumulator}; the meanings are on the accumulator. */
final class MetricRows {
    private static final double[] NO_DOUBLES = new double[0];
    private static final long[] NO_LONGS = new long[0];
    private static final int[] NO_INTS = new int[0];

    private MetricRows() {}

    static MetricRow of(MetricAccumulator a, long bucketStartMillis) {
        MetricRow r = new MetricRow();
        r.bucketStartMillis = bucketStartMillis;
        r.tenant = a.tenant;
        r.resourceUrn = a.resourceUrn;
        r.metric = a.metric;
        r.unit = a.unit;
        r.type = a.type;
        r.kind = a.kind;
        r.labelsHash = a.labelsHash;
        r.attributeKeys = a.attributeKeys == null ? new String[0] : a.attributeKeys.clone();
        r.attributeValues = a.attributeValues == null ? new String[0] : a.attributeValues.clone();
        r.points = a.points;
        r.bucketBounds = NO_DOUBLES;
        r.bucketCounts = NO_LONGS;
        r.expPositiveCounts = NO_LONGS;
        r.expNegativeCounts = NO_LONGS;
        r.valueIdx = NO_INTS;
        r.valueCnt = NO_LONGS;
        r.kafkaRange = a.range.copy();
        if (a.kind == null) {
            return r;
        }
        switch (a.kind) {
            case LEVEL:
            case RATE:
                if (a.samples.size() > 0) {
                    r.avg = a.sampleMean();
                    r.min = a.sampleMin;
                    r.max = a.sampleMax;
                    r.p95 = finite(a.quantile(0.95));
                    r.last = a.last;
                }
                if (a.kind == AggregateKind.RATE) {
                    double total = a.total();
                    r.total = total;
                    r.rate = a.intervalNanos > 0 ? total / a.intervalSeconds() : null;
                }
                r.kll = a.kllBytes();
                break;
            case HISTOGRAM:
            case EXPONENTIAL_HISTOGRAM:
            case SUMMARY:
                r.count = a.count;
                double sum = a.sum();
                r.sum = a.count > 0 ? finite(sum) : Double.valueOf(0.0);
                r.avg = finite(HistogramQuantiles.average(sum, a.count));
                r.p95 = finite(a.quantile(0.95));
                if (a.kind == AggregateKind.SUMMARY) {
                    r.max = finite(a.summaryMax);
                } else {
                    r.min = finite(a.min);
                    r.max = finite(a.max);
                }
                MetricAccumulator.ExplicitLayout layout = a.canonical();
                if (layout != null) {
                    r.bucketBounds = layout.bounds.clone();
                    r.bucketCounts = layout.counts.clone();
                }
                if (a.exp != null) {
                    r.expScale = a.exp.scale;
                    r.expZeroCount = a.exp.zeroCount;
                    r.expPositiveOffset = a.exp.positiveOffset;
                    r.expPositiveCounts = a.exp.positive.clone();
                    r.expNegativeOffset = a.exp.negativeOffset;
                    r.expNegativeCounts = a.exp.negative.clone();
                }
                break;
            default:
                break;
        }
        values(a, r);
        return r;
    }

    /** The row's value histogram, derived from the accumulator's samples or buckets (no state of its own). */
    private static void values(MetricAccumulator a, MetricRow r) {
        ValueHistogram h = new ValueHistogram();
        switch (a.kind) {
            case LEVEL:
            case RATE:
                h.addSamples(a.samples.sorted());
                break;
            case HISTOGRAM:
                if (r.bucketCounts.length > 0) {
                    h.addExplicit(r.bucketBounds, r.bucketCounts, a.min, a.max);
                }
                break;
            case EXPONENTIAL_HISTOGRAM:
                if (a.exp != null) {
                    h.addExponential(a.exp, a.min, a.max);
                }
                break;
            default:
                return;
        }
        r.valueIdx = h.sparseIndexes();
        r.valueCnt = h.sparseCounts();
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
