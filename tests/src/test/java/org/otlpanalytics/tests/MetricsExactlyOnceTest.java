package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Exactly once for metrics: the same metrics input (two tenants, three partitions, so cumulative
 * series interleave across partitions) processed once without failure and once with a failure
 * injected after a checkpoint leaves identical metric_1m and use_1m rows — every column, KLL
 * bytes and Kafka locators included — in two separate databases.
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

    @Test
    void metricAndUseRowsAfterAnInjectedFailureEqualRowsOfACleanRun(@TempDir Path tmp) throws Exception {
        String topic = "otlp_metrics";
        SERVICES.kafka().createTopics(3, topic, "otlp_deadletter");
        long start = Instant.parse("2026-03-04T06:00:00Z").toEpochMilli();
        long duration = Duration.ofMinutes(40).toMillis();
        List<TelemetryGenerator.Message> msgs = new ArrayList<>();
        msgs.addAll(new TelemetryGenerator(7, "default").withLogs(false)
                .incident(start + 600_000, start + 900_000).generate(start, duration, 0.05));
        msgs.addAll(new TelemetryGenerator(8, "acme").withLogs(false).generate(start, duration, 0.05));
        // in time order, as two live senders would write them (the watermark's out-of-orderness holds)
        msgs.sort(java.util.Comparator.comparingLong(m -> m.timeMillis));
        MetricsEndToEndTest.sendMetrics(SERVICES.kafka(), topic, 3, msgs);

        try (PostgresServer clean = PostgresServer.start()) {
            MetricsEndToEndTest.runMetrics(Pipelines.options(SERVICES.kafka(), clean, JobOptions.GROUP_ID, "clean"), null);
            List<String> expectedMetrics = Pipelines.rows(clean, METRIC_ROWS);
            List<String> expectedUse = Pipelines.rows(clean, USE_ROWS);
            assertThat(expectedMetrics).hasSizeGreaterThan(2000);
            assertThat(expectedUse).hasSizeGreaterThan(500);

            Path marker = tmp.resolve("failed-once");
            MetricsEndToEndTest.runMetrics(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(),
                    JobOptions.GROUP_ID, "failing"), new FailOnce<>(marker, 2_000));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();

            assertThat(Pipelines.rows(SERVICES.postgres(), METRIC_ROWS)).containsExactlyElementsOf(expectedMetrics);
            assertThat(Pipelines.rows(SERVICES.postgres(), USE_ROWS)).containsExactlyElementsOf(expectedUse);
        }
    }
}
