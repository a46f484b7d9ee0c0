package org.otlpanalytics.jobs.soak;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.bench.MachineCpu;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.run.HumanUnits;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.ClickHouseSinks;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;

/**
 * {@code soak}: every pipeline with the PostgreSQL sink, at fixed offered rates, for a fixed
 * time, on a Flink cluster configured as in production ({@link SoakTaskManager}, in its own JVM
 * with a fixed heap), fed from an embedded Kafka broker by a generator thread ({@link SoakLoad}).
 * Every {@code --report-interval} one line: offered and processed rates, lag, the last
 * checkpoint, the heap after GC and the state per pipeline; at the end {@code name=value} lines
 * ({@link SoakSummary}), {@code sustained} by the {@link SustainedRule}. With {@code --find-max}
 * the rates are multiplied by {@code --step-factor} every {@code --step-minutes} until a step is
 * not sustained (or the generator cannot offer the rate), and the highest sustained step is
 * printed.
 */
public final class SoakCommand {
    static final long SAMPLE_MILLIS = 5_000;
    static final long START_TIMEOUT_MILLIS = 180_000;
    /** A signal whose offered rate falls below this share of its target was not offered as asked. */
    static final double OFFERED_SHARE = 0.95;
    static final Map<String, String> NAMES = Map.of("spans", "spans", "logs", "logs", "metrics", "points");

    private final PrintStream out;

    SoakCommand(PrintStream out) {
        this.out = out;
    }

    public static int run(String[] args) throws Exception {
        return new SoakCommand(System.out).execute(args);
    }

