package org.otlpanalytics.jobs.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.jobs.config.JobOptions;

/**
 * {@code soak}'s own options, parsed and checked once; every default is here. The job options
 * ({@code --state-backend}, {@code --parallelism}, {@code --checkpoint-interval}, ...) pass on to
 * the job unchanged, except that the soak's defaults are RocksDB and a 10 s checkpoint interval.
 */
final class SoakSettings {
    static final String SPANS_PER_S = "spans-per-s";
    static final String LOGS_PER_S = "logs-per-s";
    static final String POINTS_PER_S = "points-per-s";
    static final String MINUTES = "minutes";
    static final String FIND_MAX = "find-max";
    static final String TASKMANAGER_HEAP = "taskmanager-heap";
    /** Extra JVM options of the TaskManager process, space-separated (e.g. JFR's {@code -XX:StartFlightRecording=...}). */
    static final String TASKMANAGER_JAVA_OPTS = "taskmanager-java-opts";
    static final String MANAGED_MEMORY = SoakTaskManager.MANAGED_MEMORY;
    static final String REPORT_INTERVAL = "report-interval";
    static final String MAX_LAG = "max-lag";
    static final String MAX_LAG_GROWTH = "max-lag-growth";
    static final String WARMUP = "warmup";
    static final String STEP_MINUTES = "step-minutes";
    static final String STEP_FACTOR = "step-factor";
    static final String ALIGN_MINUTE = "align-minute";
    /** {@code --clickhouse false}: no ClickHouse sink even when a server binary is installed. */
    static final String CLICKHOUSE = "clickhouse";
    static final String[] KEYS = {SPANS_PER_S, LOGS_PER_S, POINTS_PER_S, MINUTES, FIND_MAX, TASKMANAGER_HEAP, TASKMANAGER_JAVA_OPTS,
        MANAGED_MEMORY, REPORT_INTERVAL, MAX_LAG, MAX_LAG_GROWTH, WARMUP, STEP_MINUTES, STEP_FACTOR, ALIGN_MINUTE, CLICKHOUSE};

    /** The target: what one 2-core machine should sustain. */
    static final SoakLoad.Rates DEFAULT_RATES = new SoakLoad.Rates(100_000, 50_000, 20_000);
    /** {@code --find-max} starts here unless rates are given. */
    static final SoakLoad.Rates FIND_MAX_START = new SoakLoad.Rates(5_000, 2_500, 1_000);

    final SoakLoad.Rates rates;
    final Duration duration;
    final boolean findMax;
    final int taskManagerHeapMb;
    /** Extra JVM options of the TaskManager process, after the soak's own (so they can override them). */
    final List<String> taskManagerJavaOpts;
    final String managedMemory;
    final Duration reportInterval;
    final double maxLagSeconds;
    final double maxLagGrowth;
    final Duration warmup;
    final Duration step;
    final double stepFactor;
    /** Event time starts 5 s before a minute boundary (short runs: the first 1-minute windows close early). */
    final boolean alignMinute;
    /** Whether ClickHouse is attached when a server can be started here (default true). */
    final boolean clickhouse;
    /** The job options, with the soak's defaults applied. */
    final JobOptions job;

