package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.io.Writer;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.tests.cluster.FaultInput;
import org.otlpanalytics.tests.cluster.KafkaProgress;
import org.otlpanalytics.tests.cluster.OutputTables;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.SavepointContents;
import org.postgresql.PGConnection;

/**
 * State written by earlier builds restores into this one. Each directory of {@code src/test/resources/savepoints/}
 * ({@link #FIXTURES}) holds a savepoint that an earlier version took of its pipelines (RocksDB, canonical format)
 * after reading the first half of a fixed input, and the rows its sinks had committed by then; the
 * test first checks that the savepoint holds state where the fixture is meant to exercise a restore
 * ({@link Fixture#holdingUids}: records a retired operator still held, pending span halves, Drain trees).
 * The test writes the same input to Kafka, loads those rows into a fresh database, resumes the job
 * from the savepoint (its sources start at "latest", so only restored offsets can make it read the
 * second half), lets it finish, and compares every table with a failure-free run of the whole
 * input: every row the resumed job wrote equals the failure-free run's, all columns; each table the
 * fixture has equals it whole on the fixture's columns (columns and tables added since are empty in
 * the fixture's rows). A change to an operator's uid, a state descriptor, a serializer's format without a
 * migration, or the key groups fails it: the restore is refused, a value cannot be read, or the
 * rows differ.
 *
 * <p>Regenerate the fixture (only for an intended, documented state change; keep the old one if
 * old savepoints must still restore) with
 * {@code mvn -B -pl tests -am verify -Dtest=SavepointFixtureTest -Dsurefire.failIfNoSpecifiedTests=false -Dotlp.savepointFixture.regenerate=true},
 * then note the commit in {@code savepoints/README.md}.
 */
class SavepointFixtureTest {
    /**
     * A savepoint fixture: the version that took it (its directory under {@code savepoints/}), the
     * pipelines it ran, and whether the log miner's rules changed since (then patterns are compared
     * by their counts only, see {@link #logTotals}).
     */
    record Fixture(String version, String jobs, boolean minerRulesChanged, List<String> holdingUids) {
        String resource() {
            return "savepoints/" + version;
        }

        @Override
        public String toString() {
            return version;
        }
    }

    /** Every fixture, oldest first; the last one is what {@link #REGENERATE} writes. */
    static final List<Fixture> FIXTURES = List.of(
            // 0.1.0 predates issue 12's miner rules and the incidents pipeline
            new Fixture("0.1.0", "red,edges,metrics,logs", true, List.of("edge-pairer", "log-fingerprinter")),
            // 0.2.0 holds the log and metric records that the retired one-subtask tenant limiters
            // (uids log-tenant-limit, metric-tenant-limit) kept for their open minute
            new Fixture("0.2.0", "red,edges,metrics,logs,incidents", false,
                    List.of("log-tenant-limit", "metric-tenant-limit", "edge-pairer", "log-fingerprinter")),
            // 0.3.0 holds the open minute's log records and metric batches in chunks (record-limit-chunks,
            // written at the savepoint on RocksDB) under the per-key limiters log-tenant-records and metric-tenant-records
            new Fixture("0.3.0", "red,edges,metrics,logs,incidents", false,
                    List.of("log-tenant-records", "metric-tenant-records", "edge-pairer", "log-fingerprinter")));
    static final String REGENERATE = "otlp.savepointFixture.regenerate";
    static final long START = Instant.parse("2026-03-07T09:00:00Z").toEpochMilli();
    /** The savepoint is taken once the job has read every record written before this event time. */
    static final long CUT = START + Duration.ofMinutes(2).toMillis();
    /** Dimension rows first: dim_resource refers to dim_tenant. */
    static final List<String> LOAD_FIRST = List.of("dim_tenant", "dim_resource");

    private EmbeddedKafka kafka;
    private PostgresServer postgres;
    private Fixture fixture;

