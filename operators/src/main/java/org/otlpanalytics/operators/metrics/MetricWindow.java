package org.otlpanalytics.operators.metrics;

import java.util.Arrays;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.time.KeyedWindows;

/**
 * What the minute aggregator keeps per resource and minute besides the series themselves (which
 * sit in their own map entries, so a point reads and writes only its series): whether the minute
 * fired, the resource, the smallest reporting service, the Kafka range read, and the state of the
 * per-resource series cap.
 *
 * <p>The cap keeps the {@code limit} series with the smallest stable hashes (bottom-k, as
 * {@code RedBucket} does for operations), so which series are kept does not depend on arrival
 * order. Below the cap only a count is kept; {@link #capHashes} (sorted) is filled from the
 * minute's series the first time the cap is reached, so the common case costs nothing.
 */
public final class MetricWindow implements KeyedWindows.Window {
    boolean fired;
    String tenant;
    String resourceUrn;
    /** Smallest service URN among the minute's points (order-independent), with its name parts. */
    String serviceUrn;
    String serviceName;
    String serviceNamespace;
    /** Series admitted in this minute. */
    int admitted;
    /** Sorted hashes of the admitted series once the cap was reached, else null. */
    long[] capHashes;
    final KafkaRange range;

    MetricWindow() {
        this(new KafkaRange());
    }

    MetricWindow(KafkaRange range) {
        this.range = range;
    }

    @Override
    public boolean fired() {
        return fired;
    }

    @Override
    public void markFired() {
        fired = true;
    }

    /** Keeps the smallest service URN seen (order-independent). */
    void observeService(String urn, String name, String namespace) {
        if (urn != null && (serviceUrn == null || urn.compareTo(serviceUrn) < 0)) {
            serviceUrn = urn;
            serviceName = name;
            serviceNamespace = namespace;
        }
    }

    /** The largest admitted hash at the cap. */
    long capMax() {
        return capHashes[capHashes.length - 1];
    }

    /** Replaces the largest admitted hash by {@code h} (smaller), keeping the array sorted. */
    void capReplaceMax(long h) {
        int i = Arrays.binarySearch(capHashes, 0, capHashes.length - 1, h);
        int at = i >= 0 ? i : -i - 1;
        System.arraycopy(capHashes, at, capHashes, at + 1, capHashes.length - 1 - at);
        capHashes[at] = h;
    }

    /** The row of one series, with the minute's service and Kafka range. */
    MetricRow row(MetricAccumulator a, long startMillis) {
        MetricRow r = a.toRow(startMillis);
        r.serviceUrn = serviceUrn;
        r.serviceName = serviceName;
        r.serviceNamespace = serviceNamespace;
        r.kafkaRange = range.copy();
        return r;
    }
}
