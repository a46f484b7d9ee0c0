package org.otlpanalytics.jobs.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The log fingerprinter in Flink's BATCH execution (as {@code --mode batch} backfills run it): the
 * last dictionary row of every pattern carries its last record. A batch execution fires a key's
 * timers at the end of the key and ignores timers registered while they fire; the window ends used
 * to be registered only then, so rows changed after the last window end that was also a mined
 * second were never emitted, and a pattern first seen after it never got a row at all. It also
 * registers no timer Flink would drop (each one logged "Timer service is quiesced"), and each row
 * carries the time of its snapshot, later for each later row of a fingerprint.
 */
class LogFingerprinterBatchTest {
    private static final long W0 = 1_772_791_200_000L; // 2026-03-06T10:00:00Z, a 5-minute window start

    @Test
    void everyPatternsLastRowCarriesItsLastRecordInBatchMode() throws Exception {
        List<LogRecordFlat> logs = new ArrayList<>();
        // no record in the last second of a window: no mined second falls on a window end
        for (int s = 10; s < 560; s += 10) {
            logs.add(log(W0 + s * 1000L, logs.size(), "Order " + s + " placed for customer " + (s * 7)));
        }
        for (int s = 400; s < 590; s += 30) {
            logs.add(log(W0 + s * 1000L + 500, logs.size(), "Payment declined for order " + s));
        }
        Map<String, Long> lastByText = new TreeMap<>();
        for (LogRecordFlat r : logs) {
            lastByText.merge(r.body.substring(0, 5), r.timeMillis(), Math::max);
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        SingleOutputStreamOperator<LogPatternPartial> partials = env.fromData(logs, LogRecordFlatSerializer.TYPE)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<LogRecordFlat>forMonotonousTimestamps()
                        .withTimestampAssigner((r, t) -> r.timeMillis()))
                .keyBy(LogFingerprinter::serviceKey)
                .transform("log-fingerprinter", TypeInformation.of(LogPatternPartial.class),
                        new LogFingerprinter(LogPatternOptions.builder().build()));
        Map<Long, LogPatternRow> last = new TreeMap<>();
        Map<Long, List<Long>> snapshots = new TreeMap<>();
        List<String> dropped;
        try (DroppedTimerWarnings warnings = DroppedTimerWarnings.capture();
                CloseableIterator<LogPatternRow> rows = partials.getSideOutput(LogFingerprinter.PATTERNS).executeAndCollect()) {
            rows.forEachRemaining(r -> { // one subtask: in the order emitted
                last.put(r.fingerprintId, r);
                snapshots.computeIfAbsent(r.fingerprintId, id -> new ArrayList<>()).add(r.snapshotMillis);
            });
            dropped = warnings.messages();
        }
        Map<String, Long> lastSeen = new TreeMap<>();
        last.values().forEach(r -> lastSeen.put(r.sample.substring(0, 5), r.lastSeenMillis));
        assertThat(lastSeen).isEqualTo(lastByText);
        assertThat(dropped).as("timers registered where batch execution drops them").isEmpty();
        snapshots.forEach((id, times) -> assertThat(times).as("snapshot times of %x", id).isSorted().doesNotHaveDuplicates()
                .allSatisfy(t -> assertThat(t % 1000).isEqualTo(999)));
        last.values().forEach(r -> assertThat(r.snapshotMillis).isGreaterThanOrEqualTo(r.lastSeenMillis));
    }

    private static LogRecordFlat log(long timeMillis, long offset, String body) {
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = "acme";
        r.serviceName = "cart";
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/cart";
        r.timeNanos = timeMillis * 1_000_000L;
        r.severityNumber = 9;
        r.severityText = "INFO";
        r.body = body;
        r.kafkaPartition = 0;
        r.kafkaOffset = offset;
        return r;
    }
}