    static List<Fixture> fixtures() {
        return Boolean.getBoolean(REGENERATE) ? List.of(FIXTURES.get(FIXTURES.size() - 1)) : FIXTURES;
    }

    @ParameterizedTest(name = "savepoint {0}")
    @MethodSource("fixtures")
    void jobResumedFromTheSavepointFixtureEqualsAFailureFreeRun(Fixture f, @TempDir Path tmp) throws Exception {
        fixture = f;
        try (EmbeddedKafka k = EmbeddedKafka.start(); PostgresServer pg = PostgresServer.start()) {
            kafka = k;
            postgres = pg;
            resume(tmp);
        }
    }

    private void resume(Path tmp) throws Exception {
        FaultInput input = FaultInput.generate(START, Duration.ofMinutes(4), 2);
        List<ProducerRecord<byte[], byte[]>> all = input.records();
        List<ProducerRecord<byte[], byte[]>> firstHalf = all.stream().filter(r -> r.timestamp() < CUT).toList();
        kafka.createTopics(FaultInput.PARTITIONS, FaultInput.SPANS, FaultInput.LOGS, FaultInput.METRICS,
                "otlp_deadletter");
        if (Boolean.getBoolean(REGENERATE)) {
            regenerate(firstHalf, tmp);
            return;
        }
        kafka.send(all);
        Path savepoint = resource(fixture.resource() + "/savepoint");
        SavepointContents contents = SavepointContents.read(savepoint);
        for (String uid : fixture.holdingUids()) {
            // what the fixture is kept for: state that operator held when the savepoint was taken
            assertThat(contents.stateBytes(uid)).as("state of %s in the %s savepoint", uid, fixture.version()).isPositive();
        }

        try (PostgresServer clean = PostgresServer.start()) {
            Pipelines.run(options(clean, "clean").with(JobOptions.BOUNDED, "true"), AnalyticsJob.Taps.NONE);
            Map<String, List<String>> expected = OutputTables.read(clean.jdbcUrl());

            JobOptions resumed = options(postgres, "resumed").with(JobOptions.STARTING_OFFSETS, "latest");
            SchemaMigrator.migrate(AnalyticsJob.postgres(resumed));
            Map<String, List<String>> fixtureColumns = loadRows(postgres, resource(fixture.resource() + "/rows"));
            Map<String, List<String>> loaded = OutputTables.read(postgres.jdbcUrl());
            JobClient job = start(resumed, savepoint.toUri().toString());
            awaitCommitted(job, "resumed", input.endOffsets());
            job.stopWithSavepoint(true, tmp.resolve("final").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(5, TimeUnit.MINUTES);

            Map<String, List<String>> actual = OutputTables.read(postgres.jdbcUrl());
            Map<String, List<String>> columns = OutputTables.columns(clean.jdbcUrl());
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            assertThat(logTotals(postgres))
                    .as("log records per tenant, service and 5 minutes after resuming from the %s savepoint", fixture.version())
                    .containsExactlyElementsOf(logTotals(clean));
            assertThat(logTotals(clean)).isNotEmpty();
            if (fixture.minerRulesChanged()) {
                // The log-pattern miner's rules changed since (issue 12): the trees restored from the
                // savepoint were grown by the old rules, so the resumed run names some patterns differently.
                // Across such an upgrade no id is promised, only the counts: every record counted once.
                for (String table : MINER_TABLES) {
                    expected.remove(table);
                    actual.remove(table);
                }
                for (Map<String, List<String>> m : List.of(expected, actual, loaded)) {
                    if (m.containsKey("kafka_locator")) {
                        m.put("kafka_locator", m.get("kafka_locator").stream().filter(r -> !isLogsLocator(r)).toList());
                    }
                }
                fixtureColumns.remove("kafka_locator"); // its logs rows are gone; the rest is compared row for row below
            }
            for (String table : expected.keySet()) {
                // every row the resumed job wrote, all of it, is the failure-free run's
                List<String> written = new ArrayList<>(actual.get(table));
                written.removeAll(loaded.get(table));
                assertThat(expected.get(table)).as("rows of %s written after resuming from the %s savepoint", table, fixture.version())
                        .containsAll(written);
                if (fixtureColumns.containsKey(table)) {
                    // with the rows the fixture's version had written: the whole table on the columns it had
                    List<String> cols = fixtureColumns.get(table);
                    assertThat(project(actual.get(table), columns.get(table), cols))
                            .as("table %s (columns of %s) after resuming from the %s savepoint", table, fixture.version(), fixture.version())
                            .containsExactlyElementsOf(project(expected.get(table), columns.get(table), cols));
                } else if (!expected.get(table).isEmpty()) {
                    // a table newer than the fixture: its rows from before the savepoint are missing, the later ones not
                    assertThat(written).as("rows of %s (newer than the fixture) written after resuming", table).isNotEmpty();
                }
            }
        }
    }

    /** Tables whose ids depend on the miner's rules; compared through {@link #logTotals} instead. */
    static final List<String> MINER_TABLES = List.of("log_pattern", "log_pattern_5m");

    /** A kafka_locator row of the logs topic (the locators of pattern windows, named by their fingerprints). */
    static boolean isLogsLocator(String row) {
        return List.of(row.split("\t", -1)).contains(FaultInput.LOGS);
    }

    /** Records and error records per tenant, service and 5-minute window, whatever patterns they were mined into. */
    static List<String> logTotals(PostgresServer pg) throws Exception {
        return Pipelines.rows(pg, "SELECT f.bucket, t.code, d.urn, sum(f.count_total), sum(f.count_error) FROM log_pattern_5m f "
                + "JOIN dim_tenant t ON t.tenant_id = f.tenant_id JOIN dim_resource d ON d.resource_id = f.resource_id "
                + "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
    }

    /**
     * {@code rows} (fields in the order of {@code all}) cut down to the fields of {@code keep} that
     * {@code all} holds, sorted: a table compared on the columns an older version wrote. Columns
     * added since are compared on the rows the resumed job wrote, whole.
     */
    static List<String> project(List<String> rows, List<String> all, List<String> keep) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (keep.contains(all.get(i))) {
                idx.add(i);
            }
        }
        List<String> out = new ArrayList<>();
        for (String row : rows) {
            String[] f = row.split("\t", -1);
            out.add(String.join("\t", idx.stream().map(i -> f[i]).toList()));
        }
        out.sort(null);
        return out;
    }

