package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Backfill: a bounded replay of [--from, --to) rewrites exactly the minutes inside the range
 * (rows damaged there come back identical, rows outside are not touched), and replaying the
 * same range twice changes nothing.
 */
class ReplayBackfillTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @Test
    void replayRewritesExactlyTheMinutesInRangeAndIsIdempotent() throws Exception {
        String topic = "otlp_spans";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter");
        long start = Instant.parse("2026-05-01T06:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(3, "default").withLogs(false).withMetrics(false)
                .generate(start, Duration.ofMinutes(8).toMillis(), 8);
        Pipelines.sendTraces(SERVICES.kafka(), topic, 2, msgs); // Kafka timestamps = export times
        Pipelines.runRed(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "live"), null);
        List<String> original = Pipelines.rows(SERVICES.postgres(), ExactlyOnceRecoveryTest.RED_ROWS);
        assertThat(original).hasSizeGreaterThan(100);

        // damage minutes 3 and 4 (inside the range) and minute 6 (outside it)
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM red_1m WHERE bucket = '2026-05-01T06:03:00Z'");
            s.executeUpdate("UPDATE red_1m SET calls = calls + 1000 WHERE bucket = '2026-05-01T06:04:00Z'");
            s.executeUpdate("UPDATE red_1m SET calls = -1 WHERE bucket = '2026-05-01T06:06:00Z'");
        }
        String[] replay = {JobOptions.GROUP_ID, "backfill", JobOptions.FROM, "2026-05-01T06:03:00Z",
                JobOptions.TO, "2026-05-01T06:05:00Z", JobOptions.STARTING_OFFSETS, "earliest"};
        Pipelines.runRed(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), replay), null);
        List<String> afterReplay = Pipelines.rows(SERVICES.postgres(), ExactlyOnceRecoveryTest.RED_ROWS);

        List<String> expected = new java.util.ArrayList<>();
        for (String row : original) {
            expected.add(row.startsWith("2026-05-01 06:06:00") ? withCalls(row, "-1") : row);
        }
        assertThat(afterReplay).containsExactlyElementsOf(expected);

        // the same replay again changes nothing
        Pipelines.runRed(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), replay), null);
        assertThat(Pipelines.rows(SERVICES.postgres(), ExactlyOnceRecoveryTest.RED_ROWS)).containsExactlyElementsOf(afterReplay);
    }

    /** The row text with its calls column (7th) replaced. */
    static String withCalls(String row, String calls) {
        String[] f = row.split("\t", -1);
        f[6] = calls;
        return String.join("\t", f);
    }
}
