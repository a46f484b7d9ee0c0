package org.otlpanalytics.operators.logs;

import org.otlpanalytics.operators.common.KafkaRange;

/** One row of {@code log_pattern_5m}: a fingerprint's counts in one 5-minute window, with its Kafka range. */
public class LogPatternWindowRow {
    public long windowStartMillis;
    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    public long fingerprintId;
    public long countTotal;
    public long countError;
    public KafkaRange range;

    public LogPatternWindowRow() {}

    @Override
    public String toString() {
        return "LogPatternWindowRow{" + windowStartMillis + " " + serviceUrn + " " + TemplateFingerprint.toHex(fingerprintId)
                + " total=" + countTotal + " error=" + countError + "}";
    }
}
