package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.operators.logs.UnminedPatterns;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.Throttle;

/**
 * Fingerprint stability and exactly once, end to end, on the heap and on the RocksDB state backend:
 * the same Kafka range processed (1) cleanly and (2) with a failure injected after a checkpoint
 * (restart from the checkpoint, replay from its offsets), and on the heap (3) replayed a second time
 * into the clean database, leaves identical {@code log_pattern_5m} and {@code log_pattern} rows,
 * row for row: same fingerprint ids, counts, templates, samples, severities, first/last seen,
 * aliases and Kafka locators.
 *
 * <p>Besides the generator's shop logs the range holds an order-sensitive service: every second, each
 * of the two partitions carries records of the same second whose first occurrences decide which
 * clusters Drain creates (and so their ids) and which survive merges, with new templates every
 * minute, so also after the injected failure. Mining in arrival order fails this test. Each of its
 * messages has one record more than {@code --log-patterns-second-max-records} allows, so seconds over
 * the cap are in every run, and it pauses longer than {@code --log-patterns-stream-idle-timeout}, so
 * its stream expires and comes back. From minute 4 on the range carries copies of messages an hour
 * behind the stream: the clean run dead-letters every one of them; the failure is injected after a
 * checkpoint taken past minute 6, so the restored run re-reads some right after the restore, before
 * any watermark reached its operators (checked: one is among the first records it reads). Lateness
 * that did not survive the restore would count them into windows the clean run never wrote.
 */
class LogPatternsRecoveryTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final String WINDOW_ROWS = "SELECT f.bucket, t.code, d.urn, lpad(to_hex(f.fingerprint_id), 16, '0'), f.count_total, "
            + "f.count_error, k.topic, k.partitions, k.offset_from, k.offset_to, k.time_from, k.time_to "
            + "FROM log_pattern_5m f JOIN dim_tenant t ON t.tenant_id = f.tenant_id JOIN dim_resource d ON d.resource_id = f.resource_id "
            + "LEFT JOIN kafka_locator k ON k.id = f.sample_ref ORDER BY 1, 2, 3, 4";
    static final String PATTERN_ROWS = "SELECT lpad(to_hex(p.fingerprint_id), 16, '0'), t.code, d.urn, p.pattern, p.sample, "
            + "p.sample_time, p.sample_time_unix_nano, p.sample_partition, p.sample_offset, p.severity_number, p.severity_text, "
            + "p.first_seen, p.last_seen, p.aliases, p.merged_into "
            + "FROM log_pattern p JOIN dim_tenant t ON t.tenant_id = p.tenant_id JOIN dim_resource d ON d.resource_id = p.resource_id "
            + "ORDER BY 1";
    static final int PARTITIONS = 2;

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void rowsAfterFailureRestartAndReplayEqualACleanRun(String backend, @TempDir Path tmp) throws Exception {
        // one partition per source subtask (see LateRecords)
        String topic = "otlp_logs_" + backend;
        String deadLetters = "otlp_deadletter_logs_" + backend;
        SERVICES.kafka().createTopics(PARTITIONS, topic, deadLetters);
        long start = Instant.parse("2026-03-02T08:01:00Z").toEpochMilli();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : LogPatternsEndToEndTest.generate(start, Duration.ofMinutes(11), 12)) {
            if (m.signal.equals("logs")) {
                records.add(new ProducerRecord<>(topic, i++ % PARTITIONS, m.timeMillis, null, m.value));
            }
        }
        records.addAll(orderSensitiveLogs(topic, start, 11 * 60, PARTITIONS));
        // each partition in time order, as exporters write them
        records.sort(Comparator.comparingLong(ProducerRecord::timestamp));
        List<ProducerRecord<byte[], byte[]>> withLate = withLateCopies(records, 7, Duration.ofHours(1).toMillis(),
                start + Duration.ofMinutes(4).toMillis());
        SERVICES.kafka().send(withLate);
        Set<ProducerRecord<byte[], byte[]>> originals = Collections.newSetFromMap(new IdentityHashMap<>());
        originals.addAll(records);
        int lateRecords = 0;
        for (ProducerRecord<byte[], byte[]> r : withLate) {
            if (!originals.contains(r)) {
                lateRecords += recordCount(r.value());
            }
        }
        assertThat(lateRecords).isGreaterThan(100);

        try (PostgresServer clean = PostgresServer.start(); PostgresServer failing = PostgresServer.start()) {
            // run 1: no failure; as slow as the failing run, so watermarks keep up with the reading in both
            Pipelines.runLogs(options(clean, topic, deadLetters, backend, "clean"), new Throttle<>());
            List<String> windows = Pipelines.rows(clean, WINDOW_ROWS);
            List<String> patterns = Pipelines.rows(clean, PATTERN_ROWS);
            assertThat(windows).hasSizeGreaterThan(30);
            assertThat(patterns).hasSizeGreaterThanOrEqualTo(30);
            assertThat(patterns).as("merged fingerprints are recorded").anyMatch(r -> !r.endsWith("\tnull"));
            assertThat(patterns).as("seconds over the cap are counted").anyMatch(r -> r.contains(UnminedPatterns.OVER_CAP_PATTERN));
            assertThat(RedEndToEndTest.readAll(SERVICES.kafka().bootstrapServers(), deadLetters, lateRecords))
                    .as("the clean run dead-lettered every record of every late copy")
                    .filteredOn(r -> RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_REASON).startsWith("late: "))
                    .hasSize(lateRecords);

            // run 2: fails once in the middle, restarts from the last checkpoint
            Path marker = tmp.resolve("failed-once");
            Path lateAfterRestore = tmp.resolve("late-after-restore");
            Pipelines.runLogs(options(failing, topic, deadLetters, backend, "failing"),
                    new FailOnceAmongLateCopies(marker, lateAfterRestore, start, start + Duration.ofMinutes(6).toMillis(), 500));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();
            assertThat(Files.exists(lateAfterRestore)).as("a late copy was among the first records re-read after the restore")
                    .isTrue();
            assertThat(Pipelines.rows(failing, WINDOW_ROWS)).containsExactlyElementsOf(windows);
            assertThat(Pipelines.rows(failing, PATTERN_ROWS)).containsExactlyElementsOf(patterns);

            if (backend.equals("hashmap")) {
                // run 3: the same range replayed into the clean database changes nothing
                Pipelines.runLogs(options(clean, topic, deadLetters, backend, "replay"), new Throttle<>());
                assertThat(Pipelines.rows(clean, WINDOW_ROWS)).containsExactlyElementsOf(windows);
                assertThat(Pipelines.rows(clean, PATTERN_ROWS)).containsExactlyElementsOf(patterns);
            }
        }
    }

    /**
     * Passes records through, each about 0.1 ms apart as {@link Throttle} (so watermarks keep up with
     * the reading as in the clean run; 2 ms apart from arming until the next checkpoint completes,
     * so that one does on any machine), and throws once (a marker file survives the restart), on
     * subtask 0, {@code afterRecords} records after a checkpoint that completed once a record of
     * {@code armFromMillis} or later was read: the checkpoint restored from lies inside the part of
     * the range that carries late copies. After the restart, it creates {@code lateSeen} when a late
     * copy (event time before {@code rangeStartMillis}) is among the first {@link #FIRST_RECORDS}
     * records a subtask reads: proof that the restored run met late records before its operators
     * could have seen a new watermark.
     */
    static final class FailOnceAmongLateCopies extends RichMapFunction<LogRecordFlat, LogRecordFlat>
            implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final int FIRST_RECORDS = 200;
        static final long SLOW_UNTIL_CHECKPOINT_NANOS = 2_000_000;
        private final String marker;
        private final String lateSeen;
        private final long rangeStartMillis;
        private final long armFromMillis;
        private final long afterRecords;
        private transient boolean armed;
        private transient boolean checkpointedWhileArmed;
        private transient long seenSinceCheckpoint;
        private transient long readAfterRestart;

        FailOnceAmongLateCopies(Path marker, Path lateSeen, long rangeStartMillis, long armFromMillis, long afterRecords) {
            this.marker = marker.toString();
            this.lateSeen = lateSeen.toString();
            this.rangeStartMillis = rangeStartMillis;
            this.armFromMillis = armFromMillis;
            this.afterRecords = afterRecords;
        }

        @Override
        public LogRecordFlat map(LogRecordFlat value) throws Exception {
            // armed but no checkpoint since: slower, so that one completes before the range ends
            // however long checkpoints take on a loaded machine (otherwise the failure never fires)
            LockSupport.parkNanos(armed && !checkpointedWhileArmed ? SLOW_UNTIL_CHECKPOINT_NANOS : 100_000);
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
                if (readAfterRestart++ < FIRST_RECORDS && value.timeMillis() < rangeStartMillis) {
                    try {
                        Files.createFile(Path.of(lateSeen));
                    } catch (FileAlreadyExistsException e) {
                        // the other subtask, or an earlier record, saw one first
                    }
                }
                return value;
            }
            armed |= value.timeMillis() >= armFromMillis;
            if (checkpointedWhileArmed && ++seenSinceCheckpoint >= afterRecords
                    && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 && !Files.exists(Path.of(marker))) {
                Files.createFile(Path.of(marker));
                throw new IllegalStateException("injected failure after " + seenSinceCheckpoint + " records past a checkpoint");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointedWhileArmed |= armed;
        }
    }

    private static JobOptions options(PostgresServer pg, String topic, String deadLetters, String backend, String group) {
        return Pipelines.options(SERVICES.kafka(), pg, JobOptions.GROUP_ID, group + "-" + backend, JobOptions.LOGS_TOPIC, topic,
                JobOptions.DEAD_LETTER_TOPIC, deadLetters, JobOptions.STATE_BACKEND, backend,
                JobOptions.LOG_PATTERNS_SECOND_MAX_RECORDS, "3", JobOptions.LOG_PATTERNS_STREAM_IDLE_TIMEOUT, "1m");
    }

    /**
     * The records, and after every {@code every}-th one from {@code fromMillis} on a copy with every
     * event time moved {@code shiftMillis} back, on the same partition, with the Kafka timestamp of the
     * original (written "now", about something long past).
     */
    static List<ProducerRecord<byte[], byte[]>> withLateCopies(List<ProducerRecord<byte[], byte[]>> records, int every,
            long shiftMillis, long fromMillis) throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        int n = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            out.add(r);
            if (r.timestamp() >= fromMillis && ++n % every == 0) {
                out.add(new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), null, shiftedLogs(r.value(), shiftMillis)));
            }
        }
        return out;
    }

    static int recordCount(byte[] exportLogsServiceRequest) throws Exception {
        int n = 0;
        for (ResourceLogs rl : ExportLogsServiceRequest.parseFrom(exportLogsServiceRequest).getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                n += sl.getLogRecordsCount();
            }
        }
        return n;
    }

    /** The log message with every record's times moved {@code shiftMillis} back. */
    static byte[] shiftedLogs(byte[] exportLogsServiceRequest, long shiftMillis) throws Exception {
        long shift = shiftMillis * 1_000_000L;
        ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(exportLogsServiceRequest);
        ExportLogsServiceRequest.Builder out = ExportLogsServiceRequest.newBuilder();
        for (ResourceLogs rl : req.getResourceLogsList()) {
            ResourceLogs.Builder rb = rl.toBuilder().clearScopeLogs();
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                ScopeLogs.Builder sb = sl.toBuilder().clearLogRecords();
                for (LogRecord r : sl.getLogRecordsList()) {
                    LogRecord.Builder b = r.toBuilder();
                    if (r.getTimeUnixNano() != 0) {
                        b.setTimeUnixNano(r.getTimeUnixNano() - shift);
                    }
                    if (r.getObservedTimeUnixNano() != 0) {
                        b.setObservedTimeUnixNano(r.getObservedTimeUnixNano() - shift);
                    }
                    sb.addLogRecords(b);
                }
                rb.addScopeLogs(sb);
            }
            out.addResourceLogs(rb);
        }
        return out.build().toByteArray();
    }

    static final String[] STAGES = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima"};
    static final String[] STEPS = {"fetch", "parse", "index", "merge", "verify", "upload"};
    static final String[] USERS = {"ann", "bob", "cyd", "dan", "eve", "fay", "gus", "hal"};

    /**
     * Service {@code coordinator}: for each second, one message per partition with four records of
     * that second (times interleaved across partitions). Each minute brings a new stage, whose step
     * words are enumerated values (a fourth distinct one merges the siblings), and users logging in.
     * Silent from minute 4 to minute 6 (idle longer than the test's stream idle timeout).
     */
    static List<ProducerRecord<byte[], byte[]>> orderSensitiveLogs(String topic, long start, int seconds, int partitions) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(99);
        for (int s = 0; s < seconds; s++) {
            if (s >= 240 && s < 360) {
                continue;
            }
            String stage = STAGES[(s / 60) % STAGES.length];
            for (int p = 0; p < partitions; p++) {
                ScopeLogs.Builder scope = ScopeLogs.newBuilder();
                for (int k = 0; k < 4; k++) {
                    long t = (start + s * 1000L + k * 250L + p * 7L) * 1_000_000L;
                    String body = k % 2 == 0
                            ? stage + " step " + STEPS[rnd.nextInt(STEPS.length)] + " complete"
                            : "user " + USERS[rnd.nextInt(USERS.length)] + " logged in from 10.1." + p + "." + rnd.nextInt(200);
                    boolean error = rnd.nextInt(10) == 0;
                    scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t).setObservedTimeUnixNano(t)
                            .setSeverityNumber(error ? SeverityNumber.SEVERITY_NUMBER_ERROR : SeverityNumber.SEVERITY_NUMBER_INFO)
                            .setSeverityText(error ? "ERROR" : "INFO").setBody(AnyValue.newBuilder().setStringValue(body)));
                }
                Resource res = Resource.newBuilder().addAttributes(kv("service.name", "coordinator"))
                        .addAttributes(kv("service.namespace", "shop")).addAttributes(kv("tenant.id", "acme")).build();
                byte[] value = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(res)
                        .addScopeLogs(scope)).build().toByteArray();
                out.add(new ProducerRecord<>(topic, p, start + s * 1000L + 1000L, null, value));
            }
        }
        return out;
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