    /** Runs the job on the first half of the input, stops it with a savepoint once all of it is checkpointed, keeps both. */
    private void regenerate(List<ProducerRecord<byte[], byte[]>> firstHalf, Path tmp) throws Exception {
        kafka.send(firstHalf);
        JobOptions o = options(postgres, "fixture");
        SchemaMigrator.migrate(AnalyticsJob.postgres(o));
        JobClient job = start(o, null);
        java.util.Map<TopicPartition, Long> end = new java.util.HashMap<>();
        for (ProducerRecord<byte[], byte[]> r : firstHalf) {
            end.merge(new TopicPartition(r.topic(), r.partition()), 1L, Long::sum);
        }
        awaitCommitted(job, "fixture", end);
        String path = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(5, TimeUnit.MINUTES);
        Path target = Paths.get(System.getProperty("otlp.testResources", "src/test/resources")).resolve(fixture.resource());
        deleteRecursively(target);
        copyRecursively(Paths.get(java.net.URI.create(path)), target.resolve("savepoint"));
        dumpRows(postgres, Files.createDirectories(target.resolve("rows")));
        System.out.println("[faults] savepoint fixture written to " + target.toAbsolutePath()
                + "; note the commit it was made from in savepoints/README.md");
    }

    /** All four pipelines on RocksDB, as production runs them; no idleness (see FaultInput). */
    private JobOptions options(PostgresServer pg, String group) {
        return Environments.withLocalCheckpointDir(Pipelines.options(kafka, pg, JobOptions.GROUP_ID, group,
                JobOptions.BOUNDED, "false", JobOptions.IDLENESS, "0s", JobOptions.STATE_BACKEND, "rocksdb",
                JobOptions.JOBS, fixture.jobs()));
    }

