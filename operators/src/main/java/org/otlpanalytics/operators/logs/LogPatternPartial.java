package org.otlpanalytics.operators.logs;

import org.otlpanalytics.operators.common.SeparatedKey;
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

    /**
     * The aggregator's key: tenant, service and fingerprint (one count series), {@code \u0000}-joined
     * with escapes ({@link SeparatedKey}): injective, and the key 0.1.0 kept its windows under, so
     * they restore in place.
     */
    public String seriesKey() {
        return seriesKey(tenant, serviceUrn, fingerprintId);
    }

    /** The key of one count series. */
    public static String seriesKey(String tenant, String serviceUrn, long fingerprintId) {
        return SeparatedKey.of(tenant, serviceUrn, TemplateFingerprint.toHex(fingerprintId));
    }

    @Override
    public String toString() {
        return "LogPatternPartial{" + serviceUrn + " " + windowStartMillis + " " + TemplateFingerprint.toHex(fingerprintId)
                + " total=" + countTotal + " error=" + countError + "}";
    }
}
