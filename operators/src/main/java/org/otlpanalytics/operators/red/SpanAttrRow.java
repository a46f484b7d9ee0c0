package org.otlpanalytics.operators.red;

import org.otlpanalytics.operators.common.KafkaRange;

/**
 * One row of {@code span_attr_1m}: the values of one span dimension in one service and minute —
 * the most frequent ones with their counts and the error bound of what is not listed, the
 * distinct count, and the DataSketches forms of both.
 */
public class SpanAttrRow {
    public long bucketStartMillis;
    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    /** The dimension ({@link SpanDimensions}): a built-in name or a span attribute key. */
    public String attribute;
    /** Spans that had a value. */
    public long spans;
    /** The most frequent values, most frequent first (ties by value), at most {@code red.topk-items}. */
    public String[] items;
    public long[] counts;
    /**
     * A bound on what the list leaves out: a listed value occurred exactly {@code counts[i]} times
     * (at most {@code counts[i] + maxError} once rows are summed), an unlisted one at most this often.
     */
    public long maxError;
    public double distinctValues;
    /** The 2^lgK registers of {@link #hll}. */
    public byte[] hllRegisters;
    /** DataSketches HllSketch (HLL_8) of the values' stable hashes. */
    public byte[] hll;
    /** DataSketches ItemsSketch&lt;String&gt; of the values (frequent items). */
    public byte[] itemsSketch;
    public KafkaRange range;

    public SpanAttrRow() {}

    @Override
    public String toString() {
        return "SpanAttrRow{" + bucketStartMillis + " " + tenant + " " + serviceName + " " + attribute + " spans=" + spans
                + " items=" + java.util.Arrays.toString(items) + " counts=" + java.util.Arrays.toString(counts)
                + " maxError=" + maxError + "}";
    }
}
