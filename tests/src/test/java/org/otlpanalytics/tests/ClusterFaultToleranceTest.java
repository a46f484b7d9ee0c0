package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.tests.cluster.ClickHouseTables;
import org.otlpanalytics.tests.cluster.ClusterJob;
import org.otlpanalytics.tests.cluster.FaultInput;
import org.otlpanalytics.tests.cluster.FlinkRestClient;
import org.otlpanalytics.tests.cluster.KafkaBrokerProcess;
import org.otlpanalytics.tests.cluster.KafkaProgress;
import org.otlpanalytics.tests.cluster.LiveProducer;
import org.otlpanalytics.tests.cluster.OutputTables;
import org.otlpanalytics.tests.cluster.PostgresProcess;
import org.otlpanalytics.tests.cluster.ShadedJobJar;
import org.otlpanalytics.tests.cluster.StandaloneFlinkCluster;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.DeadLetterOracle;

/**
 * Design §4 "Faults" on real processes: a standalone Flink cluster (a JobManager and two
 * TaskManagers, configured by flink-conf/config.yaml: RocksDB, incremental checkpoints, its
 * exponential-delay restart strategy), a Kafka broker, a PostgreSQL server and a ClickHouse
 * server, each its own process, and the shaded job jar running all five pipelines (incidents
 * included) into both stores while a producer keeps writing. Three runs, each on a fresh broker
 * holding the same input ({@link FaultInput}), each compared row for row, in every table of both
 * stores (ClickHouse read duplicate-free, {@link ClickHouseTables}), with one failure-free bounded
 * run of that input, and its dead-letter topic with the failure-free run's:
 *
 * <ul>
 *   <li>chaos: at points drawn from a printed seed, {@code kill -9} of a TaskManager running the
 *       job three times (a new TaskManager process replaces it), a crash and restart of the Kafka
 *       broker, one of PostgreSQL and a restart of ClickHouse;
 *   <li>outage: PostgreSQL down for 60 s; the job restarts with backoff until it is back, then
 *       catches up;
 *   <li>rescaling: stop-with-savepoint mid-run, resume at parallelism 3, again, resume at 1.
 * </ul>
 *
 * Each prints, with the prefix {@value #LOG_PREFIX}, what it did and how long recovering took.
 * Without a ClickHouse server binary the runs write PostgreSQL only and say so (with
 * {@value ClickHouseService#REQUIRE_ENV} set, as {@code .ci/run} does once it is installed, they fail instead).
 * The three share the cluster, the database server and the reference (starting them takes about
 * as long as one run), which is why they are one class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultToleranceTest {
    static final String LOG_PREFIX = "[faults] ";
    static final Path FLINK_CONF = Paths.get(System.getProperty("otlp.flinkConfDir", "../flink-conf"));
    static final String DEAD_LETTERS = "otlp_deadletter";
    static final long START = Instant.parse("2026-03-05T10:00:00Z").toEpochMilli();
    static final Duration EVENT_TIME = Duration.ofMinutes(5);
    /**
     * Seconds of event time written per second of wall time, per test: the chaos input lasts about
     * as long as five recoveries on a loaded machine, the outage input longer than the outage.
     */
    static final double CHAOS_SPEED = 2.0;
    static final double OUTAGE_SPEED = 4.0;
    static final double RESCALE_SPEED = 5.0;
    static final Duration OUTAGE = Duration.ofSeconds(60);
    static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(6);
    /**
     * Test-machine settings over the production file: a dead TaskManager is declared lost after 20 s
     * without heartbeat instead of 50 s (its tasks' partners usually notice it at once anyway).
     */
    static final Map<String, String> CLUSTER_OVERRIDES = Map.of("heartbeat.interval", "2s", "heartbeat.timeout", "20s");

    @TempDir
    static Path work;

    private FaultInput input;
    private PostgresProcess postgres;
    /** Null when no ClickHouse server binary is installed (the runs then write PostgreSQL only). */
    private ClickHouseServer clickhouse;
    private Map<String, List<String>> referenceClickHouse;
    private StandaloneFlinkCluster cluster;
    private String jarId;
    private Map<String, List<String>> referenceTables;
    private List<String> referenceDeadLetters;
    /** The rows {@code dead_letter_1m} must hold, from the reference's dead-letter topic ({@link DeadLetterOracle}). */
    private Map<String, Long> referenceDeadLetterRows;
    private String referenceDb;
    /** The tables of a reference attempt that did not read every record, kept to print what differed. */
    private Map<String, List<String>> incompleteReference;

    @BeforeAll
    void startProcessesAndRunTheReference() throws Exception {
        Path jar = ShadedJobJar.require();
        // payment's incident from minute 1.5 to the end: long enough to open one after the warm-up
        input = FaultInput.generate(START, EVENT_TIME, 2, 0.3, 1.0);
        postgres = PostgresProcess.start(work.resolve("postgres"));
        String noClickHouse = ClickHouseService.unavailableReason();
        if (noClickHouse == null) {
            clickhouse = ClickHouseServer.start();
            assertThat(clickhouse.isExternal()).as("the chaos test restarts ClickHouse: it needs a local server binary, not "
                    + ClickHouseServer.URL_ENV).isFalse();
        } else {
            log("ClickHouse left out (PostgreSQL only, no ClickHouse restart): " + noClickHouse);
        }
        cluster = StandaloneFlinkCluster.start(FLINK_CONF, work.resolve("flink"), 2, CLUSTER_OVERRIDES);
        jarId = cluster.rest().uploadJar(jar);
        log("input: " + input.records().size() + " Kafka records over " + EVENT_TIME + " of event time, "
                + FaultInput.PARTITIONS + " partitions per topic");

        // the reference: the same input, written before the job starts, read bounded without any failure
        for (int attempt = 1; referenceTables == null; attempt++) {
            runTheReference(attempt);
        }
        for (String table : List.of("red_1m", "service_call_5m", "topo_edge_time", "live_edge", "log_pattern", "log_pattern_5m",
                "metric_1m", "use_1m", "kafka_locator", "event_envelope", "evidence_link")) {
            assertThat(referenceTables.get(table)).as("reference rows of %s", table).isNotEmpty();
        }
        assertThat(referenceDeadLetters).as("undecodable input is dead-lettered").hasSizeGreaterThan(10);
        if (clickhouse != null) {
            for (String table : List.of("red_1m", "service_call_5m", "log_pattern", "log_pattern_5m", "metric_1m", "use_1m",
                    "log_record")) {
                assertThat(referenceClickHouse.get(table)).as("reference ClickHouse rows of %s", table).isNotEmpty();
            }
        }
    }

    @AfterAll
    void stopProcesses() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (clickhouse != null) {
            clickhouse.close();
        }
    }

    /**
     * One bounded run of the input without failure. Its dead letters are first checked against the
     * input itself ({@link FaultInput#malformedOrigins}): a reference that did not read every
     * record would make every comparison below wrong. Twice in CI so far (on a loaded machine,
     * never reproduced in 10 runs on a quiet one) a reference came back missing part of one
     * topic's undecodable records, in {@code dead_letter_1m} and on its dead-letter topic alike. A
     * run like that prints what it lost, its restores, its operators' record counts and its
     * exception history, keeps its tables to say which differ from the next run's, and the
     * reference is run once more on a fresh broker; that second attempt must be complete. The
     * third time the input itself was short in Kafka (two {@code otlp_spans} records missing from
     * their partitions after a write that did not check its acknowledgements; 15 writes in a row
     * on a quiet machine were whole): the write now checks every record and an input not written
     * whole is reported, with the broker's warnings, and written again on a fresh broker.
     */
    private void runTheReference(int attempt) throws Exception {
        String name = attempt == 1 ? "reference" : "reference" + attempt;
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(work.resolve("kafka-" + name)); Admin admin = kafka.admin()) {
            createTopics(kafka);
            String unwritten = writeTheInput(kafka, admin);
            if (unwritten != null) {
                // the broker, not the job: say why, with the broker's log, and write it again on a fresh one
                String why = "reference run " + attempt + ": the input was not written whole: " + unwritten;
                log(why + "\n" + warningsOf(kafka.log()));
                assertThat(attempt).as(why).isLessThan(2);
                return;
            }
            String db = postgres.createDatabase(name);
            List<String> args = new ArrayList<>(args(kafka, db, name, 2));
            args.addAll(List.of("--bounded", "true"));
            ClusterJob job = ClusterJob.submit(cluster, jarId, args, name, null);
            long t0 = System.nanoTime();
            job.awaitFinished(Duration.ofMinutes(10));
            List<String> deadLetters = KafkaProgress.deadLetters(kafka.bootstrapServers(), DEAD_LETTERS);
            Set<String> lost = new TreeSet<>(input.malformedOrigins());
            for (String d : deadLetters) {
                // "<reason> | <topic> | <partition> | <offset>"
                String[] f = d.split(" \\| ");
                lost.remove(f[f.length - 3] + "|" + f[f.length - 2] + "|" + f[f.length - 1]);
            }
            if (!lost.isEmpty()) {
                String why = "reference run " + attempt + " (" + seconds(t0) + " s) dead-lettered " + deadLetters.size() + " of "
                        + input.malformedOrigins().size() + " undecodable records; not read: " + lost + "; restores "
                        + job.checkpoints().restored() + "; operators " + cluster.rest().recordCounts(job.id())
                        + "; exceptions " + cluster.rest().exceptions(job.id());
                log(why);
                assertThat(attempt).as(why).isLessThan(2);
                incompleteReference = OutputTables.read(db);
                return;
            }
            referenceTables = OutputTables.read(db);
            if (incompleteReference != null) {
                List<String> differing = new ArrayList<>();
                referenceTables.forEach((t, rows) -> {
                    if (!rows.equals(incompleteReference.get(t))) {
                        differing.add(t + " (" + incompleteReference.getOrDefault(t, List.of()).size() + " rows, now " + rows.size() + ")");
                    }
                });
                log("tables of the incomplete reference run that differ from this one's: " + differing);
            }
            referenceDeadLetters = deadLetters;
            referenceDeadLetterRows = DeadLetterOracle.expected(kafka.bootstrapServers(), DEAD_LETTERS);
            referenceDb = db;
            referenceClickHouse = readClickHouse(name);
            log("reference run (no failure, bounded): " + seconds(t0) + " s, rows " + OutputTables.sizes(referenceTables)
                    + (clickhouse == null ? "" : ", ClickHouse rows " + ClickHouseTables.sizes(referenceClickHouse))
                    + ", " + referenceDeadLetters.size() + " dead letters, restores " + job.checkpoints().restored());
        }
    }

    /** Writes the input for the reference; null when every record is in its partition once, else what went wrong. */
    private String writeTheInput(KafkaBrokerProcess kafka, Admin admin) throws Exception {
        try {
            LiveProducer.sendAll(kafka.bootstrapServers(), input.records());
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        Map<TopicPartition, Long> end = KafkaProgress.endOffsets(admin, FaultInput.TOPICS);
        return end.equals(input.endOffsets()) ? null
                : "every record acknowledged, but the partitions end at " + end + ", not " + input.endOffsets();
    }

    /** The broker log's WARN and ERROR lines (and what follows them), at most 60. */
    private static String warningsOf(String brokerLog) {
        List<String> out = new ArrayList<>();
        String[] lines = brokerLog.split("\n");
        for (int i = 0; i < lines.length && out.size() < 60; i++) {
            if (lines[i].contains(" WARN ") || lines[i].contains(" ERROR ")) {
                for (int j = i; j < Math.min(lines.length, i + 3) && out.size() < 60; j++) {
                    out.add(lines[j]);
                }
            }
        }
        return out.isEmpty() ? "(no WARN or ERROR in the broker log)" : String.join("\n", out);
    }

    /**
     * The reference itself: {@code dead_letter_1m} counts every dead letter on its topic once, in its
     * minute, topic, stage and kind, and those are the input's undecodable records, no more, no fewer.
     */
    @Test
    @Order(0)
    void referenceRunCountsEveryDeadLetterOfItsTopic() throws Exception {
        Map<String, Long> counted = DeadLetterOracle.counted(referenceDb);
        assertThat(counted).as("reference dead_letter_1m against its dead-letter topic").isEqualTo(referenceDeadLetterRows);
        assertThat(counted).as("reference dead_letter_1m against the undecodable records of the input")
                .isEqualTo(input.malformedPerMinute());
    }

    /** What can go wrong, in the order the seed shuffles them into. */
    enum Fault { KILL_TASKMANAGER, RESTART_KAFKA, RESTART_POSTGRES, RESTART_CLICKHOUSE }

    @Test
    @Order(3)
    void chaosRunEqualsTheFailureFreeRun() throws Exception {
        long seed = Long.getLong("otlp.chaos.seed", new SecureRandom().nextLong());
        log("chaos seed " + seed + " (repeat with -Dotlp.chaos.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>(List.of(Fault.KILL_TASKMANAGER, Fault.KILL_TASKMANAGER,
                Fault.KILL_TASKMANAGER, Fault.RESTART_KAFKA, Fault.RESTART_POSTGRES, Fault.RESTART_CLICKHOUSE));
        Collections.shuffle(faults, random);

        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(work.resolve("kafka-chaos")); Admin admin = kafka.admin()) {
            createTopics(kafka);
            String db = postgres.createDatabase("chaos");
            ClusterJob job = ClusterJob.submit(cluster, jarId, args(kafka, db, "chaos", 2), "chaos", null);
            job.awaitRunning(RECOVERY_TIMEOUT);
            CompletableFuture<String> replacement = CompletableFuture.completedFuture(null);
            try (LiveProducer live = new LiveProducer(kafka.bootstrapServers(), input.records(), CHAOS_SPEED)) {
                for (int i = 0; i < faults.size(); i++) {
                    // the i-th fault somewhere in the i-th of equal slices of 10..90 % of the input
                    double at = 0.1 + 0.8 * (i + random.nextDouble()) / faults.size();
                    awaitProgress(live, at);
                    replacement.join();
                    String what;
                    long faultAt = System.currentTimeMillis();
                    long healedAt;
                    switch (faults.get(i)) {
                        case KILL_TASKMANAGER: {
                            String victim = busyTaskManager(random);
                            cluster.killTaskManager(victim);
                            healedAt = System.currentTimeMillis();
                            // a process supervisor starts a new TaskManager; the job may restart before it registers
                            replacement = CompletableFuture.supplyAsync(() -> startTaskManager());
                            what = "kill -9 TaskManager " + victim;
                            break;
                        }
                        case RESTART_KAFKA: {
                            long down = 2_000 + random.nextInt(6_000);
                            // nothing of the input in flight at the kill (see LiveProducer#pause); the job's
                            // consumers, committers and dead-letter producer still lose the broker mid-stream
                            live.pause();
                            kafka.kill();
                            Thread.sleep(down);
                            kafka.start();
                            live.resume();
                            healedAt = System.currentTimeMillis();
                            what = "kill -9 Kafka broker, restarted after " + down + " ms";
                            break;
                        }
                        case RESTART_POSTGRES: {
                            long down = 2_000 + random.nextInt(6_000);
                            postgres.crash();
                            Thread.sleep(down);
                            postgres.start();
                            healedAt = System.currentTimeMillis();
                            what = "PostgreSQL crash (stop -m immediate), restarted after " + down + " ms";
                            break;
                        }
                        default: {
                            if (clickhouse == null) {
                                log("fault " + (i + 1) + "/" + faults.size() + ": ClickHouse restart skipped: no ClickHouse server");
                                continue;
                            }
                            long down = 2_000 + random.nextInt(6_000);
                            // SIGTERM (then SIGKILL after 30 s); inserts in flight fail and are retried or replayed
                            clickhouse.stop();
                            Thread.sleep(down);
                            clickhouse.restart();
                            healedAt = System.currentTimeMillis();
                            what = "ClickHouse stopped, restarted after " + down + " ms";
                            break;
                        }
                    }
                    Map<TopicPartition, Long> written = KafkaProgress.endOffsets(admin, FaultInput.TOPICS);
                    job.awaitCheckpointAfter(healedAt, RECOVERY_TIMEOUT);
                    long restored = System.currentTimeMillis();
                    job.awaitCommitted(admin, written, RECOVERY_TIMEOUT);
                    long caughtUp = System.currentTimeMillis();
                    log(String.format("fault %d/%d at %.0f %% of the input: %s; checkpointing again after %.1f s, "
                            + "caught up with what was written by then after %.1f s (restores so far: %d)", i + 1, faults.size(),
                            100 * at, what, (restored - faultAt) / 1000.0, (caughtUp - faultAt) / 1000.0,
                            job.checkpoints().restored()));
                }
                live.awaitDone(Duration.ofMinutes(10));
            }
            replacement.join();
            assertThat(job.checkpoints().restored()).as("the job was restored from checkpoints").isGreaterThanOrEqualTo(3);
            finishAndCompare(job, kafka, admin, db, "chaos");
        }
    }

    @Test
    @Order(2)
    void postgresOutageOfSixtySecondsIsCaughtUpWithoutLossOrDuplicates() throws Exception {
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(work.resolve("kafka-outage")); Admin admin = kafka.admin()) {
            createTopics(kafka);
            String db = postgres.createDatabase("outage");
            ClusterJob job = ClusterJob.submit(cluster, jarId, args(kafka, db, "outage", 2), "outage", null);
            job.awaitRunning(RECOVERY_TIMEOUT);
            try (LiveProducer live = new LiveProducer(kafka.bootstrapServers(), input.records(), OUTAGE_SPEED)) {
                awaitProgress(live, 0.15);
                job.awaitCheckpointAfter(System.currentTimeMillis(), RECOVERY_TIMEOUT);
                double recordsPerSecond = input.records().size() * OUTAGE_SPEED / EVENT_TIME.toSeconds();
                postgres.crash();
                long downAt = System.currentTimeMillis();
                long maxLag = 0;
                while (System.currentTimeMillis() - downAt < OUTAGE.toMillis()) {
                    Thread.sleep(1000);
                    maxLag = Math.max(maxLag, job.behind(admin, KafkaProgress.endOffsets(admin, FaultInput.TOPICS)));
                }
                postgres.start();
                long upAt = System.currentTimeMillis();
                Map<TopicPartition, Long> written = KafkaProgress.endOffsets(admin, FaultInput.TOPICS);
                long lag = job.behind(admin, written);
                job.awaitCheckpointAfter(upAt, RECOVERY_TIMEOUT);
                long restored = System.currentTimeMillis();
                job.awaitCommitted(admin, written, RECOVERY_TIMEOUT);
                long caughtUp = System.currentTimeMillis();
                log(String.format("PostgreSQL down for %d s: lag when it returned %d records (%.0f s of input; at most %d "
                        + "while down), checkpointing again %.1f s after its return, caught up after %.1f s (restores: %d)",
                        OUTAGE.toSeconds(), lag, lag / recordsPerSecond, maxLag, (restored - upAt) / 1000.0,
                        (caughtUp - upAt) / 1000.0, job.checkpoints().restored()));
                assertThat(lag).as("records waited while the database was down").isPositive();
                live.awaitDone(Duration.ofMinutes(10));
            }
            finishAndCompare(job, kafka, admin, db, "outage");
        }
    }

    @Test
    @Order(1)
    void stopWithSavepointAndRescaleToThreeThenOneEqualsTheFailureFreeRun() throws Exception {
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(work.resolve("kafka-rescale")); Admin admin = kafka.admin()) {
            createTopics(kafka);
            String db = postgres.createDatabase("rescale");
            String savepoints = work.resolve("savepoints").toUri().toString();
            ClusterJob job = ClusterJob.submit(cluster, jarId, args(kafka, db, "rescale", 2), "rescale", null);
            job.awaitRunning(RECOVERY_TIMEOUT);
            try (LiveProducer live = new LiveProducer(kafka.bootstrapServers(), input.records(), RESCALE_SPEED)) {
                int[] next = {3, 1};
                double[] at = {0.35, 0.7};
                for (int i = 0; i < next.length; i++) {
                    awaitProgress(live, at[i]);
                    job.awaitCheckpointAfter(System.currentTimeMillis(), RECOVERY_TIMEOUT);
                    long t0 = System.currentTimeMillis();
                    String savepoint = job.stop(savepoints, false);
                    long behind = job.behind(admin, KafkaProgress.endOffsets(admin, FaultInput.TOPICS));
                    job = ClusterJob.submit(cluster, jarId, args(kafka, db, "rescale", next[i]), "rescale", savepoint);
                    job.awaitCheckpointAfter(System.currentTimeMillis(), RECOVERY_TIMEOUT);
                    long resumed = System.currentTimeMillis();
                    assertKeyedParallelism(job.id(), next[i]);
                    log(String.format("stop-with-savepoint at %.0f %% of the input (%d records not yet read), resumed at "
                            + "parallelism %d from %s: checkpointing again after %.1f s", 100 * at[i], behind, next[i],
                            savepoint, (resumed - t0) / 1000.0));
                }
                live.awaitDone(Duration.ofMinutes(10));
            }
            finishAndCompare(job, kafka, admin, db, "rescale");
        }
    }

    /**
     * Once everything written is in a completed checkpoint: stop-with-savepoint with drain (the
     * final watermark fires every window, as at the end of the bounded reference run), then every
     * table and the dead letters against the reference.
     */
    private void finishAndCompare(ClusterJob job, KafkaBrokerProcess kafka, Admin admin, String db, String name)
            throws Exception {
        assertThat(KafkaProgress.endOffsets(admin, FaultInput.TOPICS)).as("every record written once")
                .isEqualTo(input.endOffsets());
        job.awaitCommitted(admin, input.endOffsets(), RECOVERY_TIMEOUT);
        drain(job, name);
        Map<String, List<String>> tables = OutputTables.read(db);
        assertThat(tables.keySet()).isEqualTo(referenceTables.keySet());
        for (String table : referenceTables.keySet()) {
            assertThat(tables.get(table)).as("%s: table %s against the failure-free run", name, table)
                    .containsExactlyElementsOf(referenceTables.get(table));
        }
        Map<String, List<String>> clickhouseTables = readClickHouse(name);
        if (clickhouse != null) {
            assertThat(clickhouseTables.keySet()).isEqualTo(referenceClickHouse.keySet());
            for (String table : referenceClickHouse.keySet()) {
                assertThat(clickhouseTables.get(table)).as("%s: ClickHouse table %s (duplicate-free) against the failure-free run",
                        name, table).containsExactlyElementsOf(referenceClickHouse.get(table));
            }
        }
        List<String> deadLetters = KafkaProgress.deadLetters(kafka.bootstrapServers(), DEAD_LETTERS);
        // at-least-once: a replay may repeat a dead letter, none may be missing
        assertThat(new TreeSet<>(deadLetters)).as("%s: dead letters", name).isEqualTo(new TreeSet<>(referenceDeadLetters));
        log(name + ": every table equals the failure-free run's, row for row " + OutputTables.sizes(tables)
                + (clickhouse == null ? "" : ", ClickHouse (duplicate-free) " + ClickHouseTables.sizes(clickhouseTables)) + "; "
                + deadLetters.size() + " dead letters (" + referenceDeadLetters.size() + " distinct, none missing)");
    }

    /**
     * Stop-with-savepoint with drain. A sink that fails the flush the drain makes (PostgreSQL
     * writers replace a connection that died while idle, but a store can still fail then) fails
     * the job, which restarts from its last checkpoint and refuses the stop; it is repeated once
     * the job checkpoints again, as an operator would repeat it.
     */
    private void drain(ClusterJob job, String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                job.stop(work.resolve("savepoints").toUri().toString(), true);
                return;
            } catch (AssertionError e) {
                if (attempt == 3) {
                    throw e;
                }
                String why = String.valueOf(e.getMessage());
                log(name + ": stop-with-savepoint (drain) attempt " + attempt + " failed ("
                        + why.substring(0, Math.min(160, why.length())).replace('\n', ' ') + "...); repeated after the next checkpoint");
                job.awaitCheckpointAfter(System.currentTimeMillis(), RECOVERY_TIMEOUT);
            }
        }
    }

    /** One of the TaskManagers that run a slot of the job (a kill then always hits the job). */
    private String busyTaskManager(Random random) throws Exception {
        List<String> busy = new ArrayList<>();
        for (FlinkRestClient.TaskManager tm : cluster.rest().taskManagers()) {
            if (tm.freeSlots() < tm.slots() && cluster.taskManagerIds().contains(tm.id())) {
                busy.add(tm.id());
            }
        }
        busy.sort(null);
        assertThat(busy).as("TaskManagers running the job").isNotEmpty();
        return busy.get(random.nextInt(busy.size()));
    }

    private String startTaskManager() {
        try {
            return cluster.startTaskManager();
        } catch (Exception e) {
            throw new IllegalStateException("the replacement TaskManager did not start", e);
        }
    }

    /** Every keyed operator of the job runs at {@code parallelism}, with the job's fixed maximum parallelism of 128. */
    private void assertKeyedParallelism(String jobId, int parallelism) throws Exception {
        boolean sawKeyed = false;
        for (var v : cluster.rest().get("/jobs/" + jobId).getAsJsonArray("vertices")) {
            var o = v.getAsJsonObject();
            assertThat(o.get("maxParallelism").getAsInt()).as("max parallelism of %s", o.get("name")).isEqualTo(128);
            if (o.get("name").getAsString().contains("red-1m")) {
                assertThat(o.get("parallelism").getAsInt()).as("parallelism of %s", o.get("name")).isEqualTo(parallelism);
                sawKeyed = true;
            }
        }
        assertThat(sawKeyed).as("the RED aggregator is in the job graph").isTrue();
    }

    /** The job's arguments for run {@code name} ({@link ClusterJob#allPipelinesArgs}). */
    private List<String> args(KafkaBrokerProcess kafka, String jdbcUrl, String name, int parallelism) {
        return ClusterJob.allPipelinesArgs(kafka.bootstrapServers(), jdbcUrl, name, DEAD_LETTERS, parallelism, clickhouse);
    }

    /** Every ClickHouse table of run {@code name}, read duplicate-free (empty without ClickHouse). */
    private Map<String, List<String>> readClickHouse(String name) throws Exception {
        return clickhouse == null ? Map.of() : ClickHouseTables.read(clickhouse.http(name));
    }

    private static void createTopics(KafkaBrokerProcess kafka) throws Exception {
        kafka.createTopics(FaultInput.PARTITIONS, FaultInput.SPANS, FaultInput.LOGS, FaultInput.METRICS, DEAD_LETTERS);
    }

    private static void awaitProgress(LiveProducer live, double share) throws InterruptedException {
        while (live.progress() < share && !live.isDone()) {
            Thread.sleep(200);
        }
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    private static void log(String line) {
        System.out.println(LOG_PREFIX + line);
    }
}
