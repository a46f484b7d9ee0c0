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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * Fingerprint stability, end to end: the same Kafka range processed (1) cleanly at parallelism 1,
 * (2) at parallelism 2 with a failure injected after a checkpoint (restart from the checkpoint,
 * replay from its offsets) and (3) replayed a second time into the clean database leaves identical
 * {@code log_pattern_5m} and {@code log_pattern} rows, row for row: same fingerprint ids, counts,
 * templates, samples, severities, first/last seen, aliases and Kafka locators.
 *
 * <p>Besides the generator's shop logs the range holds an order-sensitive service: every second, each
 * of the three partitions carries records of the same second whose first occurrences decide which
 * clusters Drain creates (and so their ids) and which survive merges, with new templates every
 * minute, so also after the injected failure. Mining in arrival order fails this test.
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

    @Test
    void rowsAfterFailureRestartParallelismChangeAndReplayEqualACleanRun(@TempDir Path tmp) throws Exception {
        String topic = LogPatternsEndToEndTest.TOPIC;
        SERVICES.kafka().createTopics(3, topic, "otlp_deadletter");
        long start = Instant.parse("2026-03-02T08:01:00Z").toEpochMilli();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : LogPatternsEndToEndTest.generate(start, Duration.ofMinutes(11), 12)) {
            if (m.signal.equals("logs")) {
                records.add(new ProducerRecord<>(topic, i++ % 3, m.timeMillis, null, m.value));
            }
        }
        records.addAll(orderSensitiveLogs(topic, start, 11 * 60, 3));
        // each partition in time order, as exporters write them
        records.sort(Comparator.comparingLong(ProducerRecord::timestamp));
        SERVICES.kafka().send(records);

        // run 1: parallelism 1, no failure, into its own database
        try (PostgresServer clean = PostgresServer.start()) {
            LogPatternsEndToEndTest.runLogs(Pipelines.options(SERVICES.kafka(), clean, JobOptions.GROUP_ID, "clean",
                    JobOptions.PARALLELISM, "1"), null);
            List<String> windows = Pipelines.rows(clean, WINDOW_ROWS);
            List<String> patterns = Pipelines.rows(clean, PATTERN_ROWS);
            assertThat(windows).hasSizeGreaterThan(30);
            assertThat(patterns).hasSizeGreaterThanOrEqualTo(30);
            assertThat(patterns).as("merged fingerprints are recorded").anyMatch(r -> !r.endsWith("\tnull"));

            // run 2: parallelism 2, fails once in the middle, restarts from the last checkpoint
            Path marker = tmp.resolve("failed-once");
            LogPatternsEndToEndTest.runLogs(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "failing"),
                    new FailOnce<>(marker, 3_000));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();
            assertThat(Pipelines.rows(SERVICES.postgres(), WINDOW_ROWS)).containsExactlyElementsOf(windows);
            assertThat(Pipelines.rows(SERVICES.postgres(), PATTERN_ROWS)).containsExactlyElementsOf(patterns);

            // run 3: the same range replayed into the clean database changes nothing
            LogPatternsEndToEndTest.runLogs(Pipelines.options(SERVICES.kafka(), clean, JobOptions.GROUP_ID, "replay"), null);
            assertThat(Pipelines.rows(clean, WINDOW_ROWS)).containsExactlyElementsOf(windows);
            assertThat(Pipelines.rows(clean, PATTERN_ROWS)).containsExactlyElementsOf(patterns);
        }
    }

    static final String[] STAGES = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima"};
    static final String[] STEPS = {"fetch", "parse", "index", "merge", "verify", "upload"};
    static final String[] USERS = {"ann", "bob", "cyd", "dan", "eve", "fay", "gus", "hal"};

    /**
     * Service {@code coordinator}: for each second, one message per partition with four records of
     * that second (times interleaved across partitions). Each minute brings a new stage, whose step
     * words are enumerated values (a fourth distinct one merges the siblings), and users logging in.
     */
    static List<ProducerRecord<byte[], byte[]>> orderSensitiveLogs(String topic, long start, int seconds, int partitions) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(99);
        for (int s = 0; s < seconds; s++) {
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
