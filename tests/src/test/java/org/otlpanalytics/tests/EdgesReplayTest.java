package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Backfill of the service-call graph: a bounded replay of [--from, --to) rewrites exactly the
 * 5-minute buckets of service_call_5m inside the range (damaged rows come back identical, rows
 * outside are not touched), leaves topo_edge_time as the live run wrote it (a second tenant's
 * edges start inside the range and go on after it: the replay sees them end at its last record,
 * and must not write that truncated interval over the live one), and replaying the same range
 * twice changes nothing.
 */
class EdgesReplayTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @Test
    void replayRewritesExactlyTheBucketsInRangeKeepsLiveIntervalsAndIsIdempotent() throws Exception {
        String topic = "otlp_spans";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter");
        long start = Instant.parse("2026-05-02T06:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> msgs = new ArrayList<>(new TelemetryGenerator(5, "default").withLogs(false)
                .withMetrics(false).generate(start, Duration.ofMinutes(20).toMillis(), 4));
        // edges that start inside the replayed range and go on after its end
        msgs.addAll(new TelemetryGenerator(6, "late-starter").withLogs(false).withMetrics(false)
                .generate(start + Duration.ofMinutes(12).toMillis(), Duration.ofMinutes(13).toMillis(), 2));
        msgs.sort(java.util.Comparator.comparingLong(m -> m.timeMillis));
        Pipelines.sendTraces(SERVICES.kafka(), topic, 2, msgs); // Kafka timestamps = export times
        EdgesEndToEndTest.runEdges(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "live"), null);
        List<String> original = Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.CALL_ROWS);
        List<String> intervals = Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.TOPO_ROWS);
        assertThat(intervals).anyMatch(r -> r.startsWith("late-starter\t") && r.contains("\t2026-05-02 06:12:"));
        assertThat(original.stream().filter(r -> r.startsWith("2026-05-02 06:05:00"))).hasSizeGreaterThan(5);

        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM service_call_5m WHERE bucket = '2026-05-02T06:05:00Z'");
            s.executeUpdate("UPDATE service_call_5m SET calls = calls + 1000 WHERE bucket = '2026-05-02T06:10:00Z'");
            s.executeUpdate("UPDATE service_call_5m SET calls = -1 WHERE bucket = '2026-05-02T06:15:00Z'");
        }
        String[] replay = {JobOptions.GROUP_ID, "backfill", JobOptions.FROM, "2026-05-02T06:05:00Z",
                JobOptions.TO, "2026-05-02T06:15:00Z", JobOptions.STARTING_OFFSETS, "earliest"};
        EdgesEndToEndTest.runEdges(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), replay), null);
        List<String> afterReplay = Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.CALL_ROWS);

        List<String> expected = new ArrayList<>();
        for (String row : original) {
            expected.add(row.startsWith("2026-05-02 06:15:00") ? withCalls(row, "-1") : row);
        }
        assertThat(afterReplay).containsExactlyElementsOf(expected);
        assertThat(Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.TOPO_ROWS)).as("topo_edge_time as the live run left it")
                .containsExactlyElementsOf(intervals);

        EdgesEndToEndTest.runEdges(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), replay), null);
        assertThat(Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.CALL_ROWS)).containsExactlyElementsOf(afterReplay);
        assertThat(Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.TOPO_ROWS)).containsExactlyElementsOf(intervals);
    }

    /** The row text with its calls column (6th) replaced. */
    static String withCalls(String row, String calls) {
        String[] f = row.split("\t", -1);
        f[5] = calls;
        return String.join("\t", f);
    }
}
