package org.otlpanalytics.operators.metrics;

import org.otlpanalytics.schemas.JsonText;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.metrics.MetricType;

/**
 * One {@code metric_1m} row: a series' aggregate over one minute, keyed by (bucket, tenant,
 * resource, metric, labels hash). A Flink POJO. Optional numbers are boxed and null when they do
 * not apply or are unknown (write SQL NULL); what avg/min/max/p95 mean depends on {@link #kind}
 * and is documented on {@link MetricAccumulator}.
 */
public class MetricRow {
    public long bucketStartMillis;
    public String tenant;
    public String resourceUrn;
    /**
     * The service that reported the series (for a host resource, the smallest service URN among
     * the minute's reporters, so the choice does not depend on arrival order); null if unknown.
     */
    public String serviceUrn;
    public String serviceName;
    public String serviceNamespace;
    public String metric;
    public String unit;
    public MetricType type;
    public AggregateKind kind;
    public long labelsHash;
    public String[] attributeKeys;
    public String[] attributeValues;

    /** Points aggregated. */
    public long points;
    public Double avg;
    public Double min;
    public Double max;
    public Double p95;
    /** LEVEL: the latest value; RATE: the latest per-second rate. */
    public Double last;
    /** RATE: sum of the deltas (e.g. bytes in this minute). */
    public Double total;
    /** RATE: total / sum of the point intervals: the time-weighted per-second rate. */
    public Double rate;
    /** HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY: observations (sum of delta counts). */
    public long count;
    /** HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY: sum of delta sums (null if a point had none). */
    public Double sum;
    /** LEVEL, RATE: KLL doubles sketch of the samples, standard DataSketches bytes; else null. */
    public byte[] kll;

    /**
     * LEVEL, RATE, HISTOGRAM, EXPONENTIAL_HISTOGRAM: the values as a signed log histogram that plain
     * SQL merges ({@code value_idx}/{@code value_cnt}; the mapping is {@link ValueHistogram}'s);
     * empty for summaries.
     */
    public int[] valueIdx;
    public long[] valueCnt;

    /** HISTOGRAM: merged buckets (mergeable into hourly/daily rows); else empty. */
    public double[] bucketBounds;
    public long[] bucketCounts;
    /** EXPONENTIAL_HISTOGRAM: merged buckets; else zero/empty. */
    public int expScale;
    public long expZeroCount;
    public int expPositiveOffset;
    public long[] expPositiveCounts;
    public int expNegativeOffset;
    public long[] expNegativeCounts;

    /**
     * Kafka offsets behind this row, for kafka_locator: those of the series, or (as set by
     * {@code MetricMinuteAggregator}) of the resource's whole minute.
     */
    public KafkaRange kafkaRange;

    public MetricRow() {}

    public SortedMap<String, String> attributes() {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < attributeKeys.length; i++) {
            m.put(attributeKeys[i], attributeValues[i]);
        }
        return Collections.unmodifiableSortedMap(m);
    }

    /** The attributes as a JSON object (keys sorted), for the labels JSONB column. */
    public String labelsJson() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < attributeKeys.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonText.appendQuoted(sb, attributeKeys[i]);
            sb.append(':');
            JsonText.appendQuoted(sb, attributeValues[i]);
        }
        return sb.append('}').toString();
    }


    @Override
    public String toString() {
        return "MetricRow{" + bucketStartMillis + " " + resourceUrn + " " + metric + " " + labelsJson() + " " + kind
                + " points=" + points + " avg=" + avg + " max=" + max + " p95=" + p95 + "}";
    }
}
