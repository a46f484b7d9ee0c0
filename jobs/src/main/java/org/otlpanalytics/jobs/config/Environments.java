package org.otlpanalytics.jobs.config;

import java.time.Duration;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Execution settings every job shares: exactly-once checkpoints, restarts, parallelism. */
public final class Environments {
    private Environments() {}

    /** Flink configuration from the options (what a cluster's flink-conf would otherwise give). */
    public static Configuration configuration(JobOptions o) {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        String backend = o.get(JobOptions.STATE_BACKEND);
        if (backend != null && !backend.isBlank()) {
            String b = backend.trim().toLowerCase(java.util.Locale.ROOT);
            if (!b.equals("rocksdb") && !b.equals("hashmap")) {
                throw new IllegalArgumentException("--" + JobOptions.STATE_BACKEND + " must be rocksdb or hashmap, got " + backend);
            }
            c.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND, b);
        }
        String dir = o.get(JobOptions.CHECKPOINT_DIR);
        if (dir != null && !dir.isBlank()) {
            // state beyond the JobManager storage's few MB (metrics series, log buffers) needs files
            c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        }
        return c;
    }

    /** For commands that run on a local MiniCluster: a temporary checkpoint directory unless one is given. */
    public static JobOptions withLocalCheckpointDir(JobOptions o) {
        String dir = o.get(JobOptions.CHECKPOINT_DIR);
        if (dir != null && !dir.isBlank()) {
            return o;
        }
        try {
            java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("otlp-analytics-checkpoints");
            return o.with(JobOptions.CHECKPOINT_DIR, tmp.toUri().toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create a local checkpoint directory", e);
        }
    }

    public static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, JobOptions o) {
        env.setParallelism(o.getInt(JobOptions.PARALLELISM));
        String mode = o.require(JobOptions.MODE);
        if ("batch".equalsIgnoreCase(mode)) {
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        } else if (!"streaming".equalsIgnoreCase(mode)) {
            throw new IllegalArgumentException("--" + JobOptions.MODE + " must be streaming or batch, got " + mode);
        } else {
            env.enableCheckpointing(o.getDuration(JobOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
            env.getCheckpointConfig().setMinPauseBetweenCheckpoints(
                    Math.min(1000L, o.getDuration(JobOptions.CHECKPOINT_INTERVAL).toMillis() / 2));
        }
        // operators never keep references to their input records, so Flink need not copy them
        env.getConfig().enableObjectReuse();
        env.getConfig().setAutoWatermarkInterval(200);
        return env;
    }
}
