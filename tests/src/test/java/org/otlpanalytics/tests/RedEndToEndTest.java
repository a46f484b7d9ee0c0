package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllSketch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RedOracle;
import org.otlpanalytics.tests.support.Services;

/**
 * Generated traces through a real Kafka broker, the RED job on a MiniCluster and a real
 * PostgreSQL: every red_1m row equals the oracle computed from the generated messages (counts
 * exactly, quantiles within the KLL sketch's rank error); malformed messages between the good
 * ones are in the dead-letter topic with their reason and origin.
 */
class RedEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    @Test
    void redRowsMatchOracleAndBadMessagesAreDeadLettered() throws Exception {
        String topic = "otlp_spans";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter");
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(42, "acme").withLogs(false).withMetrics(false)
                .incident(START + 120_000, START + 180_000).generate(START, Duration.ofMinutes(4).toMillis(), 40);
        List<byte[]> sent = Pipelines.sendTraces(SERVICES.kafka(), topic, 2, msgs);
        // malformed messages between the good ones, on both partitions
        byte[] truncated = java.util.Arrays.copyOf(sent.get(3), sent.get(3).length / 2);
        byte[] garbage = "this is not protobuf \u0000\u00ff".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> bad = List.of(
                new ProducerRecord<>(topic, 0, null, truncated),
                new ProducerRecord<>(topic, 1, null, garbage),
                new ProducerRecord<>(topic, 0, null, new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
        SERVICES.kafka().send(bad);
        // and more good data after them
        List<TelemetryGenerator.Message> more = new TelemetryGenerator(43, "acme").withLogs(false).withMetrics(false)
                .generate(START + Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(1).toMillis(), 40);
        sent.addAll(Pipelines.sendTraces(SERVICES.kafka(), topic, 2, more));

        RedOracle oracle = new RedOracle();
        for (byte[] m : sent) {
            oracle.add(m);
        }
        assertThat(oracle.totalCalls()).isGreaterThan(20_000);

        Pipelines.runRed(Pipelines.options(SERVICES.kafka(), SERVICES.postgres()), null);

        Map<String, double[]> actual = new HashMap<>();
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.bucket, t.code, d.name, r.operation, r.span_kind, r.status, "
                        + "r.calls, r.errors, r.p50_ms, r.p95_ms, r.p99_ms FROM red_1m r "
                        + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            while (rs.next()) {
                String key = RedOracle.key(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6));
                actual.put(key, new double[] {rs.getLong(7), rs.getLong(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11)});
            }
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(oracle.rows().keySet());
        double eps = KllSketch.getNormalizedRankError(200, false);
        List<String> quantileMisses = new ArrayList<>();
        for (Map.Entry<String, RedOracle.Expected> e : oracle.rows().entrySet()) {
            double[] a = actual.get(e.getKey());
            assertThat((long) a[0]).as("calls of %s", e.getKey()).isEqualTo(e.getValue().calls);
            assertThat((long) a[1]).as("errors of %s", e.getKey()).isEqualTo(e.getValue().errors);
            double[] qs = {0.50, 0.95, 0.99};
            List<Double> d = e.getValue().durationsMs;
            for (int i = 0; i < 3; i++) {
                // durations are bucketed with 0.5% relative accuracy before the KLL sketch
                double lo = RedOracle.rankExclusive(d, a[2 + i] * (1 - 2 * LogHistogram.RELATIVE_ACCURACY));
                double hi = RedOracle.rank(d, a[2 + i] * (1 + 2 * LogHistogram.RELATIVE_ACCURACY));
                // the reported value's true rank interval must come within eps of the quantile
                if (hi < qs[i] - eps - 1.0 / d.size() || lo > qs[i] + eps + 1.0 / d.size()) {
                    quantileMisses.add(e.getKey() + " q" + qs[i] + " reported " + a[2 + i] + " true rank [" + lo + "," + hi + "]");
                }
            }
        }
        assertThat(quantileMisses).isEmpty();
        // the incident shows: payment's p95 in minute 2 is far above minute 0
        assertThat(actual.get(RedOracle.key(Instant.ofEpochMilli(START + 120_000), "acme", "payment", "POST /api/charge", "SERVER", "UNSET"))[3])
                .isGreaterThan(3 * actual.get(RedOracle.key(Instant.ofEpochMilli(START), "acme", "payment", "POST /api/charge", "SERVER", "UNSET"))[3]);

        // dead letters: the three bad messages, with reason and origin
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(SERVICES.kafka().bootstrapServers(), "otlp_deadletter", 3);
        assertThat(dead).hasSize(3);
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            assertThat(header(r, DeadLetterSerializer.HEADER_TOPIC)).isEqualTo(topic);
            assertThat(header(r, DeadLetterSerializer.HEADER_REASON)).startsWith("otlp_proto:");
            assertThat(header(r, DeadLetterSerializer.HEADER_OFFSET)).matches("\\d+");
        }
        assertThat(dead.stream().map(ConsumerRecord::value)).anySatisfy(v -> assertThat(v).isEqualTo(garbage));

        // every row points at the Kafka range behind it
        assertThat(Pipelines.rows(SERVICES.postgres(),
                "SELECT count(*) FROM red_1m r LEFT JOIN kafka_locator k ON k.id = r.sample_ref WHERE k.id IS NULL"))
                .containsExactly("0");
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int atLeast) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "test-reader-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r);
                }
                if (out.size() >= atLeast) {
                    // one more poll to catch duplicates or extras
                    c.poll(Duration.ofMillis(1000)).forEach(out::add);
                    break;
                }
            }
        }
        return out;
    }
}