    private static JobClient start(JobOptions o, String savepoint) throws Exception {
        Configuration conf = Environments.configuration(o);
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        AnalyticsJob.build(env, o, AnalyticsJob.Taps.NONE);
        return env.executeAsync("savepoint fixture " + o.get(JobOptions.GROUP_ID));
    }

    /**
     * Waits until the job's consumer groups have committed {@code end} (everything read is in a
     * completed checkpoint); fails at once when the job ends first (a refused restore fails the
     * job after its restart attempts).
     */
    private void awaitCommitted(JobClient job, String group, Map<TopicPartition, Long> end) throws Exception {
        List<String> topics = end.keySet().stream().map(TopicPartition::topic).distinct().toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            long behind = -1;
            while (System.nanoTime() < deadline) {
                behind = KafkaProgress.behind(end, KafkaProgress.committed(admin, group, topics));
                if (behind == 0) {
                    return;
                }
                if (job.getJobExecutionResult().isDone()) {
                    job.getJobExecutionResult().get(); // throws the job's failure
                    throw new AssertionError("the job (group " + group + ") ended with " + behind + " records not committed");
                }
                Thread.sleep(250);
            }
            throw new AssertionError("the job (group " + group + ") still had " + behind + " records to commit after 5 min");
        }
    }

    /** Each table as {@code COPY ... TO STDOUT} text, its column list on the first line. */
    private static void dumpRows(PostgresServer pg, Path dir) throws Exception {
        try (Connection c = pg.connect()) {
            for (String table : OutputTables.read(pg.jdbcUrl()).keySet()) {
                List<String> cols = Pipelines.rows(pg, "SELECT column_name FROM information_schema.columns WHERE "
                        + "table_schema = 'public' AND table_name = '" + table + "' ORDER BY ordinal_position");
                try (Writer w = Files.newBufferedWriter(dir.resolve(table + ".tsv"), StandardCharsets.UTF_8)) {
                    w.write(String.join(",", cols) + "\n");
                    c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY \"" + table + "\" (" + quoted(cols)
                            + ") TO STDOUT", w);
                }
            }
        }
    }

    /**
     * Loads what {@link #dumpRows} wrote (dimension tables first), into the columns named on each
     * file's first line; returns those columns per table.
     */
    private static Map<String, List<String>> loadRows(PostgresServer pg, Path dir) throws Exception {
        Map<String, List<String>> columns = new java.util.TreeMap<>();
        List<String> tables = new ArrayList<>(LOAD_FIRST);
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString().replace(".tsv", "")).sorted().filter(t -> !LOAD_FIRST.contains(t))
                    .forEach(tables::add);
        }
        try (Connection c = pg.connect()) {
            for (String table : tables) {
                try (Reader r = Files.newBufferedReader(dir.resolve(table + ".tsv"), StandardCharsets.UTF_8)) {
                    StringBuilder header = new StringBuilder();
                    for (int ch = r.read(); ch != '\n' && ch != -1; ch = r.read()) {
                        header.append((char) ch);
                    }
                    List<String> cols = List.of(header.toString().split(","));
                    columns.put(table, cols);
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY \"" + table + "\" ("
                            + quoted(cols) + ") FROM STDIN", r);
                }
            }
        }
        return columns;
    }

    private static String quoted(List<String> cols) {
        return String.join(", ", cols.stream().map(col -> "\"" + col + "\"").toList());
    }

    private static Path resource(String name) throws Exception {
        URL u = SavepointFixtureTest.class.getClassLoader().getResource(name);
        if (u == null) {
            throw new IllegalStateException("test resource " + name + " is missing (see this class's comment to regenerate it)");
        }
        return Paths.get(u.toURI());
    }

    private static void copyRecursively(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
