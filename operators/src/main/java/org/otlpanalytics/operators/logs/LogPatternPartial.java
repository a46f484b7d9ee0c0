package org.otlpanalytics.operators.logs;

import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * Counts of one fingerprint in one 5-minute window from one mined batch of {@link LogFingerprinter}
 * (one second of one service's records), merged by {@link LogPatternAggregator}: the shuffle carries
 * these instead of every record. Merging is exact and order-independent. A Flink POJO.
 */
public class LogPatternPartial {
    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    public long windowStartMillis;
    public long fingerprintId;
    public long countTotal;
    public long countError;
    /** Offsets and event times of the counted records. */
    public KafkaRange range;

    public LogPatternPartial() {}

    /** The aggregator's key: tenant, service and fingerprint (one count series), length-prefixed ({@link CompositeKey}). */
    public String seriesKey() {
        return CompositeKey.of(tenant, serviceUrn, TemplateFingerprint.toHex(fingerprintId));
    }

    @Override
    public String toString() {
        return "LogPatternPartial{" + serviceUrn + " " + windowStartMillis + " " + TemplateFingerprint.toHex(fingerprintId)
                + " total=" + countTotal + " error=" + countError + "}";
    }
}
