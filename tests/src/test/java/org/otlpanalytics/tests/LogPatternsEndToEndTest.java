package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
import java.util.TreeMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.cli.CsvExport;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.tests.support.LogOracle;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Generated logs of two tenants through a real Kafka broker, the logs job on a MiniCluster and a real
 * PostgreSQL: the fingerprints in {@code log_pattern_5m} group exactly the records of the generator's
 * message families ({@link LogOracle}): per tenant and service each family has exactly one
 * fingerprint and each fingerprint one family, with equal total and error counts in every 5-minute
 * bucket; the dictionary's sample of each fingerprint is a record of its family; every row points at
 * its Kafka range; the CSV export has the documented columns.
 */
class LogPatternsEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final String TOPIC = "otlp_logs";
    /** Not aligned to a 5-minute window: the first and last buckets are partial. */
    static final long START = Instant.parse("2026-03-01T10:02:30Z").toEpochMilli();

    /** Two tenants' shop traffic with an incident (more payment errors) in the middle, logs only. */
    static List<TelemetryGenerator.Message> generate(long start, Duration duration, double tracesPerSecond) {
        List<TelemetryGenerator.Message> msgs = new ArrayList<>();
        msgs.addAll(new TelemetryGenerator(11, "acme").withMetrics(false)
                .incident(start + 240_000, start + 420_000).generate(start, duration.toMillis(), tracesPerSecond));
        msgs.addAll(new TelemetryGenerator(12, "globex").withMetrics(false).errorRate(0.08)
                .generate(start, duration.toMillis(), tracesPerSecond / 2));
        msgs.sort((a, b) -> Long.compare(a.timeMillis, b.timeMillis)); // as the exporters would send them
        return msgs;
    }

    /** Sends the log messages round-robin over the topic's partitions; returns what was sent. */
    static List<byte[]> sendLogs(EmbeddedKafka kafka, String topic, int partitions, List<TelemetryGenerator.Message> msgs)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            if (m.signal.equals("logs")) {
                recs.add(new ProducerRecord<>(topic, i++ % partitions, m.timeMillis, null, m.value));
                sent.add(m.value);
            }
        }
        kafka.send(recs);
        return sent;
    }

    /** Runs the logs pipeline to the end of the topic; {@code tap} may inject a failure. */
    static void runLogs(JobOptions o, MapFunction<LogRecordFlat, LogRecordFlat> tap) throws Exception {
        Pipelines.runLogs(o, tap);
    }

    @Test
    void fingerprintsGroupExactlyTheGeneratorsMessageFamilies(@TempDir Path tmp) throws Exception {
        SERVICES.kafka().createTopics(2, TOPIC, "otlp_deadletter");
        List<byte[]> sent = sendLogs(SERVICES.kafka(), TOPIC, 2, generate(START, Duration.ofMinutes(16), 8));
        LogOracle oracle = new LogOracle();
        for (byte[] m : sent) {
            oracle.add(m);
        }
        assertThat(oracle.records()).isGreaterThan(15_000);
        assertThat(oracle.errors()).isGreaterThan(100);

        runLogs(Pipelines.options(SERVICES.kafka(), SERVICES.postgres()), null);

        PostgresServer pg = SERVICES.postgres();
        // fingerprint -> the fingerprint it was merged into (none expected here, but counts follow survivors)
        Map<Long, Long> mergedInto = new HashMap<>();
        Map<Long, String> sampleOf = new HashMap<>();
        Map<Long, String> streamOf = new HashMap<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT p.fingerprint_id, p.merged_into, p.sample, t.code, d.name FROM log_pattern p "
                        + "JOIN dim_tenant t ON t.tenant_id = p.tenant_id JOIN dim_resource d ON d.resource_id = p.resource_id")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                long into = rs.getLong(2);
                if (!rs.wasNull()) {
                    mergedInto.put(id, into);
                }
                sampleOf.put(id, rs.getString(3));
                streamOf.put(id, LogOracle.stream(rs.getString(4), rs.getString(5)));
            }
        }
        // (tenant|service) -> surviving fingerprint -> bucket -> {total, errors}
        Map<String, Map<Long, TreeMap<Instant, long[]>>> actual = new TreeMap<>();
        long rows = 0;
        try (Connection c = pg.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT f.bucket, t.code, d.name, f.fingerprint_id, f.count_total, f.count_error "
                        + "FROM log_pattern_5m f JOIN dim_tenant t ON t.tenant_id = f.tenant_id "
                        + "JOIN dim_resource d ON d.resource_id = f.resource_id")) {
            while (rs.next()) {
                long fp = rs.getLong(4);
                while (mergedInto.containsKey(fp)) {
                    fp = mergedInto.get(fp);
                }
                long[] cnt = actual.computeIfAbsent(LogOracle.stream(rs.getString(2), rs.getString(3)), k -> new TreeMap<>())
                        .computeIfAbsent(fp, k -> new TreeMap<>()).computeIfAbsent(rs.getTimestamp(1).toInstant(), k -> new long[2]);
                cnt[0] += rs.getLong(5);
                cnt[1] += rs.getLong(6);
                rows++;
            }
        }
        assertThat(rows).isGreaterThan(20);
        assertThat(actual.keySet()).containsExactlyElementsOf(oracle.counts().keySet());

        for (Map.Entry<String, Map<String, TreeMap<Instant, long[]>>> stream : oracle.counts().entrySet()) {
            Map<Long, TreeMap<Instant, long[]>> fps = actual.get(stream.getKey());
            // one fingerprint per family and one family per fingerprint ...
            assertThat(fps).as("fingerprints of %s", stream.getKey()).hasSameSizeAs(stream.getValue());
            Map<String, Long> familyToFp = new HashMap<>();
            for (Map.Entry<Long, TreeMap<Instant, long[]>> fp : fps.entrySet()) {
                String sample = sampleOf.get(fp.getKey());
                assertThat(sample).as("dictionary row of %016x", fp.getKey()).isNotNull();
                assertThat(streamOf.get(fp.getKey())).isEqualTo(stream.getKey());
                String family = LogOracle.familyOf(stream.getKey().substring(stream.getKey().indexOf('|') + 1), sample);
                assertThat(family).as("family of the sample '%s'", sample).isNotNull();
                assertThat(familyToFp.put(family, fp.getKey())).as("second fingerprint for family %s", family).isNull();
                // ... grouping exactly the family's records: equal totals and errors in every bucket
                assertThat(LogOracle.series(fp.getValue())).as("counts of %s in %s", family, stream.getKey())
                        .isEqualTo(LogOracle.series(stream.getValue().get(family)));
            }
            assertThat(familyToFp.keySet()).containsExactlyInAnyOrderElementsOf(stream.getValue().keySet());
        }

        // every row points at the Kafka range behind it
        assertThat(Pipelines.rows(pg, "SELECT count(*) FROM log_pattern_5m f LEFT JOIN kafka_locator k ON k.id = f.sample_ref "
                + "WHERE k.id IS NULL")).containsExactly("0");
        // the dictionary: templates with variables, the highest severity, first/last seen inside the run
        List<String> dict = Pipelines.rows(pg, "SELECT d.name, p.pattern, p.severity_number, p.severity_text FROM log_pattern p "
                + "JOIN dim_resource d ON d.resource_id = p.resource_id JOIN dim_tenant t ON t.tenant_id = p.tenant_id "
                + "WHERE t.code = 'acme' AND p.merged_into IS NULL ORDER BY 1, 2");
        assertThat(dict).contains("payment\tPayment declined for order <*>: card issuer timeout after <*> ms\t17\tERROR",
                "payment\tCharged order <*> amount <*> EUR\t9\tINFO", "shipping\tScheduled shipment <*> for order <*>\t9\tINFO");
        assertThat(Pipelines.rows(pg, "SELECT count(*) FROM log_pattern WHERE first_seen < '" + Instant.ofEpochMilli(START)
                + "' OR last_seen > '" + Instant.ofEpochMilli(START + Duration.ofMinutes(17).toMillis()) + "' OR first_seen > last_seen"))
                .containsExactly("0");

        // the CSV export of analyze
        try (Connection c = pg.connect()) {
            CsvExport.exportAll(c, tmp);
        }
        List<String> csv = Files.readAllLines(tmp.resolve("log_pattern_5m.csv"), StandardCharsets.UTF_8);
        assertThat(csv.get(0)).startsWith("bucket,tenant,service,fingerprint_id,pattern,count_total,count_error");
        assertThat(csv).hasSize((int) rows + 1);
        assertThat(csv.get(1)).matches("2026-03-01T10:00:00Z,(acme|globex),\\w+,[0-9a-f]{16},.+,\\d+,\\d+,.*");
        assertThat(Files.readAllLines(tmp.resolve("log_pattern.csv"), StandardCharsets.UTF_8).get(0))
                .startsWith("fingerprint_id,tenant,service,service_urn,pattern,sample,severity_number");
    }
}
