package org.otlpanalytics.jobs.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.ClickHouseSinks;
import org.otlpanalytics.jobs.config.SinkSelection;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;

/**
 * {@code run}: the jobs against the user's own Kafka and databases on a local MiniCluster, saying
 * what it does. A start-up summary; checks of every service and directory it needs, each
 * reported as one line naming the option to fix (retried for {@code --preflight-timeout}, then
 * exit code 3); the schema migration; Flink's web UI ({@code --web-port}) and a Prometheus
 * endpoint ({@code --metrics-port}); a status line every {@code --status-interval} from the job's
 * own metrics (off with {@code --quiet}); on Ctrl-C or SIGTERM a stop with a savepoint (sinks
 * flush and commit) and a final status line. The next {@code run} with the same
 * {@code --checkpoint-dir} resumes from the newest checkpoint or savepoint in it.
 */
public final class RunCommand {
    /** Exit code when a start-up check does not pass. */
    public static final int EXIT_PREFLIGHT = 3;
    /** Exit code when the job fails. */
    public static final int EXIT_JOB_FAILED = 1;
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    private final PrintStream out;

    RunCommand(PrintStream out) {
        this.out = out;
    }

    /** Runs the command; returns its exit code (0 after a clean stop or the end of a bounded run). */
    public static int run(String[] args) throws Exception {
        return new RunCommand(System.out).execute(args);
    }

