package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.tests.support.FailOnce;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Exactly once, end to end: the same input processed once without failure and once with a
 * failure injected after a checkpoint (restart from the checkpoint, replay from its offsets)
 * leaves identical rows, row for row, sketches included, in two separate databases.
 */
class ExactlyOnceRecoveryTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final String RED_ROWS = "SELECT r.bucket, t.code, d.urn, r.operation, r.span_kind, r.status, r.calls, r.errors, "
            + "r.duration_sum_ms, r.p50_ms, r.p95_ms, r.p99_ms, r.distinct_traces, r.duration_kll, r.trace_hll, "
            + "k.partitions, k.offset_from, k.offset_to, k.time_from, k.time_to "
            + "FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
            + "LEFT JOIN kafka_locator k ON k.id = r.sample_ref "
            + "ORDER BY 1, 2, 3, 4, 5, 6";

    @Test
    void rowsAfterAnInjectedFailureEqualRowsOfACleanRun(@TempDir Path tmp) throws Exception {
        String topic = "otlp_spans";
        SERVICES.kafka().createTopics(3, topic, "otlp_deadletter");
        long start = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(7, "default").withLogs(false).withMetrics(false)
                .incident(start + 60_000, start + 120_000).generate(start, Duration.ofMinutes(5).toMillis(), 15);
        Pipelines.sendTraces(SERVICES.kafka(), topic, 3, msgs);

        // run 1: no failure, into its own database
        try (PostgresServer clean = PostgresServer.start()) {
            Pipelines.runRed(Pipelines.options(SERVICES.kafka(), clean, JobOptions.GROUP_ID, "clean"), null);
            List<String> expected = Pipelines.rows(clean, RED_ROWS);
            assertThat(expected).hasSizeGreaterThan(50);

            // run 2: fails once in the middle, restarts from the last checkpoint
            Path marker = tmp.resolve("failed-once");
            Pipelines.runRed(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "failing"),
                    new FailOnce<>(marker, 2_000));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();
            List<String> actual = Pipelines.rows(SERVICES.postgres(), RED_ROWS);

            assertThat(actual).containsExactlyElementsOf(expected);
        }
    }
}
