package org.otlpanalytics.jobs.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.ClickHouseSinks;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;

/**
 * {@code demo}: the embedded default. An in-process Kafka broker, the telemetry generator, the
 * jobs on a local MiniCluster (streaming, exactly-once checkpoints) and an embedded PostgreSQL.
 * The generator replays {@code --minutes} of shop traffic (with a payment latency incident)
 * compressed into {@code --duration} of wall time; then the RED table is printed, with
 * per-service quantiles merged from the stored per-minute KLL sketches. When a ClickHouse server
 * binary is installed (or {@value ClickHouseServer#URL_ENV} names a server; {@code --clickhouse false}
 * turns it off) the same job also writes to ClickHouse, started on a free port for the demo, and the
 * demo says so and prints what ClickHouse holds; the quick start itself needs nothing installed.
 */
public final class DemoCommand {
    static final String DURATION = "duration";
    static final String MINUTES = "minutes";
    static final String RATE = "rate";
    static final String CLICKHOUSE = "clickhouse";

    private DemoCommand() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, DURATION, MINUTES, RATE, CLICKHOUSE);
        Duration duration = given.get(DURATION) == null ? Duration.ofSeconds(60) : given.with(DURATION, given.get(DURATION)).getDuration(DURATION);
        int minutes = given.get(MINUTES) == null ? 20 : Integer.parseInt(given.get(MINUTES));
        double rate = given.get(RATE) == null ? 50 : Double.parseDouble(given.get(RATE));
        if (minutes < 2 || duration.toSeconds() < 5) {
            throw new IllegalArgumentException("--minutes must be >= 2 and --duration >= 5s");
        }
        long t0 = System.currentTimeMillis();
        System.out.println("otlp-analytics demo: " + minutes + " minutes of shop traffic (" + rate
                + " requests/s) replayed in " + duration.toSeconds() + " s");
        String noClickHouse = "false".equals(given.get(CLICKHOUSE)) ? "--clickhouse false" : ClickHouseServer.unavailableReason();
        System.out.println("starting embedded Kafka (KRaft) and PostgreSQL" + (noClickHouse == null ? " and ClickHouse" : "") + "...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); PostgresServer pg = PostgresServer.start();
                ClickHouseServer ch = noClickHouse == null ? ClickHouseServer.start() : null) {
            JobOptions o = given.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers()).with(JobOptions.JDBC_URL, pg.jdbcUrl())
                    .with(JobOptions.STARTING_OFFSETS, "earliest").with(JobOptions.CHECKPOINT_INTERVAL, "3s")
                    .with(JobOptions.IDLENESS, "5s").with(JobOptions.JOBS, AnalyticsJob.ALL_JOBS);
            if (o.get(JobOptions.INCIDENTS_WARMUP) == null) {
                // a short replay: the detector learns for 10 minutes before it judges (15 by default)
                o = o.with(JobOptions.INCIDENTS_WARMUP, "10m");
            }
            o = Environments.withLocalDefaults(o);
            if (ch != null) {
                o = AnalyzeCommand.withServer(o, ch).with(JobOptions.SINKS, "postgres,clickhouse")
                        .with(JobOptions.CLICKHOUSE_SPANS, "true");
                ClickHouseSchema.Result r = ClickHouseSchema.apply(ClickHouseSinks.config(o));
                System.out.println("ClickHouse " + r.version + " at " + ch.url() + " (database " + ch.database()
                        + "): the job writes its tables there too, every log record and every span included");
            } else {
                System.out.println("(no ClickHouse side: " + noClickHouse + ")");
            }
            kafka.createTopics(2, o.get(JobOptions.SPANS_TOPIC), o.get(JobOptions.LOGS_TOPIC),
                    o.get(JobOptions.METRICS_TOPIC), o.get(JobOptions.DEAD_LETTER_TOPIC));
            SchemaMigrator.Result schema = SchemaMigrator.migrate(AnalyticsJob.postgres(o));
            System.out.println("schema ready (" + schema.migrationsApplied + " migrations; TimescaleDB: "
                    + (schema.timescale ? "yes" : "no, " + schema.timescaleReason) + ")");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
            JobClient job = AnalyticsJob.start(env, o);
            System.out.println("Flink job " + job.getJobID() + " running on a local MiniCluster (jobs: " + o.get(JobOptions.JOBS) + ")");

            long end = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
            long start = end - minutes * 60_000L;
            // payment slows down 6x for 4 minutes, 7 minutes before the end (so its incident opens and closes)
            long incidentFrom = start + Math.max(1, minutes - 7) * 60_000L;
            long incidentTo = Math.min(end, incidentFrom + 4 * 60_000L);
            // 3.5 minutes more event time, so the last minutes close and incidents are judged after the lateness
            long tail = 210_000L;
            List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(System.nanoTime(), "default")
                    .incident(incidentFrom, incidentTo)
                    .generate(start, minutes * 60_000L + tail, rate);
            send(kafka, o, msgs, duration, start, end + tail, pg);
            waitForMinutes(pg, start, end, Duration.ofSeconds(60));
            DemoReport.waitForIncidents(pg, Duration.ofSeconds(20));
            job.cancel().get();
            printTables(pg, start, end, incidentFrom);
            DemoReport.printOthers(pg);
            if (ch != null) {
                DemoReport.printClickHouse(ch.http(null));
            }
            System.out.printf("demo finished in %.1f s%n", (System.currentTimeMillis() - t0) / 1000.0);
        }
    }

    private static void send(EmbeddedKafka kafka, JobOptions o, List<TelemetryGenerator.Message> msgs, Duration wall,
            long from, long to, PostgresServer pg) throws Exception {
        Map<String, String> topics = Map.of("traces", o.get(JobOptions.SPANS_TOPIC), "logs", o.get(JobOptions.LOGS_TOPIC),
                "metrics", o.get(JobOptions.METRICS_TOPIC));
        long wallStart = System.currentTimeMillis();
        double speed = (double) (to - from) / wall.toMillis();
        long nextProgress = wallStart + 5000;
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            int i = 0;
            for (TelemetryGenerator.Message m : msgs) {
                long due = wallStart + (long) ((m.timeMillis - from) / speed);
                long now = System.currentTimeMillis();
                if (due > now) {
                    Thread.sleep(due - now);
                }
                p.send(new ProducerRecord<>(topics.get(m.signal), i++ % 2, null, m.value));
                sent++;
                if (System.currentTimeMillis() >= nextProgress) {
                    nextProgress += 5000;
                    System.out.printf("  %3ds  sent %d messages (event time %s)  red_1m rows: %d%n",
                            (System.currentTimeMillis() - wallStart) / 1000, sent, Instant.ofEpochMilli(m.timeMillis),
                            countRedRows(pg));
                }
            }
            p.flush();
        }
    }

    private static long countRedRows(PostgresServer pg) {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM red_1m");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static void waitForMinutes(PostgresServer pg, long start, long end, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = pg.connect();
                    PreparedStatement ps = c.prepareStatement("SELECT count(DISTINCT bucket) FROM red_1m WHERE bucket >= ? AND bucket < ?")) {
                ps.setObject(1, java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(start), java.time.ZoneOffset.UTC));
                ps.setObject(2, java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(end), java.time.ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= (end - start) / 60_000L) {
                        return;
                    }
                }
            }
            Thread.sleep(1000);
        }
        System.out.println("(not every minute was written within " + timeout.toSeconds() + " s; printing what is there)");
    }

    static void printTables(PostgresServer pg, long start, long end, long incidentFrom) throws Exception {
        double seconds = (end - start) / 1000.0;
        String sql = "SELECT d.name, r.calls, r.errors, r.duration_kll FROM red_1m r JOIN dim_resource d USING (resource_id) "
                + "WHERE r.span_kind IN ('SERVER', 'CONSUMER') AND r.bucket >= ? AND r.bucket < ? ORDER BY d.name";
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, KllDoublesSketch> sketches = new LinkedHashMap<>();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(start), java.time.ZoneOffset.UTC));
            ps.setObject(2, java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(end), java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String svc = rs.getString(1);
                    long[] cnt = counts.computeIfAbsent(svc, k -> new long[2]);
                    cnt[0] += rs.getLong(2);
                    cnt[1] += rs.getLong(3);
                    KllDoublesSketch s = KllDoublesSketch.heapify(Memory.wrap(rs.getBytes(4)));
                    sketches.merge(svc, s, (a, b) -> {
                        a.merge(b);
                        return a;
                    });
                }
            }
        }
        System.out.println();
        System.out.println("RED per service, " + Instant.ofEpochMilli(start) + " .. " + Instant.ofEpochMilli(end)
                + " (SERVER/CONSUMER spans; quantiles merged from the per-minute KLL sketches)");
        System.out.printf("%-12s %10s %8s %9s %9s %9s%n", "service", "calls/s", "error %", "p50 ms", "p95 ms", "p99 ms");
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            KllDoublesSketch s = sketches.get(e.getKey());
            System.out.printf("%-12s %10.2f %8.2f %9.2f %9.2f %9.2f%n", e.getKey(), e.getValue()[0] / seconds,
                    100.0 * e.getValue()[1] / Math.max(1, e.getValue()[0]), s.getQuantile(0.5), s.getQuantile(0.95), s.getQuantile(0.99));
        }
        System.out.println();
        System.out.println("payment per minute (latency incident from " + Instant.ofEpochMilli(incidentFrom) + ")");
        System.out.printf("%-22s %8s %8s %9s%n", "minute", "calls", "error %", "p95 ms");
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT r.bucket, sum(r.calls), sum(r.errors), max(r.p95_ms) FROM red_1m r JOIN dim_resource d USING (resource_id) "
                        + "WHERE d.name = ? AND r.span_kind = 'SERVER' AND r.bucket >= ? AND r.bucket < ? GROUP BY r.bucket ORDER BY r.bucket")) {
            ps.setString(1, "payment");
            ps.setObject(2, java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(start), java.time.ZoneOffset.UTC));
            ps.setObject(3, java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(end), java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                List<String> lines = new ArrayList<>();
                while (rs.next()) {
                    lines.add(String.format("%-22s %8d %8.2f %9.2f", rs.getTimestamp(1).toInstant(), rs.getLong(2),
                            100.0 * rs.getLong(3) / Math.max(1, rs.getLong(2)), rs.getDouble(4)));
                }
                lines.forEach(System.out::println);
            }
        }
    }
}
