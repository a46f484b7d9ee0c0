package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.tests.cluster.FaultInput;
import org.otlpanalytics.tests.support.DeadLetterOracle;
import org.otlpanalytics.tests.support.FailOnce;
import org.otlpanalytics.tests.support.LateRecords;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * {@code dead_letter_1m} against the dead-letter topic, on the input of the cluster tests
 * ({@link FaultInput}: 3 partitions per topic, one undecodable message in 97) read bounded by all
 * four pipelines at parallelism 2 on RocksDB, as the cluster test's failure-free reference reads
 * it: every dead letter on the topic is counted once, in the row of its minute, topic, stage and
 * kind ({@link DeadLetterOracle}: the topic is the oracle).
 */
class DeadLetterCountsEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-03-05T10:00:00Z").toEpochMilli();
    static final long HOUR = Duration.ofHours(1).toMillis();

    /**
     * Besides the undecodable messages: every 40th trace message once more dated an hour ahead
     * (future, dead-lettered at ingest, one per span) and, at the end of every partition, copies of
     * trace and metric messages an hour behind (late in RED, edges or metrics when their operator's
     * watermark has passed them).
     */
    @Test
    void everyDeadLetterOfAFailureFreeRunIsCountedOnceInItsMinuteTopicStageAndKind() throws Exception {
        FaultInput input = FaultInput.generate(START, Duration.ofMinutes(5), 2);
        String suffix = "_kinds";
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(input.records());
        int traces = 0;
        for (ProducerRecord<byte[], byte[]> r : input.records()) {
            if (r.topic().equals(FaultInput.SPANS) && !input.isMalformed(r) && ++traces % 40 == 0) {
                records.add(new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), null,
                        LateRecords.shiftedTraces(r.value(), -HOUR)));
            }
        }
        for (String topic : List.of(FaultInput.SPANS, FaultInput.METRICS)) {
            for (int p = 0; p < FaultInput.PARTITIONS; p++) {
                List<ProducerRecord<byte[], byte[]>> part = input.partition(topic, p);
                long last = part.get(part.size() - 1).timestamp();
                for (ProducerRecord<byte[], byte[]> r : part.subList(part.size() - 6, part.size() - 1)) {
                    if (!input.isMalformed(r)) {
                        byte[] late = topic.equals(FaultInput.SPANS) ? LateRecords.shiftedTraces(r.value(), HOUR)
                                : LateRecords.shiftedMetrics(r.value(), HOUR);
                        records.add(new ProducerRecord<>(topic, p, last, null, late));
                    }
                }
            }
        }
        send(suffix, records);

        try (PostgresServer pg = PostgresServer.start()) {
            Pipelines.run(options(pg, suffix), AnalyticsJob.Taps.NONE);
            Map<String, Long> expected = DeadLetterOracle.expected(SERVICES.kafka().bootstrapServers(), "otlp_deadletter" + suffix);
            System.out.println("[dead-letters] failure-free, topic: " + expected);
            assertThat(expected.keySet()).as("kinds and stages on the topic")
                    .anyMatch(k -> k.endsWith(" ingest undecodable")).anyMatch(k -> k.endsWith(" ingest future"));
            assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).as("dead letters on the topic")
                    .isGreaterThan(36);
            assertThat(DeadLetterOracle.counted(pg.jdbcUrl())).isEqualTo(expected);
        }
    }

    /**
     * The spans are read slowly, so the logs and metrics sources finish first; then, after a
     * checkpoint, the job fails once and restores from it while those sources stay finished. The
     * counts of their dead letters must survive that restore.
     */
    @Test
    void countsSurviveARestoreAfterSomeSourcesHaveFinished(@TempDir Path tmp) throws Exception {
        FaultInput input = FaultInput.generate(START, Duration.ofMinutes(5), 2);
        String suffix = "_restore";
        send(suffix, input.records());
        Path marker = tmp.resolve("failed-once");
        try (PostgresServer pg = PostgresServer.start()) {
            Pipelines.run(options(pg, suffix), AnalyticsJob.Taps.spans(new SlowThenFailOnce<>(marker, 400)));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();
            Map<String, Long> expected = DeadLetterOracle.distinctOrigins(SERVICES.kafka().bootstrapServers(),
                    "otlp_deadletter" + suffix);
            System.out.println("[dead-letters] restored, topic: " + expected);
            assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).as("undecodable messages").isEqualTo(36);
            assertThat(DeadLetterOracle.counted(pg.jdbcUrl())).isEqualTo(expected);
        }
    }

    /** {@link FailOnce} on records slowed to 10 ms each: the spans are read long after the logs and metrics. */
    static final class SlowThenFailOnce<T> extends FailOnce<T> {
        private static final long serialVersionUID = 1L;

        SlowThenFailOnce(Path marker, long afterRecords) {
            super(marker, afterRecords);
        }

        @Override
        public T map(T value) throws Exception {
            Thread.sleep(10);
            return super.map(value);
        }
    }

    /** The records, each on its topic's copy named with {@code suffix}, and that copy's dead-letter topic. */
    private static void send(String suffix, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        SERVICES.kafka().createTopics(FaultInput.PARTITIONS, FaultInput.SPANS + suffix, FaultInput.LOGS + suffix,
                FaultInput.METRICS + suffix, "otlp_deadletter" + suffix);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            out.add(new ProducerRecord<>(r.topic() + suffix, r.partition(), r.timestamp(), null, r.value()));
        }
        SERVICES.kafka().send(out);
    }

    /** As the cluster test's jobs run: all four pipelines, parallelism 2, RocksDB, checkpoints every 2 s, no idleness. */
    private static JobOptions options(PostgresServer pg, String suffix) {
        return Pipelines.options(SERVICES.kafka(), pg, JobOptions.JOBS, "red,edges,metrics,logs", JobOptions.GROUP_ID,
                "dead-letter-counts" + suffix, JobOptions.SPANS_TOPIC, FaultInput.SPANS + suffix, JobOptions.LOGS_TOPIC,
                FaultInput.LOGS + suffix, JobOptions.METRICS_TOPIC, FaultInput.METRICS + suffix, JobOptions.DEAD_LETTER_TOPIC,
                "otlp_deadletter" + suffix, JobOptions.CHECKPOINT_INTERVAL, "2s", JobOptions.IDLENESS, "0s",
                JobOptions.STATE_BACKEND, "rocksdb");
    }
}