    int execute(String[] args) throws Exception {
        SoakSettings s = SoakSettings.parse(args);
        Path logDir = Files.createTempDirectory("otlp-soak");
        out.printf(Locale.ROOT, "otlp-analytics soak: %s spans/s, %s log records/s, %s metric points/s for %.1f min%s%n",
                count(s.rates.spans()), count(s.rates.logs()), count(s.rates.points()), s.duration.toMillis() / 60_000.0,
                s.findMax ? ", stepping up x" + s.stepFactor + " every " + s.step.toSeconds() + " s (--find-max)" : "");
        out.println("  Flink: every pipeline (" + AnalyticsJob.ALL_JOBS + ") -> PostgreSQL (and ClickHouse when a server can be started here); state backend "
                + s.job.get(JobOptions.STATE_BACKEND) + (s.job.get(JobOptions.STATE_BACKEND).equalsIgnoreCase("rocksdb") ? ", incremental" : ", full")
                + " checkpoints every " + s.job.get(JobOptions.CHECKPOINT_INTERVAL)
                + ", parallelism " + s.job.get(JobOptions.PARALLELISM) + ", TaskManager heap " + s.taskManagerHeapMb
                + " MB (own JVM), managed memory " + s.managedMemory);
        String noClickHouse = s.clickhouse ? ClickHouseServer.unavailableReason() : "--clickhouse false";
        out.println("  embedded Kafka and PostgreSQL" + (noClickHouse == null ? " and ClickHouse" : " (no ClickHouse: " + noClickHouse + ")")
                + "; logs in " + logDir);
        long t0 = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); PostgresServer pg = PostgresServer.start();
                ClickHouseServer ch = noClickHouse == null ? ClickHouseServer.start() : null) {
            JobOptions o = s.job.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers()).with(JobOptions.JDBC_URL, pg.jdbcUrl());
            if (ch != null) {
                // the ClickHouse sink beside PostgreSQL, as a user running both stores has it (every log record
                // into log_record by default)
                o = o.with(JobOptions.CLICKHOUSE_URL, ch.url()).with(JobOptions.CLICKHOUSE_USER, ch.user() == null ? "" : ch.user())
                        .with(JobOptions.CLICKHOUSE_PASSWORD, ch.password() == null ? "" : ch.password())
                        .with(JobOptions.CLICKHOUSE_DATABASE, ch.database()).with(JobOptions.SINKS, "postgres,clickhouse");
                ClickHouseSchema.Result r = ClickHouseSchema.apply(ClickHouseSinks.config(o));
                out.println("  ClickHouse " + r.version + " at " + ch.url() + " (database " + ch.database() + ")");
            }
            // checkpoints and Flink's working files (RocksDB) under the log folder, removed at the end
            Path work = logDir.resolve("work");
            Files.createDirectories(work.resolve("tmp"));
            if (o.get(JobOptions.CHECKPOINT_DIR) == null || o.get(JobOptions.CHECKPOINT_DIR).isBlank()) {
                o = o.with(JobOptions.CHECKPOINT_DIR, work.resolve("checkpoints").toUri().toString());
            }
            int partitions = o.getInt(JobOptions.PARALLELISM);
            kafka.createTopics(partitions, o.get(JobOptions.SPANS_TOPIC), o.get(JobOptions.LOGS_TOPIC),
                    o.get(JobOptions.METRICS_TOPIC), o.get(JobOptions.DEAD_LETTER_TOPIC));
            SchemaMigrator.migrate(AnalyticsJob.postgres(o));
            List<String> childArgs = new ArrayList<>();
            for (String key : JobOptions.defaultValues().keySet()) {
                if (o.get(key) != null) {
                    childArgs.add("--" + key);
                    childArgs.add(o.get(key));
                }
            }
            childArgs.addAll(List.of("--" + SoakTaskManager.WORK_DIR, work.resolve("tmp").toString(),
                    "--" + SoakTaskManager.MANAGED_MEMORY, s.managedMemory,
                    "--" + SoakTaskManager.SAMPLE_INTERVAL, SAMPLE_MILLIS + "ms"));
            try (TaskManagerProcess tm = TaskManagerProcess.start(s.taskManagerHeapMb, s.taskManagerJavaOpts, childArgs, logDir.resolve("taskmanager.log"));
                    KafkaProducer<byte[], byte[]> producer = EmbeddedKafka.producer(kafka.bootstrapServers())) {
                ProbeLine started = awaitStart(tm);
                if (started == null) {
                    out.println("error: the TaskManager did not start the job within " + START_TIMEOUT_MILLIS / 1000 + " s (exit code "
                            + tm.exitCode() + "); see " + logDir);
                    return 1;
                }
                out.println("  job " + started.values().get("job") + " running in TaskManager process " + tm.pid() + " (heap max "
                        + started.getLong("heap_max_bytes") / (1 << 20) + " MB, " + started.values().get("state_backend") + "), "
                        + (System.currentTimeMillis() - t0) / 1000 + " s after start; load begins");
                Map<String, String> topics = Map.of("spans", o.get(JobOptions.SPANS_TOPIC), "logs", o.get(JobOptions.LOGS_TOPIC),
                        "metrics", o.get(JobOptions.METRICS_TOPIC));
                long lead = s.alignMinute ? alignedLead(System.currentTimeMillis()) : 0;
                SoakLoad load = new SoakLoad(producer, topics, partitions, s.rates, lead, 42);
                SoakSummary summary = new Soak(s, tm, load).run();
                summary.put("taskmanager_heap_mb", s.taskManagerHeapMb).put("state_backend", started.values().get("state_backend"));
                for (Map.Entry<String, Long> e : rows(pg).entrySet()) {
                    summary.put("rows_" + e.getKey(), e.getValue());
                }
                if (ch != null) {
                    for (Map.Entry<String, Long> e : clickHouseRows(ClickHouseSinks.config(o)).entrySet()) {
                        summary.put("clickhouse_rows_" + e.getKey(), e.getValue());
                    }
                }
                summary.lines().forEach(out::println);
                return "true".equals(summary.get("sustained")) || s.findMax ? 0 : 1;
            } finally {
                deleteRecursively(work);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** How far ahead event time must run from {@code eventNow} to stand 5 s before a minute boundary. */
    static long alignedLead(long eventNow) {
        return Math.floorMod(55_000L - Math.floorMod(eventNow, 60_000L), 60_000L);
    }

    private static ProbeLine awaitStart(TaskManagerProcess tm) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            ProbeLine p = tm.next(500);
            if (p != null && p.kind().equals("started")) {
                return p;
            }
            if (p == null && !tm.alive()) {
                return null;
            }
        }
        return null;
    }

    /** One soak: the generator, the report lines, the steps of {@code --find-max}, the summary. */
    private final class Soak {
        private final SoakSettings s;
        private final TaskManagerProcess tm;
        private final SoakLoad load;
        private final SoakObserver obs;
        private final MachineCpu cpu;
        /** The machine's CPU and the records processed where the judged part began (after the warm-up, or the step). */
        private MachineCpu.Reading judgedCpu;
        private long judgedRecords;
        /** The last CPU reading the TaskManager ran in: the end of the judged part if it exits. */
        private final TaskManagerCpuEnd taskManagerCpu = new TaskManagerCpuEnd();

        Soak(SoakSettings s, TaskManagerProcess tm, SoakLoad load) {
            this.s = s;
            this.tm = tm;
            this.load = load;
            this.obs = new SoakObserver(load);
            this.cpu = MachineCpu.of(tm.pid());
        }

        /** Records the job has decoded so far, every signal (0 before the first sample). */
        private long processedRecords() {
            ProbeLine p = obs.last();
            long n = 0;
            if (p != null) {
                for (String sig : SoakLoad.SIGNALS) {
                    n += p.getLong("in_" + sig);
                }
            }
            return n;
        }

        private void judgeFromHere() {
            judgedCpu = readCpu();
            judgedRecords = processedRecords();
        }

        /** The machine's CPU now, kept with the records decoded so far while the TaskManager runs. */
        private MachineCpu.Reading readCpu() {
            MachineCpu.Reading r = cpu.read();
            taskManagerCpu.offer(r, processedRecords());
            return r;
        }

        SoakSummary run() throws Exception {
            Thread generator = new Thread(load, "soak-generator");
            generator.setDaemon(true);
            long start = System.currentTimeMillis();
            generator.start();
            long end = start + s.duration.toMillis();
            Report report = new Report(start);
            long nextReport = start + s.reportInterval.toMillis();
            long stepStart = start;
            long stepEnd = start + s.step.toMillis();
            Map<String, Long> stepRecords = recordsNow();
            int lagsAtStep = 0;
            double scale = 1;
            SoakLoad.Rates best = null;
            String limitedBy = "none";
            String stepReason = "";
            int steps = 0;
            judgeFromHere();
            boolean warmedUp = false;
            MachineCpu.Reading stepCpu = judgedCpu;
            // --find-max runs the whole steps that fit in --minutes and judges each; stopping at --minutes itself
            // cut the last step off unjudged, since each step ends a little after the one before (the loop polls)
            int maxSteps = s.findMaxSteps();
            while (s.findMax ? steps < maxSteps : System.currentTimeMillis() < end) {
                ProbeLine p = tm.next(250);
                if (p != null) {
                    obs.accept(p);
                }
                if (!tm.alive()) {
                    drain();
                    obs.taskManagerExited(tm.exitCode());
                    break;
                }
                long now = System.currentTimeMillis();
                if (!s.findMax && !warmedUp && now >= start + s.warmup.toMillis()) {
                    warmedUp = true;
                    judgeFromHere();
                }
                if (now >= nextReport) {
                    out.println(report.line(now));
                    nextReport += s.reportInterval.toMillis();
                }
                if (obs.failed()) {
                    break;
                }
                if (s.findMax && now >= stepEnd) {
                    steps++;
                    SoakLoad.Rates asked = load.rates();
                    SustainedRule rule = new SustainedRule(s.maxLagSeconds, s.maxLagGrowth, Math.min(30_000, s.step.toMillis() / 4));
                    SustainedRule.Verdict v = rule.judge(obs.lags().subList(lagsAtStep, obs.lags().size()), stepStart, obs.failed());
                    String shortOf = shortOfTarget(asked, stepRecords, (now - stepStart) / 1000.0);
                    MachineCpu.Reading cpuNow = readCpu();
                    out.printf(Locale.ROOT, "step %d: %s spans/s %s logs/s %s points/s -> %s (max lag %.1f s, growth %.3f s/s)%s%s%n", steps,
                            count(asked.spans()), count(asked.logs()), count(asked.points()), v.sustained() ? "sustained" : "not sustained: " + v.reason(),
                            v.maxLagSeconds(), v.lagGrowth(), shortOf.isEmpty() ? "" : "; generator short: " + shortOf,
                            cpuText(cpuNow.sharesSince(stepCpu)));
                    stepCpu = cpuNow;
                    if (!shortOf.isEmpty()) {
                        limitedBy = "generator";
                        stepReason = "the generator offered less than asked: " + shortOf;
                        break;
                    }
                    if (!v.sustained()) {
                        limitedBy = "job";
                        stepReason = v.reason();
                        break;
                    }
                    best = asked;
                    if (steps == maxSteps) {
                        break;
                    }
                    scale *= s.stepFactor;
                    load.rates(s.rates.times(scale));
                    stepStart = now;
                    stepEnd = now + s.step.toMillis();
                    judgeFromHere();
                    stepRecords = recordsNow();
                    lagsAtStep = obs.lags().size();
                }
            }
            load.stop();
            MachineCpu.Reading cpuAtStop = cpu.read();
            generator.join(30_000);
            long stopped = System.currentTimeMillis();
            drain();
            // a TaskManager that exited after the last look in the loop (out of heap at the end) fails the run too
            boolean exited = !tm.alive();
            if (exited) {
                obs.taskManagerExited(tm.exitCode());
            }
            out.println(report.line(System.currentTimeMillis()) + " (end)");
            // the tasks' load over the judged part: after the warm-up, or the last step of --find-max
            long tasksFrom = s.findMax ? stepStart : start + s.warmup.toMillis();
            SoakSummary sum = summary(start, stopped, best, limitedBy, stepReason, steps, tasksFrom);
            if (exited) {
                sum.put("taskmanager_exited", true);
            }
            putCpu(sum, cpuAtStop);
            return sum;
        }

        /**
         * Where the machine's CPU went over the judged part (after the warm-up, or the last step of
         * {@code --find-max}), and the TaskManager's CPU per record the job decoded in it. If the
         * TaskManager exited, the part ends at the last reading it ran in ({@link TaskManagerCpuEnd}),
         * and without one after the part's start the TaskManager's figures are {@code n/a}.
         */
        private void putCpu(SoakSummary sum, MachineCpu.Reading atStop) {
            TaskManagerCpuEnd.End end = TaskManagerCpuEnd.pick(new TaskManagerCpuEnd.Mark(judgedCpu, judgedRecords),
                    new TaskManagerCpuEnd.Mark(atStop, processedRecords()), taskManagerCpu.lastRunning());
            Map<String, Double> shares = end == null ? Map.of() : end.mark().cpu().sharesSince(judgedCpu);
            if (shares.isEmpty()) {
                if (judgedCpu.totalTicks() > 0 && (end == null || end.exited())) {
                    sum.put("taskmanager_cpu_s", "n/a");
                    sum.put("taskmanager_cpu_us_per_record", "n/a");
                }
                return;
            }
            shares.forEach((g, v) -> sum.put("cpu_" + g + "_share", v, 2));
            long records = end.mark().records() - judgedRecords;
            double tmSeconds = end.mark().cpu().secondsSince(judgedCpu, MachineCpu.TASKMANAGER);
            sum.put("taskmanager_cpu_s", tmSeconds, 1);
            sum.put("taskmanager_cpu_us_per_record", records <= 0 ? 0 : tmSeconds * 1e6 / records, 2);
        }

        /** The probes already written (the sample after the end of the load). */
        private void drain() throws InterruptedException {
            long until = System.currentTimeMillis() + SAMPLE_MILLIS + 1000;
            while (System.currentTimeMillis() < until) {
                ProbeLine p = tm.next(200);
                if (p != null) {
                    obs.accept(p);
                    if (p.kind().equals("sample")) {
                        return;
                    }
                } else if (!tm.alive()) {
                    return;
                }
            }
        }

        private Map<String, Long> recordsNow() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (String sig : SoakLoad.SIGNALS) {
                m.put(sig, load.records(sig));
            }
            return m;
        }

        /** The signals offered below {@link #OFFERED_SHARE} of their rate since {@code from}, as text ("" if none). */
        private String shortOfTarget(SoakLoad.Rates asked, Map<String, Long> from, double seconds) {
            List<String> shortOf = new ArrayList<>();
            for (String sig : SoakLoad.SIGNALS) {
                double offered = (load.records(sig) - from.get(sig)) / seconds;
                if (offered < OFFERED_SHARE * asked.of(sig)) {
                    shortOf.add(String.format(Locale.ROOT, "%s %s/s of %s/s", NAMES.get(sig), count(offered), count(asked.of(sig))));
                }
            }
            return String.join(", ", shortOf);
        }

        private SoakSummary summary(long start, long stopped, SoakLoad.Rates best, String limitedBy, String stepReason, int steps,
                long tasksFrom) {
            SoakSummary sum = new SoakSummary();
            SustainedRule rule = new SustainedRule(s.maxLagSeconds, s.maxLagGrowth, s.warmup.toMillis());
            SustainedRule.Verdict v = rule.judge(obs.lags(), start, obs.failed());
            double seconds = (stopped - start) / 1000.0;
            String reason = obs.failed() ? obs.failure() : v.reason();
            Map<String, Double> offered = new LinkedHashMap<>();
            for (String sig : SoakLoad.SIGNALS) {
                offered.put(sig, load.records(sig) / seconds);
            }
            if (!s.findMax) {
                String shortOf = "";
                for (String sig : SoakLoad.SIGNALS) {
                    if (offered.get(sig) < OFFERED_SHARE * s.rates.of(sig)) {
                        shortOf += (shortOf.isEmpty() ? "" : ", ") + NAMES.get(sig) + " " + count(offered.get(sig)) + "/s of " + count(s.rates.of(sig)) + "/s";
                    }
                }
                List<String> unmeasured = new ArrayList<>();
                for (String sig : SoakLoad.SIGNALS) {
                    if (s.rates.of(sig) > 0 && !obs.lagReported(sig)) {
                        unmeasured.add(NAMES.get(sig));
                    }
                }
                if (!unmeasured.isEmpty() && reason.isEmpty()) {
                    reason = "the consumer lag of " + String.join(", ", unmeasured) + " was never reported";
                }
                // a rate the generator could not offer was not sustained either: the run did not test it
                sum.put("sustained", v.sustained() && !obs.failed() && unmeasured.isEmpty() && shortOf.isEmpty());
                sum.put("offered_as_asked", shortOf.isEmpty());
                if (!shortOf.isEmpty()) {
                    reason = (reason.isEmpty() ? "" : reason + "; ") + "the generator offered less than asked: " + shortOf;
                }
                sum.put("reason", reason.isEmpty() ? "-" : reason);
            }
            sum.put("max_lag_s", v.maxLagSeconds(), 1).put("lag_growth_s_per_s", v.lagGrowth(), 3);
            sum.put("checkpoint_p99_ms", SustainedRule.percentile(obs.checkpointMillis(), 0.99));
            sum.put("checkpoint_max_ms", SustainedRule.percentile(obs.checkpointMillis(), 1.0));
            sum.put("checkpoints", obs.checkpointMillis().size());
            CheckpointAck slowest = obs.slowestCheckpointAck();
            if (slowest != null) {
                // where the slowest checkpoint's time went, at the subtask that acknowledged it last
                sum.put("checkpoint_max_last_task", slowest.task())
                        .put("checkpoint_max_start_delay_ms", slowest.startDelayMs())
                        .put("checkpoint_max_alignment_ms", slowest.alignmentMs())
                        .put("checkpoint_max_sync_ms", slowest.syncMs())
                        .put("checkpoint_max_async_ms", slowest.asyncMs())
                        .put("checkpoint_max_other_ms", slowest.otherMs())
                        .put("checkpoint_max_persisted_inflight_mb", slowest.persistedBytes() / (double) (1 << 20), 1)
                        // where its barrier was late: the subtask whose first barrier came latest
                        .put("checkpoint_max_latest_start_task", slowest.latestStartTask())
                        .put("checkpoint_max_latest_start_delay_ms", slowest.latestStartDelayMs());
            }
            sum.put("heap_max_mb", obs.heapAfterGcMax() / (double) (1 << 20), 0);
            ProbeLine first = obs.first();
            ProbeLine last = obs.last();
            double processedSeconds = first == null || last == null ? 0 : (last.getLong("t") - start) / 1000.0;
            for (String sig : SoakLoad.SIGNALS) {
                String n = NAMES.get(sig);
                sum.put(n + "_target_per_s", s.rates.of(sig), 0);
                sum.put(n + "_offered_per_s", offered.get(sig), 0);
                sum.put(n + "_processed_per_s", processedSeconds <= 0 ? 0 : last.getLong("in_" + sig) / processedSeconds, 0);
            }
            if (s.findMax) {
                sum.put("steps", steps);
                sum.put("max_sustained_spans_per_s", best == null ? 0 : best.spans(), 0);
                sum.put("max_sustained_logs_per_s", best == null ? 0 : best.logs(), 0);
                sum.put("max_sustained_points_per_s", best == null ? 0 : best.points(), 0);
                sum.put("max_sustained_records_per_s", best == null ? 0 : best.spans() + best.logs() + best.points(), 0);
                sum.put("limited_by", obs.failed() ? "failure" : limitedBy);
                if (obs.failed()) {
                    // the last step failed (a restart, a failed job, a TaskManager that exited): not sustained
                    sum.put("sustained", false);
                }
                sum.put("reason", obs.failed() ? obs.failure() : stepReason.isEmpty() ? "-" : stepReason);
            }
            obs.state().forEach((p, b) -> sum.put("state_" + p + "_mb", b / (double) (1 << 20), 1));
            List<TaskLoad> tasks = obs.meanTasks(tasksFrom);
            if (!tasks.isEmpty()) {
                sum.put("busiest_task", tasks.get(0).task()).put("busiest_task_busy_ms_per_s", tasks.get(0).busyMsPerS(), 0);
                TaskLoad bp = TaskLoad.mostBackPressured(tasks);
                sum.put("most_backpressured_task", bp == null ? "-" : bp.task());
                sum.put("most_backpressured_task_ms_per_s", bp == null ? 0 : bp.backPressuredMsPerS(), 0);
                // blocked in the middle of a record: a source there cannot send a checkpoint barrier until it is out
                TaskLoad hard = TaskLoad.mostHardBackPressured(tasks);
                sum.put("most_hard_backpressured_task", hard == null ? "-" : hard.task());
                sum.put("most_hard_backpressured_task_ms_per_s", hard == null ? 0 : hard.hardBackPressuredMsPerS(), 0);
            }
            sum.put("dead_letters", last == null ? 0 : last.getLong("dead_letters"));
            sum.put("late_records", last == null ? 0 : last.getLong("late"));
            sum.put("send_errors", load.sendErrors());
            sum.put("generator_cpu_s", load.cpuNanos() / 1e9, 1);
            sum.put("run_s", seconds, 0);
            return sum;
        }

        /** The report line: rates since the previous line. */
        private final class Report {
            private final long start;
            private long prevAt;
            private final Map<String, Long> prevOffered = new LinkedHashMap<>();
            private ProbeLine prevSample;
            private MachineCpu.Reading prevCpu = readCpu();

            Report(long start) {
                this.start = start;
                this.prevAt = start;
                for (String sig : SoakLoad.SIGNALS) {
                    prevOffered.put(sig, 0L);
                }
            }

            String line(long now) {
                double secs = Math.max(0.001, (now - prevAt) / 1000.0);
                ProbeLine sample = obs.last();
                double sampleSecs = sample == null || prevSample == null ? 0 : (sample.getLong("t") - prevSample.getLong("t")) / 1000.0;
                long el = (now - start) / 1000;
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%tT +%d:%02d", now, el / 60, el % 60));
                for (String sig : SoakLoad.SIGNALS) {
                    long rec = load.records(sig);
                    double processed = sampleSecs <= 0 ? Double.NaN
                            : (sample.getLong("in_" + sig) - prevSample.getLong("in_" + sig)) / sampleSecs;
                    long pending = obs.pendingMessages(sig);
                    sb.append(String.format(Locale.ROOT, " | %s %s/s -> %s/s lag %s", NAMES.get(sig),
                            HumanUnits.rate((rec - prevOffered.get(sig)) / secs), Double.isNaN(processed) ? "?" : HumanUnits.rate(processed),
                            pending < 0 ? "?" : String.format(Locale.ROOT, "%d msgs %.1f s", pending, obs.lagSeconds(sig))));
                    prevOffered.put(sig, rec);
                }
                sb.append(" | checkpoint ");
                if (obs.lastCheckpointId() == 0) {
                    sb.append("none yet");
                } else {
                    sb.append('#').append(obs.lastCheckpointId()).append(' ').append(obs.lastCheckpointMillis()).append(" ms ")
                            .append(HumanUnits.bytes(obs.lastCheckpointBytes())).append(" (full ").append(HumanUnits.bytes(obs.lastCheckpointFullBytes())).append(')');
                    if (obs.lastCheckpointAck() != null) {
                        sb.append(", ").append(obs.lastCheckpointAck().describe());
                    }
                }
                sb.append(" | heap after GC ").append(sample == null ? "?" : HumanUnits.bytes(sample.getLong("heap_after_gc_bytes")));
                sb.append(" | state");
                obs.state().forEach((p, b) -> sb.append(' ').append(p).append(' ').append(HumanUnits.bytes(b)));
                List<TaskLoad> tasks = obs.lastTasks();
                if (!tasks.isEmpty()) {
                    sb.append(" | busiest ").append(tasks.get(0).describe());
                    TaskLoad bp = TaskLoad.mostBackPressured(tasks);
                    if (bp != null && bp != tasks.get(0)) {
                        sb.append("; most back-pressured ").append(bp.describe());
                    }
                    TaskLoad hard = TaskLoad.mostHardBackPressured(tasks);
                    if (hard != null && hard != bp && hard != tasks.get(0) && hard.hardBackPressuredMsPerS() >= 0.5) {
                        sb.append("; most blocked in the middle of a record ").append(hard.describe());
                    }
                }
                MachineCpu.Reading cpuNow = readCpu();
                sb.append(cpuText(cpuNow.sharesSince(prevCpu)));
                prevCpu = cpuNow;
                prevAt = now;
                if (sample != null) {
                    prevSample = sample;
                }
                return sb.toString();
            }
        }
    }

    /** Rows per output table at the end. */
    static Map<String, Long> rows(PostgresServer pg) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : new String[] {"red_1m", "service_call_5m", "log_pattern", "log_pattern_5m", "metric_1m", "use_1m"}) {
            // table names are constants here, never input
            try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                rows.put(table, rs.getLong(1));
            } catch (Exception e) {
                rows.put(table, -1L);
            }
        }
        return rows;
    }

    /** Rows per ClickHouse output table at the end, read duplicate-free (FINAL). */
    static Map<String, Long> clickHouseRows(ClickHouseSinkConfig config) {
        Map<String, Long> rows = new LinkedHashMap<>();
        ClickHouseHttp http = new ClickHouseHttp(config);
        for (String table : new String[] {"red_1m", "service_call_5m", "log_pattern_5m", "metric_1m", "use_1m", "log_record"}) {
            // table names are constants here, never input
            try {
                rows.put(table, Long.parseLong(http.query("SELECT count() FROM " + table + " FINAL").trim()));
            } catch (Exception e) {
                rows.put(table, -1L);
            }
        }
        return rows;
    }

    /** {@code " | cpu taskmanager 55% launcher 20% ..."}, the machine's CPU by group ("" when not measured). */
    static String cpuText(Map<String, Double> shares) {
        if (shares.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" | cpu");
        shares.forEach((g, v) -> sb.append(' ').append(g).append(' ').append(Math.round(v * 100)).append('%'));
        return sb.toString();
    }

    static String count(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }


}
