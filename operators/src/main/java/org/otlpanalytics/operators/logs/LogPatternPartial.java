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
     * {@code p} added to {@code into}, or to a new partial of {@code p}'s series when {@code into} is
     * null: counts summed and Kafka ranges merged, as {@link LogPatternWindow} adds partials, so the
     * 5-minute counts of a sum equal those of its parts (the pattern limit holds one sum per pattern
     * and window). Changes and returns {@code into}; never changes {@code p}.
     */
    public static LogPatternPartial sum(LogPatternPartial into, LogPatternPartial p) {
        if (into == null) {
            into = new LogPatternPartial();
            into.tenant = p.tenant;
            into.serviceName = p.serviceName;
            into.serviceNamespace = p.serviceNamespace;
            into.serviceUrn = p.serviceUrn;
            into.windowStartMillis = p.windowStartMillis;
            into.fingerprintId = p.fingerprintId;
            into.range = new KafkaRange();
        }
        into.countTotal += p.countTotal;
        into.countError += p.countError;
        if (p.range != null) {
            into.range.merge(p.range);
        }
        return into;
    }

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
