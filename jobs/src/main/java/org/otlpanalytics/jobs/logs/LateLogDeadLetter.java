package org.otlpanalytics.jobs.logs;

import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.TemplateFingerprint;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Log records (and, should one ever be late, partial counts) that arrived after their window's
 * allowed lateness, as dead letters: headers carry the reason and the original partition/offset, so
 * the record can be re-read from Kafka; the value is a short JSON description.
 */
final class LateLogDeadLetter {
    static final String REASON_PREFIX = "late: ";

    private LateLogDeadLetter() {}

    static DeadLetter ofLog(LogRecordFlat r, String topic) {
        return new DeadLetter(topic, r.kafkaPartition, r.kafkaOffset, r.timeMillis(),
                REASON_PREFIX + "log record time " + r.timeMillis() + " ms is behind the watermark by more than the allowed lateness",
                "{\"signal\":\"log\",\"timeUnixNano\":" + r.timeNanos + ",\"severityNumber\":" + r.severityNumber + "}");
    }

    static DeadLetter ofPartial(LogPatternPartial p, String topic) {
        return new DeadLetter(topic, -1, -1, p.windowStartMillis,
                REASON_PREFIX + "partial log pattern count of window " + p.windowStartMillis + " for " + p.serviceUrn
                        + " arrived after the allowed lateness",
                "{\"signal\":\"log_pattern_partial\",\"fingerprint\":\"" + TemplateFingerprint.toHex(p.fingerprintId)
                        + "\",\"countTotal\":" + p.countTotal + ",\"countError\":" + p.countError + "}");
    }
}
