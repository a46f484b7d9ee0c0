package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.tests.support.FailOnce;
import org.otlpanalytics.tests.support.LateRecords;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.Throttle;

/**
 * Exactly once, end to end: the same input processed once without failure and once with a
 * failure injected after a checkpoint (restart from the checkpoint, replay from its offsets)
 * leaves identical rows, row for row, sketches included, in two separate databases — on the heap
 * and on the RocksDB state backend. The input carries late copies of messages throughout its
 * second part (an hour behind the stream, far beyond the allowed lateness): the clean run
 * dead-letters them,
 * and the restored run re-reads some of them before any watermark has reached its operators, so
 * lateness that did not survive the restore would reopen complete minutes and overwrite them.
 */
class ExactlyOnceRecoveryTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final String RED_ROWS = "SELECT r.bucket, t.code, d.urn, r.operation, r.span_kind, r.status, r.calls, r.errors, "
            + "r.duration_sum_ms, r.p50_ms, r.p95_ms, r.p99_ms, r.distinct_traces, r.duration_kll, r.trace_hll, "
            + "r.duration_min_ms, r.duration_max_ms, r.duration_idx, r.duration_cnt, r.trace_hll_regs, "
            + "k.partitions, k.offset_from, k.offset_to, k.time_from, k.time_to "
            + "FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
            + "LEFT JOIN kafka_locator k ON k.id = r.sample_ref "
            + "ORDER BY 1, 2, 3, 4, 5, 6";
    /** The span dimensions' top values and distinct counts (issue 9), with their sketches. */
    static final String SPAN_ATTR_ROWS = "SELECT a.bucket, t.code, d.urn, a.attribute, a.spans, a.items, a.counts, a.max_error, "
            + "a.distinct_values, a.hll_regs, a.hll, a.items_sketch, a.sample_ref, "
            + "k.partitions, k.offset_from, k.offset_to, k.time_from, k.time_to FROM span_attr_1m a "
            + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
            + "LEFT JOIN kafka_locator k ON k.id = a.sample_ref ORDER BY 1, 2, 3, 4";
    /** The dead letters counted per minute (issue 9, pipeline health). */
    static final String DEAD_LETTER_ROWS = "SELECT bucket, source_topic, stage, kind, dead_letters FROM dead_letter_1m ORDER BY 1, 2, 3, 4";

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void rowsAfterAnInjectedFailureEqualRowsOfACleanRun(String backend, @TempDir Path tmp) throws Exception {
        String topic = "otlp_spans_" + backend;
        String deadLetters = "otlp_deadletter_" + backend;
        // one partition per source subtask: a reader holding two partitions may emit one of them whole
        // while the other has produced nothing and holds its watermark at MIN, which makes lateness
        // depend on fetch order even without a failure (see LateRecords)
        SERVICES.kafka().createTopics(2, topic, deadLetters);
        long start = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(7, "default").withLogs(false).withMetrics(false)
                .incident(start + 60_000, start + 120_000).generate(start, Duration.ofMinutes(6).toMillis(), 12);
        SERVICES.kafka().send(LateRecords.tracesWithLateCopies(topic, 2, msgs, 3, Duration.ofHours(1).toMillis(),
                start + Duration.ofSeconds(90).toMillis()));

        // run 1: no failure, into its own database
        try (PostgresServer clean = PostgresServer.start(); PostgresServer failing = PostgresServer.start()) {
            // as slow as the failing run, so periodic watermarks keep up with the reading in both
            Pipelines.runRed(options(clean, topic, deadLetters, backend, "clean"), new Throttle<>());
            List<String> expected = Pipelines.rows(clean, RED_ROWS);
            assertThat(expected).hasSizeGreaterThan(50);
            List<String> expectedAttrs = Pipelines.rows(clean, SPAN_ATTR_ROWS);
            assertThat(expectedAttrs).as("error routes and slow peers were counted").hasSizeGreaterThan(5);
            List<String> expectedDeadLetters = Pipelines.rows(clean, DEAD_LETTER_ROWS);
            assertThat(expectedDeadLetters).as("the late copies were counted").isNotEmpty();
            List<ConsumerRecord<byte[], byte[]>> late = RedEndToEndTest.readAll(SERVICES.kafka().bootstrapServers(), deadLetters, 1);
            assertThat(late).as("the clean run dead-lettered the late copies")
                    .anySatisfy(r -> assertThat(RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_REASON)).startsWith("late: "));

            // run 2: fails once in the middle, restarts from the last checkpoint
            Path marker = tmp.resolve("failed-once");
            Pipelines.runRed(options(failing, topic, deadLetters, backend, "failing"), new FailOnce<>(marker, 8_000, true));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();
            List<String> actual = Pipelines.rows(failing, RED_ROWS);

            assertThat(actual).containsExactlyElementsOf(expected);
            assertThat(Pipelines.rows(failing, SPAN_ATTR_ROWS)).containsExactlyElementsOf(expectedAttrs);
            assertThat(Pipelines.rows(failing, DEAD_LETTER_ROWS)).containsExactlyElementsOf(expectedDeadLetters);
        }
    }

    private static JobOptions options(PostgresServer pg, String topic, String deadLetters, String backend, String group) {
        return Pipelines.options(SERVICES.kafka(), pg, JobOptions.GROUP_ID, group + "-" + backend, JobOptions.SPANS_TOPIC, topic,
                JobOptions.DEAD_LETTER_TOPIC, deadLetters, JobOptions.STATE_BACKEND, backend);
    }
}
