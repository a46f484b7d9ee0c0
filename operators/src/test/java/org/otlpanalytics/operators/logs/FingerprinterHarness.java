package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/** {@link LogFingerprinter} in a keyed harness, and what the fingerprinter tests read from it. */
final class FingerprinterHarness {
    static final long T0 = 1_772_000_200_000L; // 100 s into a 5-minute window
    static final long WINDOW = LogPatternOptions.WINDOW_MILLIS;
    static final long WINDOW0 = T0 - 100_000; // start of T0's window

    private FingerprinterHarness() {}

    static LogRecordFlat log(String service, long timeMillis, int partition, long offset, int severity, String body) {
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = "acme";
        r.serviceName = service;
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/" + service;
        r.timeNanos = timeMillis * 1_000_000L + offset % 1000;
        r.severityNumber = severity;
        r.severityText = severity >= 17 ? "ERROR" : "INFO";
        r.body = body;
        r.kafkaPartition = partition;
        r.kafkaOffset = offset;
        return r;
    }

    static String key(String service) {
        return LogFingerprinter.serviceKey("acme", "urn:svc:shop/" + service);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> harness(LogPatternOptions o) throws Exception {
        return harness(o, StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> harness(LogPatternOptions o,
            StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h = backend.apply(
                new KeyedOneInputStreamOperatorTestHarness<>(new LogFingerprinter(o), LogFingerprinter::serviceKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static LogFingerprinter operator(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        return (LogFingerprinter) h.getOperator();
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h, LogRecordFlat r) throws Exception {
        h.processElement(new StreamRecord<>(r, r.timeMillis()));
    }

    static List<LogPatternPartial> partials(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        return new ArrayList<>(h.extractOutputValues());
    }

    static List<LogPatternRow> patterns(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        return values(h, LogFingerprinter.PATTERNS);
    }

    static List<FingerprintedLog> fingerprinted(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        return values(h, LogFingerprinter.FINGERPRINTED_LOGS);
    }

    static <T> List<T> values(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h,
            org.apache.flink.util.OutputTag<T> tag) {
        List<T> out = new ArrayList<>();
        if (h.getSideOutput(tag) != null) {
            for (StreamRecord<T> r : h.getSideOutput(tag)) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    /** fingerprint -> {total, error} summed over partials. */
    static Map<Long, long[]> totals(List<LogPatternPartial> ps) {
        Map<Long, long[]> m = new LinkedHashMap<>();
        for (LogPatternPartial p : ps) {
            long[] c = m.computeIfAbsent(p.fingerprintId, k -> new long[2]);
            c[0] += p.countTotal;
            c[1] += p.countError;
        }
        return m;
    }

    /** A partial as text, with its Kafka range. */
    static String text(LogPatternPartial p) {
        return p + " " + java.util.Arrays.toString(p.range.from) + java.util.Arrays.toString(p.range.to) + " "
                + p.range.timeFromMillis + ".." + p.range.timeToMillis;
    }

    /** A dictionary row as text, every field. */
    static String text(LogPatternRow r) {
        return r + " sample=" + r.sample + " @" + r.sampleTimeNanos + "/" + r.samplePartition + "/" + r.sampleOffset + " "
                + r.severityText + " aliases=" + java.util.Arrays.toString(r.aliases);
    }
}
