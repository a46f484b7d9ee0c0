package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.tests.support.FailOnce;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Exactly once for the edge tables: the same input (three partitions, sent out of order, with a
 * gap that closes every interval once) processed once without failure and once with a failure
 * injected after a checkpoint leaves identical service_call_5m rows (sketches, samples and Kafka
 * locators included), identical topo_edge_time intervals and the same live graph, in two
 * separate databases.
 */
class EdgesExactlyOnceTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @Test
    void edgeRowsAfterAnInjectedFailureEqualRowsOfACleanRun(@TempDir Path tmp) throws Exception {
        String topic = "otlp_spans";
        SERVICES.kafka().createTopics(3, topic, "otlp_deadletter");
        long start = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
        EdgesEndToEndTest.sendShuffled(SERVICES.kafka(), topic, 3, EdgesEndToEndTest.traffic(start, "default", 12));

        // run 1: no failure, into its own database
        try (PostgresServer clean = PostgresServer.start()) {
            EdgesEndToEndTest.runEdges(Pipelines.options(SERVICES.kafka(), clean, JobOptions.GROUP_ID, "clean"), null);
            List<String> calls = Pipelines.rows(clean, EdgesEndToEndTest.CALL_ROWS);
            List<String> topology = Pipelines.rows(clean, EdgesEndToEndTest.TOPO_ROWS);
            List<String> live = Pipelines.rows(clean, EdgesEndToEndTest.LIVE_ROWS);
            assertThat(calls).hasSizeGreaterThan(40);
            assertThat(topology).hasSizeGreaterThan(20);
            assertThat(live).hasSizeGreaterThan(10);

            // run 2: fails once in the middle, restarts from the last checkpoint
            Path marker = tmp.resolve("failed-once");
            EdgesEndToEndTest.runEdges(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "failing"),
                    new FailOnce<>(marker, 1_000));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();

            assertThat(Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.CALL_ROWS)).containsExactlyElementsOf(calls);
            assertThat(Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.TOPO_ROWS)).containsExactlyElementsOf(topology);
            assertThat(Pipelines.rows(SERVICES.postgres(), EdgesEndToEndTest.LIVE_ROWS)).containsExactlyElementsOf(live);
        }
    }
}
