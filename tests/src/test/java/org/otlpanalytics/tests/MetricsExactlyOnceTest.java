package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * Exactly once for metrics: the same metrics input (two tenants, two partitions, so cumulative
 * series interleave across partitions) processed once without failure and once with a failure
 * injected after a checkpoint leaves identical metric_1m and use_1m rows — every column, KLL
 * bytes and Kafka locators included — in two separate databases, on the heap and on the RocksDB
 * state backend (there also with {@code --unaligned-checkpoints}, whose barriers may come between the
 * aggregator's timers and the pre-aggregator's sends). The input carries late copies (an hour behind) through its second part: the
 * clean run dead-letters them, and the restored run re-reads some right after the restore,
 * before any watermark reached its operators ({@link LateRecords}).
 */
class MetricsExactlyOnceTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final String METRIC_ROWS = "SELECT m.bucket, t.code, d.urn, m.metric, m.labels_hash, m.labels::text, s.urn, "
            + "m.unit, m.metric_type, m.kind, m.points, m.avg, m.min, m.max, m.p95, m.last, m.total, m.rate, m.count, m.sum, "
            + "m.value_kll, m.buckets::text, k.partitions, k.offset_from, k.offset_to, k.time_from, k.time_to "
            + "FROM metric_1m m JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
            + "LEFT JOIN dim_resource s ON s.resource_id = m.service_resource_id "
            + "LEFT JOIN kafka_locator k ON k.id = m.sample_ref ORDER BY 1, 2, 3, 4, 5";
    static final String USE_ROWS = "SELECT u.bucket, t.code, d.urn, u.utilization, u.utilization_component, u.saturation, "
            + "u.saturation_component, u.errors_per_s, u.contributors::text "
            + "FROM use_1m u JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) ORDER BY 1, 2, 3";

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb", "rocksdb-unaligned"})
    void metricAndUseRowsAfterAnInjectedFailureEqualRowsOfACleanRun(String backend, @TempDir Path tmp) throws Exception {
        String topic = "otlp_metrics_" + backend;
        String deadLetters = "otlp_deadletter_" + backend;
        // one partition per source subtask (see LateRecords)
        SERVICES.kafka().createTopics(2, topic, deadLetters);
        long start = Instant.parse("2026-03-04T06:00:00Z").toEpochMilli();
        long duration = Duration.ofMinutes(16).toMillis();
        List<TelemetryGenerator.Message> msgs = new ArrayList<>();
        msgs.addAll(new TelemetryGenerator(7, "default").withLogs(false)
                .incident(start + 600_000, start + 900_000).generate(start, duration, 0.05));
        msgs.addAll(new TelemetryGenerator(8, "acme").withLogs(false).generate(start, duration, 0.05));
        // in time order, as two live senders would write them (the watermark's out-of-orderness holds);
        // from minute 6 on (past out-of-orderness and allowed lateness, and past the start-up of every source
        // subtask: with the metrics limiters' operators, on RocksDB, one source subtask read partition 0 to
        // minute 3 before any watermark reached the converter, so the clean run accepted the first copies),
        // every 3rd message followed by a copy an hour behind: late in every run that kept its watermark. Watermarks come from the records,
        // so only what a restored subtask reads first is read before any watermark (see the operator tests
        // for the restore-then-late cases that do not depend on where the checkpoint fell)
        msgs.sort(java.util.Comparator.comparingLong(m -> m.timeMillis));
        SERVICES.kafka().send(LateRecords.metricsWithLateCopies(topic, 2, msgs, 3, Duration.ofHours(1).toMillis(),
                start + Duration.ofMinutes(6).toMillis()));

        try (PostgresServer clean = PostgresServer.start(); PostgresServer failing = PostgresServer.start()) {
            // as slow as the failing run, so periodic watermarks keep up with the reading in both
            MetricsEndToEndTest.runMetrics(options(clean, topic, deadLetters, backend, "clean"), new Throttle<>());
            List<String> expectedMetrics = Pipelines.rows(clean, METRIC_ROWS);
            List<String> expectedUse = Pipelines.rows(clean, USE_ROWS);
            assertThat(expectedMetrics).hasSizeGreaterThan(1000);
            assertThat(expectedUse).hasSizeGreaterThan(200);
            List<ConsumerRecord<byte[], byte[]>> late = RedEndToEndTest.readAll(SERVICES.kafka().bootstrapServers(), deadLetters, 1);
            assertThat(late).as("the clean run dead-lettered the late copies")
                    .anySatisfy(r -> assertThat(RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_REASON)).startsWith("late: "));

            Path marker = tmp.resolve("failed-once");
            MetricsEndToEndTest.runMetrics(options(failing, topic, deadLetters, backend, "failing"),
                    new FailOnce<>(marker, 2_000, true));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();

            assertThat(Pipelines.rows(failing, METRIC_ROWS)).containsExactlyElementsOf(expectedMetrics);
            assertThat(Pipelines.rows(failing, USE_ROWS)).containsExactlyElementsOf(expectedUse);
        }
    }

    private static JobOptions options(PostgresServer pg, String topic, String deadLetters, String backend, String group) {
        return Pipelines.options(SERVICES.kafka(), pg, JobOptions.GROUP_ID, group + "-" + backend, JobOptions.METRICS_TOPIC, topic,
                JobOptions.DEAD_LETTER_TOPIC, deadLetters, JobOptions.STATE_BACKEND, backend.replace("-unaligned", ""),
                JobOptions.UNALIGNED_CHECKPOINTS, Boolean.toString(backend.endsWith("-unaligned")));
    }
}
