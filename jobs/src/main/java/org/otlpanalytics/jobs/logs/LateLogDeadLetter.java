package org.otlpanalytics.jobs.logs;

import java.nio.charset.StandardCharsets;
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
        DeadLetter d = new DeadLetter();
        d.sourceTopic = topic;
        d.sourcePartition = r.kafkaPartition;
        d.sourceOffset = r.kafkaOffset;
        d.timestamp = r.timeMillis();
        d.reason = REASON_PREFIX + "log record time " + r.timeMillis() + " ms is behind the watermark by more than the allowed lateness";
        String json = "{\"signal\":\"log\",\"timeUnixNano\":" + r.timeNanos + ",\"severityNumber\":" + r.severityNumber + "}";
        d.value = json.getBytes(StandardCharsets.UTF_8);
        return d;
    }

    static DeadLetter ofPartial(LogPatternPartial p, String topic) {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = topic;
        d.sourcePartition = -1;
        d.sourceOffset = -1;
        d.timestamp = p.windowStartMillis;
        d.reason = REASON_PREFIX + "partial log pattern count of window " + p.windowStartMillis + " for " + p.serviceUrn
                + " arrived after the allowed lateness";
        String json = "{\"signal\":\"log_pattern_partial\",\"fingerprint\":\"" + TemplateFingerprint.toHex(p.fingerprintId)
                + "\",\"countTotal\":" + p.countTotal + ",\"countError\":" + p.countError + "}";
        d.value = json.getBytes(StandardCharsets.UTF_8);
        return d;
    }
}