    private SoakSettings(JobOptions o) {
        List<String> problems = new ArrayList<>();
        findMax = o.get(FIND_MAX) != null && !o.get(FIND_MAX).equals("false");
        SoakLoad.Rates base = findMax ? FIND_MAX_START : DEFAULT_RATES;
        rates = new SoakLoad.Rates(rate(o, SPANS_PER_S, base.spans(), problems), rate(o, LOGS_PER_S, base.logs(), problems),
                rate(o, POINTS_PER_S, base.points(), problems));
        double minutes = number(o, MINUTES, findMax ? 30 : 10, problems);
        duration = Duration.ofMillis((long) (minutes * 60_000));
        if (duration.toMillis() < 5_000) {
            problems.add("--" + MINUTES + " must be at least 0.1 (6 s), got " + o.get(MINUTES));
        }
        taskManagerHeapMb = (int) number(o, TASKMANAGER_HEAP, 1024, problems);
        if (taskManagerHeapMb < 256) {
            problems.add("--" + TASKMANAGER_HEAP + " (MB) must be at least 256, got " + taskManagerHeapMb);
        }
        String javaOpts = o.get(TASKMANAGER_JAVA_OPTS) == null ? "" : o.get(TASKMANAGER_JAVA_OPTS).trim();
        taskManagerJavaOpts = javaOpts.isEmpty() ? List.of() : List.of(javaOpts.split("\\s+"));
        for (String opt : taskManagerJavaOpts) {
            if (!opt.startsWith("-")) {
                problems.add("--" + TASKMANAGER_JAVA_OPTS + " takes JVM options (each starting with -), got " + opt);
            }
        }
        managedMemory = o.get(MANAGED_MEMORY) == null ? "256m" : o.get(MANAGED_MEMORY);
        reportInterval = duration(o, REPORT_INTERVAL, "30s", problems);
        maxLagSeconds = number(o, MAX_LAG, SustainedRule.DEFAULT_MAX_LAG_SECONDS, problems);
        maxLagGrowth = number(o, MAX_LAG_GROWTH, SustainedRule.DEFAULT_MAX_GROWTH, problems);
        step = Duration.ofMillis((long) (number(o, STEP_MINUTES, 2, problems) * 60_000));
        // the whole run's warm-up: a minute, or a quarter of a short run
        long defaultWarmup = Math.min(60_000, (findMax ? step : duration).toMillis() / 4);
        warmup = o.get(WARMUP) == null ? Duration.ofMillis(defaultWarmup) : duration(o, WARMUP, "60s", problems);
        stepFactor = number(o, STEP_FACTOR, 1.5, problems);
        if (stepFactor <= 1) {
            problems.add("--" + STEP_FACTOR + " must be > 1, got " + stepFactor);
        }
        alignMinute = "true".equals(o.get(ALIGN_MINUTE));
        clickhouse = !"false".equals(o.get(CLICKHOUSE));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        JobOptions j = o;
        if (blank(j.get(JobOptions.STATE_BACKEND))) {
            j = j.with(JobOptions.STATE_BACKEND, "rocksdb");
        }
        job = j.with(JobOptions.STARTING_OFFSETS, "earliest");
    }

    static SoakSettings parse(String[] args) {
        return new SoakSettings(JobOptions.parse(normalize(args), KEYS));
    }

    /** Bare {@code --find-max} means {@code --find-max true}, and so for {@code --align-minute}. */
    static String[] normalize(String[] args) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            a.add(args[i]);
            if ((args[i].equals("--" + FIND_MAX) || args[i].equals("--" + ALIGN_MINUTE)) && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
                a.add("true");
            }
        }
        return a.toArray(new String[0]);
    }

    private static double rate(JobOptions o, String key, double dflt, List<String> problems) {
        double r = number(o, key, dflt, problems);
        if (r < 0) {
            problems.add("--" + key + " must be >= 0, got " + o.get(key));
        }
        return r;
    }

    private static double number(JobOptions o, String key, double dflt, List<String> problems) {
        String s = o.get(key);
        if (s == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(s.replace("_", ""));
        } catch (NumberFormatException e) {
            problems.add("--" + key + " must be a number, got " + s);
            return dflt;
        }
    }

    /** The steps {@code --find-max} runs at most: the whole steps that fit in {@code --minutes}, at least one. */
    int findMaxSteps() {
        return (int) Math.max(1, duration.toMillis() / step.toMillis());
    }

    private static Duration duration(JobOptions o, String key, String dflt, List<String> problems) {
        try {
            return o.with(key, o.get(key) == null ? dflt : o.get(key)).getDuration(key);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return Duration.ZERO;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
