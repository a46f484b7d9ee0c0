package org.otlpanalytics.operators.metrics;

import java.util.TreeMap;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Everything the minute aggregator keeps for one resource in one minute: an accumulator per
 * series (sorted by series key, so rows and USE inputs come out in one fixed order), the series
 * admitted under the per-resource cap, the reporting service and the Kafka range read.
 *
 * <p>The cap keeps the {@code limit} series with the smallest stable hash (bottom-k, as
 * {@code RedAggregator} does for operations): gauges and deltas reach the aggregator in arrival
 * order, and "first come, first kept" would let a restart keep other series. A series evicted
 * before the minute fired is dropped with its points and counted; after it fired, rows already
 * written are never taken back and new series over the cap are dropped.
 */
public final class MetricBucket {
    long bucketStartMillis;
    String tenant;
    String resourceUrn;
    /** Smallest service URN among the minute's points (order-independent), with its name parts. */
    String serviceUrn;
    String serviceName;
    String serviceNamespace;
    boolean fired;
    final TreeMap<String, MetricAccumulator> series;
    /** stable hash of the series key -> series key, for the admitted series. */
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

    /** Outcome of {@link #admit}. */
    enum Admission {
        ADMITTED,
        /** Admitted by evicting the admitted series with the largest hash (see {@link #evicted}). */
        ADMITTED_EVICTING,
        REFUSED
    }

    /** Set by {@link #admit} when it evicts: the evicted series' accumulator (its points are lost). */
    MetricAccumulator evicted;

    /** Admits {@code seriesKey} under the cap {@code limit} (0 = no cap). */
    Admission admit(String seriesKey, int limit) {
        evicted = null;
        if (limit <= 0 || series.containsKey(seriesKey)) {
            return Admission.ADMITTED;
        }
        long h = StableHash.of(seriesKey);
        String known = admitted.get(h);
        if (known != null) {
            // a 64-bit collision of two series keys: the second is refused
            return known.equals(seriesKey) ? Admission.ADMITTED : Admission.REFUSED;
        }
        if (admitted.size() < limit) {
            admitted.put(h, seriesKey);
            return Admission.ADMITTED;
        }
        if (!fired && h < admitted.lastKey()) {
            String out = admitted.pollLastEntry().getValue();
            evicted = series.remove(out);
            admitted.put(h, seriesKey);
            return Admission.ADMITTED_EVICTING;
        }
        return Admission.REFUSED;
    }

    /** Notes the point's resource and reporting service (the smallest service URN wins). */
    void observe(MetricPoint p) {
        if (tenant == null) {
            tenant = p.tenant;
            resourceUrn = p.resourceUrn;
        }
        if (p.serviceUrn != null && (serviceUrn == null || p.serviceUrn.compareTo(serviceUrn) < 0)) {
            serviceUrn = p.serviceUrn;
            serviceName = p.serviceName;
            serviceNamespace = p.serviceNamespace;
        }
        range.add(p.kafkaPartition, p.kafkaOffset, p.timeMillis());
    }

    public long bucketStartMillis() {
        return bucketStartMillis;
    }

    /** The row of one series, with the bucket's service and Kafka range. */
    MetricRow row(MetricAccumulator a) {
        MetricRow r = a.toRow(bucketStartMillis);
        r.serviceUrn = serviceUrn;
        r.serviceName = serviceName;
        r.serviceNamespace = serviceNamespace;
        r.kafkaRange = range.copy();
        return r;
    }
}
