package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.cli.CsvExport;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.tests.support.MetricOracle;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Generated host and runtime metrics through a real Kafka broker (spread over two partitions,
 * so a series' cumulative points arrive interleaved), the metrics job on a MiniCluster and a real
 * PostgreSQL: every metric_1m row and every USE row equals the oracle computed from the
 * generated messages — counts, totals, maxima and nearest-rank p95 exactly, means within
 * rounding — and the saturation ranking puts the host of the service under incident first.
 */
class MetricsEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-03-03T09:00:00Z").toEpochMilli();

    static final String METRIC_ROWS = "SELECT m.bucket, t.code, d.urn, m.metric, "
            + "coalesce((SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM jsonb_each_text(m.labels)), '') AS labels, "
            + "m.points, m.avg, m.max, m.p95, m.total, m.rate, m.count, m.sum, m.buckets->>'counts', s.name "
            + "FROM metric_1m m JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
            + "LEFT JOIN dim_resource s ON s.resource_id = m.service_resource_id";

    /** Sends the generated metrics messages round-robin over the topic's partitions; returns them. */
    static List<byte[]> sendMetrics(EmbeddedKafka kafka, String topic, int partitions, List<TelemetryGenerator.Message> msgs)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            if (m.signal.equals("metrics")) {
                recs.add(new ProducerRecord<>(topic, i++ % partitions, m.timeMillis, null, m.value));
                sent.add(m.value);
            }
        }
        kafka.send(recs);
        return sent;
    }

    /** Runs the metrics pipeline to the end of the topic into the options' database; {@code tap} may inject a failure. */
    static void runMetrics(JobOptions o, MapFunction<MetricPoint, MetricPoint> tap) throws Exception {
        Pipelines.runMetrics(o, tap);
    }

    @Test
    void metricRowsAndUseMatchOracle(@TempDir Path tmp) throws Exception {
        String topic = "otlp_metrics";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter");
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(42, "acme").withLogs(false)
                .incident(START + Duration.ofMinutes(4).toMillis(), START + Duration.ofMinutes(6).toMillis())
                .generate(START, Duration.ofMinutes(6).toMillis(), 0.2);
        List<byte[]> sent = sendMetrics(SERVICES.kafka(), topic, 2, msgs);
        // an undecodable message between the good ones does not stop the job
        SERVICES.kafka().send(List.of(new ProducerRecord<>(topic, 1, null, "not protobuf \u00ff".getBytes())));
        MetricOracle oracle = new MetricOracle();
        for (byte[] m : sent) {
            oracle.add(m);
        }
        Map<String, MetricOracle.Expected> expected = oracle.rows();
        assertThat(expected).hasSizeGreaterThan(200);

        runMetrics(Pipelines.options(SERVICES.kafka(), SERVICES.postgres()), null);

        Map<String, Object[]> actual = new HashMap<>();
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(METRIC_ROWS)) {
            while (rs.next()) {
                String key = MetricOracle.key(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5));
                Object[] v = new Object[10];
                for (int i = 0; i < 10; i++) {
                    v[i] = rs.getObject(6 + i);
                }
                actual.put(key, v);
            }
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, MetricOracle.Expected> e : expected.entrySet()) {
            Object[] a = actual.get(e.getKey());
            MetricOracle.Expected x = e.getValue();
            String k = e.getKey();
            if (x.bucketCounts != null) {
                assertThat(((Number) a[0]).longValue()).as("points of %s", k).isEqualTo(x.points);
                assertThat(((Number) a[6]).longValue()).as("count of %s", k).isEqualTo(x.count);
                assertThat((Double) a[7]).as("sum of %s", k).isCloseTo(x.sum, within(1e-9));
                assertThat(((String) a[8]).replace(" ", "")).as("buckets of %s", k)
                        .isEqualTo(java.util.Arrays.toString(x.bucketCounts).replace(" ", ""));
                assertThat((Double) a[1]).as("avg of %s", k).isCloseTo(x.avg, within(1e-12));
                assertThat((Double) a[3]).as("p95 of %s", k).isCloseTo(x.p95, within(1e-12));
                assertThat(a[2]).as("max of %s (no max sent)", k).isNull();
            } else {
                assertThat(((Number) a[0]).longValue()).as("points of %s", k).isEqualTo(x.points);
                assertThat((Double) a[2]).as("max of %s", k).isEqualTo(x.max);
                assertThat((Double) a[3]).as("p95 of %s", k).isEqualTo(x.p95);
                assertThat((Double) a[1]).as("avg of %s", k).isCloseTo(x.avg, within(1e-12 * Math.abs(x.avg) + 1e-15));
                if (x.total != null) {
                    assertThat((Double) a[4]).as("total of %s", k).isEqualTo(x.total);
                    assertThat((Double) a[5]).as("rate of %s", k).isEqualTo(x.rate);
                } else {
                    assertThat(a[4]).as("total of %s", k).isNull();
                }
            }
        }
        // host rows name the service that reported them
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT DISTINCT s.name FROM metric_1m m "
                + "JOIN dim_resource d USING (resource_id) JOIN dim_resource s ON s.resource_id = m.service_resource_id "
                + "WHERE d.urn = 'urn:host:payment-host-1'")).containsExactly("payment");

        Map<String, MetricOracle.ExpectedUse> expectedUse = oracle.use();
        Map<String, Double[]> use = new HashMap<>();
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT u.bucket, t.code, d.urn, u.utilization, u.saturation, u.errors_per_s "
                        + "FROM use_1m u JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            while (rs.next()) {
                use.put(MetricOracle.useKey(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3)),
                        new Double[] {(Double) rs.getObject(4), (Double) rs.getObject(5), (Double) rs.getObject(6)});
            }
        }
        assertThat(use.keySet()).containsExactlyInAnyOrderElementsOf(expectedUse.keySet());
        expectedUse.forEach((k, x) -> {
            Double[] a = use.get(k);
            assertClose(a[0], x.utilization, "utilization of " + k);
            assertClose(a[1], x.saturation, "saturation of " + k);
            assertClose(a[2], x.errorsPerSecond, "errors of " + k);
        });

        // the incident (payment's host at load 0.9 per CPU) tops the saturation ranking
        List<String> ranking = Pipelines.rows(SERVICES.postgres(),
                "SELECT resource, saturation_component FROM use_saturation_ranking ORDER BY pressure DESC, resource LIMIT 1");
        assertThat(ranking).containsExactly("urn:host:payment-host-1\tcpu");
        String query = Files.readString(Path.of("..", "sql", "postgres", "queries", "use_closest_to_saturation.sql"));
        assertThat(Pipelines.rows(SERVICES.postgres(), query).get(0)).startsWith("acme\turn:host:payment-host-1\thost\t0.9");

        // a bounded replay in BATCH mode writes the same rows, bit for bit
        try (org.otlpanalytics.jobs.embedded.PostgresServer batch = org.otlpanalytics.jobs.embedded.PostgresServer.start()) {
            runMetrics(Pipelines.options(SERVICES.kafka(), batch, JobOptions.MODE, "batch", JobOptions.GROUP_ID, "batch"), null);
            assertThat(Pipelines.rows(batch, MetricsExactlyOnceTest.METRIC_ROWS))
                    .containsExactlyElementsOf(Pipelines.rows(SERVICES.postgres(), MetricsExactlyOnceTest.METRIC_ROWS));
            assertThat(Pipelines.rows(batch, MetricsExactlyOnceTest.USE_ROWS))
                    .containsExactlyElementsOf(Pipelines.rows(SERVICES.postgres(), MetricsExactlyOnceTest.USE_ROWS));
        }

        // the analyze command's CSV files
        try (Connection c = SERVICES.postgres().connect()) {
            Map<String, Integer> written = CsvExport.exportAll(c, tmp);
            assertThat(written.get("metric_1m")).isEqualTo(expected.size());
            assertThat(written.get("use_1m")).isEqualTo(expectedUse.size());
        }
        List<String> csv = Files.readAllLines(tmp.resolve("metric_1m.csv"));
        assertThat(csv.get(0)).startsWith("bucket,tenant,service,resource,metric,labels,");
        assertThat(csv.get(0)).contains(",avg,", ",max,", ",p95,");
        assertThat(csv).anySatisfy(l -> assertThat(l).startsWith(
                "2026-03-03T09:01:00Z,acme,payment,urn:host:payment-host-1,system.memory.utilization,\"{\"\"state\"\": \"\"used\"\"}\","));
    }

    static void assertClose(Double actual, Double expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else {
            assertThat(actual).as(what).isNotNull();
            assertThat(actual).as(what).isCloseTo(expected, within(1e-12));
        }
    }
}
