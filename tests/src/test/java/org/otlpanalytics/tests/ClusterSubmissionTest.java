package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.tests.cluster.ShadedJobJar;
import org.otlpanalytics.tests.cluster.StandaloneFlinkCluster;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RedOracle;
import org.otlpanalytics.tests.support.Services;

/**
 * The shaded job jar on a real standalone Flink cluster (a JobManager and a TaskManager process,
 * configured by flink-conf/config.yaml), submitted over the REST API as a user would: upload,
 * run with command-line options, wait for the bounded run to finish. The red_1m rows it leaves in
 * PostgreSQL must equal the oracle's counts, which proves the jar carries everything the cluster
 * lacks (Kafka connector and client, protobuf, Flyway with its PostgreSQL plugin, the JDBC driver,
 * DataSketches) and that its manifest names the right main class.
 */
class ClusterSubmissionTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @TempDir
    static Path work;

    static final Path FLINK_CONF = Paths.get(System.getProperty("otlp.flinkConfDir", "../flink-conf"));
    private static final long START = Instant.parse("2026-03-03T09:00:00Z").toEpochMilli();

    private static Path jobJar;
    private static StandaloneFlinkCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        jobJar = ShadedJobJar.require();
        cluster = StandaloneFlinkCluster.start(FLINK_CONF, work);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shadedJarSubmittedOverRestWritesTheExpectedRedRows() throws Exception {
        String topic = "otlp_spans";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter");
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(11, "acme").withLogs(false).withMetrics(false)
                .generate(START, Duration.ofMinutes(2).toMillis(), 5);
        RedOracle oracle = new RedOracle();
        for (byte[] m : Pipelines.sendTraces(SERVICES.kafka(), topic, 2, msgs)) {
            oracle.add(m);
        }
        assertThat(oracle.totalCalls()).isGreaterThan(1_000);

        String jobId = submit(List.of(
                "--bootstrap-servers", SERVICES.kafka().bootstrapServers(),
                "--jdbc-url", SERVICES.postgres().jdbcUrl(),
                "--bounded", "true",
                "--starting-offsets", "earliest",
                "--parallelism", "1",
                "--jobs", "red"));
        String state = cluster.rest().awaitTerminal(jobId, Duration.ofMinutes(5));
        assertThat(state).as(() -> "job " + jobId + " ended " + state + "; exceptions: " + exceptions(jobId)
                + "\n" + cluster.logs()).isEqualTo("FINISHED");
        assertThat(cluster.rest().get("/jobs/" + jobId).get("name").getAsString()).isEqualTo("otlp-analytics red");

        Map<String, long[]> actual = new HashMap<>();
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.bucket, t.code, d.name, r.operation, r.span_kind, r.status, "
                        + "r.calls, r.errors FROM red_1m r "
                        + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            while (rs.next()) {
                actual.put(RedOracle.key(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)), new long[] {rs.getLong(7), rs.getLong(8)});
            }
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(oracle.rows().keySet());
        for (Map.Entry<String, RedOracle.Expected> e : oracle.rows().entrySet()) {
            assertThat(actual.get(e.getKey())[0]).as("calls of %s", e.getKey()).isEqualTo(e.getValue().calls);
            assertThat(actual.get(e.getKey())[1]).as("errors of %s", e.getKey()).isEqualTo(e.getValue().errors);
        }
    }

    /** Uploads the shaded jar and runs it; a failing upload or main() fails the test with the cluster's logs. */
    private static String submit(List<String> args) {
        try {
            return cluster.rest().runJar(cluster.rest().uploadJar(jobJar), args);
        } catch (Exception e) {
            throw new AssertionError("submitting " + jobJar + " failed: " + e.getMessage() + "\n" + cluster.logs(), e);
        }
    }

    private static String exceptions(String jobId) {
        try {
            return cluster.rest().get("/jobs/" + jobId + "/exceptions").toString();
        } catch (Exception e) {
            return "(unavailable: " + e + ")";
        }
    }
}
