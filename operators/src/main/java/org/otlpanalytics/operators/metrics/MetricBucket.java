package org.otlpanalytics.operators.metrics;

import java.util.TreeMap;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * The minute aggregator's state of earlier releases: a whole resource-minute as one value (every
 * series' accumulator), which on RocksDB made each point read and rewrite all of them. Replaced
 * by {@link MetricWindow} plus one entry per series ({@link SeriesSlot}); kept, with
 * {@link MetricBucketSerializer}, only so that a savepoint holding it restores, and its entries
 * are dropped when their minute's purge timer fires.
 */
public final class MetricBucket {
    long bucketStartMillis;
    String tenant;
    String resourceUrn;
    String serviceUrn;
    String serviceName;
    String serviceNamespace;
    boolean fired;
    final TreeMap<String, MetricAccumulator> series;
    final TreeMap<Long, String> admitted;
    final KafkaRange range;

    MetricBucket() {
        this(new TreeMap<>(), new TreeMap<>(), new KafkaRange());
    }

    MetricBucket(TreeMap<String, MetricAccumulator> series, TreeMap<Long, String> admitted, KafkaRange range) {
        this.series = series;
        this.admitted = admitted;
        this.range = range;
    }
}