    /** Bare {@code --quiet} means {@code --quiet true}. */
    static String[] normalize(String[] args) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            a.add(args[i]);
            if (args[i].equals("--" + RunSettings.QUIET) && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
                a.add("true");
            }
        }
        return a.toArray(new String[0]);
    }

    int execute(String[] args) throws Exception {
        JobOptions o = JobOptions.parse(normalize(args), RunSettings.KEYS);
        RunSettings s = RunSettings.of(o);
        boolean tempCheckpoints = blank(o.get(JobOptions.CHECKPOINT_DIR));
        o = Environments.withLocalDefaults(o);
        String checkpointDir = o.get(JobOptions.CHECKPOINT_DIR);
        Optional<Path> resume = tempCheckpoints ? Optional.empty() : ResumePoint.latest(checkpointDir);

        summary(o, s, tempCheckpoints, resume).forEach(out::println);

        List<Preflight.Check> checks = new ArrayList<>();
        checks.add(Preflight.kafka(o.require(JobOptions.BOOTSTRAP), inputTopics(o)));
        SinkSelection stores = o.sinks();
        if (stores.has(SinkSelection.Store.POSTGRES)) {
            checks.add(Preflight.postgres(AnalyticsJob.postgres(o)));
        }
        if (stores.has(SinkSelection.Store.CLICKHOUSE)) {
            checks.add(Preflight.clickhouse(ClickHouseSinks.config(o)));
        }
        checks.add(Preflight.checkpointDir(checkpointDir));
        List<Preflight.Problem> problems = Preflight.runAll(checks, s.preflightTimeout,
                p -> out.println("waiting: " + p + "; retrying"));
        if (!problems.isEmpty()) {
            for (Preflight.Problem p : problems) {
                out.println("error: " + p);
            }
            out.println("not started: " + problems.size() + " check(s) still failing after " + s.preflightTimeout.toSeconds()
                    + " s (--" + RunSettings.PREFLIGHT_TIMEOUT + ")");
            return EXIT_PREFLIGHT;
        }
        if (stores.has(SinkSelection.Store.POSTGRES)) {
            SchemaMigrator.migrate(AnalyticsJob.postgres(o));
            out.println("schema: PostgreSQL migrated and ready");
        }
        if (stores.has(SinkSelection.Store.CLICKHOUSE)) {
            ClickHouseSinkConfig ch = ClickHouseSinks.config(o);
            ClickHouseSchema.Result r = ClickHouseSchema.apply(ch);
            out.println("schema: ClickHouse " + r.version + " tables ready in database " + ch.database()
                    + (r.version.hasMap() ? "" : " (the DDL's forms for this older server)"));
        }

        String runId = UUID.randomUUID().toString();
        Configuration conf = Environments.configuration(o);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.setString("metrics.reporter." + StatusMetrics.REPORTER + ".factory.class", StatusMetrics.Factory.class.getName());
        conf.setString("metrics.reporter." + StatusMetrics.REPORTER + "." + StatusMetrics.RUN_ID, runId);
        if (s.metricsPort > 0) {
            conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", Integer.toString(s.metricsPort));
        }
        resume.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString()));
        StreamExecutionEnvironment env;
        if (s.webPort > 0) {
            conf.set(RestOptions.PORT, s.webPort);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        }
        JobClient client = AnalyticsJob.start(env, o);
        out.println("job " + client.getJobID() + " running"
                + (s.webPort > 0 ? "; web UI and REST API http://localhost:" + s.webPort : "")
                + (s.metricsPort > 0 ? "; Prometheus metrics http://localhost:" + s.metricsPort + "/metrics" : ""));

        StatusMetrics metrics = StatusMetrics.forRun(runId);
        Status status = new Status(metrics);
        AtomicBoolean stopping = new AtomicBoolean();
        String savepoints = ResumePoint.savepointDir(checkpointDir);
        // Ctrl-C (INT) and SIGTERM stop the job with a savepoint; the job then ends, main returns, exit code 0.
        // A second signal while stopping ends the process at once.
        Runnable stop = () -> {
            out.println("stopping: taking a savepoint so the sinks flush and commit (" + savepoints + ")");
            try {
                String path = client.stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL)
                        .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                out.println("stopped: savepoint " + path + "; the next run with --" + JobOptions.CHECKPOINT_DIR + " "
                        + checkpointDir + " resumes from it");
            } catch (Exception e) {
                out.println("stopping: no savepoint (" + rootCause(e) + "); cancelling, the next run resumes from the last checkpoint");
                client.cancel();
            }
        };
        for (String signal : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), sig -> {
                if (!stopping.compareAndSet(false, true)) {
                    out.println("stopping: second signal, exiting now");
                    Runtime.getRuntime().halt(130);
                }
                Thread t = new Thread(stop, "otlp-analytics-stop");
                t.setDaemon(true);
                t.start();
            });
        }

        Thread ticker = new Thread(() -> {
            while (!stopping.get()) {
                try {
                    Thread.sleep(s.statusInterval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                if (!s.quiet && !stopping.get()) {
                    out.println(status.line());
                }
            }
        }, "otlp-analytics-status");
        ticker.setDaemon(true);
        ticker.start();
        try {
            client.getJobExecutionResult().get();
            out.println((stopping.get() ? "final " : "finished ") + status.line());
            return 0;
        } catch (Exception e) {
            if (stopping.get()) {
                out.println("final " + status.line());
                return 0;
            }
            out.println("error: the job failed: " + rootCause(e));
            return EXIT_JOB_FAILED;
        } finally {
            ticker.interrupt();
        }
    }

    /** The status line state: the previous snapshot for rates, and when the checkpoint count last moved. */
    static final class Status {
        private final StatusMetrics metrics;
        private StatusLine.Snapshot previous;
        private long checkpointSeenMillis;
        private long checkpoints;

        Status(StatusMetrics metrics) {
            this.metrics = metrics;
        }

        synchronized String line() {
            StatusLine.Snapshot now = StatusLine.snapshot(metrics.entries(), System.currentTimeMillis());
            if (now.checkpoints != checkpoints) {
                checkpoints = now.checkpoints;
                checkpointSeenMillis = now.atMillis;
            }
            String line = "status " + StatusLine.format(now, previous, checkpointSeenMillis);
            previous = now;
            return line;
        }
    }

    /** The input topic of each chosen pipeline, by the option that names it. */
    static Map<String, String> inputTopics(JobOptions o) {
        Map<String, String> t = new LinkedHashMap<>();
        for (String job : AnalyticsJob.jobs(o)) {
            switch (job) {
                case "red":
                case "edges":
                    t.put(JobOptions.SPANS_TOPIC, o.require(JobOptions.SPANS_TOPIC));
                    break;
                case "logs":
                    t.put(JobOptions.LOGS_TOPIC, o.require(JobOptions.LOGS_TOPIC));
                    break;
                case "metrics":
                    t.put(JobOptions.METRICS_TOPIC, o.require(JobOptions.METRICS_TOPIC));
                    break;
                default:
                    break;
            }
        }
        return t;
    }

    static List<String> summary(JobOptions o, RunSettings s, boolean tempCheckpoints, Optional<Path> resume) {
        List<String> lines = new ArrayList<>();
        lines.add("otlp-analytics run");
        for (String job : AnalyticsJob.jobs(o)) {
            lines.add("  pipeline " + job + ": " + inputOf(job, o) + " -> " + tablesOf(job));
        }
        lines.add("  Kafka " + o.require(JobOptions.BOOTSTRAP) + ", consumer group prefix " + o.require(JobOptions.GROUP_ID)
                + ", dead letters to " + o.require(JobOptions.DEAD_LETTER_TOPIC));
        if (o.sinks().has(SinkSelection.Store.POSTGRES)) {
            lines.add("  PostgreSQL " + Secrets.mask(o.require(JobOptions.JDBC_URL)));
        }
        if (o.sinks().has(SinkSelection.Store.CLICKHOUSE)) {
            ClickHouseSinkConfig ch = ClickHouseSinks.config(o);
            lines.add("  ClickHouse " + Secrets.mask(ch.url()) + ", database " + ch.database()
                    + (ch.user() == null ? "" : ", user " + ch.user()) + "; raw tables: log_record "
                    + (o.getBool(JobOptions.CLICKHOUSE_LOG_RECORDS) ? "on" : "off") + ", span "
                    + (o.getBool(JobOptions.CLICKHOUSE_SPANS) ? "on" : "off (--" + JobOptions.CLICKHOUSE_SPANS + " true)"));
        }
        lines.add("  checkpoints every " + o.get(JobOptions.CHECKPOINT_INTERVAL) + " in " + o.get(JobOptions.CHECKPOINT_DIR)
                + (tempCheckpoints ? " (temporary: give --" + JobOptions.CHECKPOINT_DIR + " to resume after a stop)" : "")
                + resume.map(p -> "; resuming from " + p).orElse(""));
        if (o.get(JobOptions.FROM) != null || o.get(JobOptions.TO) != null) {
            lines.add("  replay " + (o.get(JobOptions.FROM) == null ? "start" : o.getInstant(JobOptions.FROM)) + " .. "
                    + (o.get(JobOptions.TO) == null ? "end" : o.getInstant(JobOptions.TO)));
        }
        String log = System.getProperty(LOG_FILE_PROPERTY);
        lines.add("  full log " + (log == null ? "on the console" : log) + (s.quiet ? "; status lines off (--quiet)"
                : "; a status line every " + s.statusInterval.toSeconds() + " s"));
        return lines;
    }

    /** The system property that names the log file (set by the launcher's {@code Main} before logging starts). */
    public static final String LOG_FILE_PROPERTY = "otlp.log.file";

    static String inputOf(String job, JobOptions o) {
        switch (job) {
            case "logs":
                return o.get(JobOptions.LOGS_TOPIC);
            case "metrics":
                return o.get(JobOptions.METRICS_TOPIC);
            case "incidents":
                return "the other pipelines' rows";
            default:
                return o.get(JobOptions.SPANS_TOPIC);
        }
    }

    static String tablesOf(String job) {
        switch (job) {
            case "red":
                return "red_1m";
            case "edges":
                return "service_call_5m, topo_edge_time, live_edge";
            case "logs":
                return "log_pattern, log_pattern_5m";
            case "metrics":
                return "metric_1m, use_1m";
            case "incidents":
                return "event_envelope, evidence_link";
            default:
                return "?";
        }
    }

    static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The start of this run, for the log file name. */
    public static String logFileName(Instant now) {
        return "run-" + now.toString().replace(':', '-') + ".log";
    }
}
