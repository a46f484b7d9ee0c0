package org.otlpanalytics.jobs.config;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.rocksdb.CompressionType;

/** Execution settings every job shares: exactly-once checkpoints, restarts, parallelism. */
public final class Environments {
    /**
     * The restart strategy of the commands that run the jobs on a local MiniCluster (demo, run,
     * analyze): a few quick retries, then the command ends with the error instead of retrying
     * forever (Flink's default with checkpointing).
     */
    public static final String LOCAL_RESTART_STRATEGY = "fixed-delay:10:1s";
    /**
     * Key groups of every keyed operator, fixed: the most subtasks a keyed operator can ever be
     * rescaled to, and a property of its state that a savepoint cannot change. 128 is what Flink
     * derives by default for any parallelism up to 85, so checkpoints and savepoints taken before
     * it was set keep restoring; fixing it keeps a job first started at a higher parallelism from
     * deriving a different number that earlier savepoints would not restore into. Key groups cost
     * a little per checkpoint and timer service, so more than the job can use is not free.
     */
    public static final int MAX_PARALLELISM = 128;

    /**
     * RocksDB's compression per level ({@code state.backend.rocksdb.compression.per.level}): none for
     * L0 and L1, Snappy (RocksDB's default) below. Held log records and pending seconds are written
     * past their heap bound, flushed with the memtable and read back within a minute or two: on the
     * busier subtask of {@code bench-logs} on RocksDB, Snappy decompressing the blocks of those reads
     * was 12 % of the thread, the largest single part of a held record's cost. Long-lived state
     * reaches the compressed levels by compaction. The same list is in {@code flink-conf/config.yaml}.
     */
    public static final List<CompressionType> ROCKSDB_COMPRESSION_PER_LEVEL = List.of(
            CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION);

    private Environments() {}

    /** Sets {@link #ROCKSDB_COMPRESSION_PER_LEVEL} for a job on RocksDB (Flink's own typed option). */
    public static void rocksDbCompression(Configuration c) {
        c.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, ROCKSDB_COMPRESSION_PER_LEVEL);
    }

    /**
     * Flink configuration from the options. Only what the options set is in it: without
     * {@code --restart-strategy} the job keeps the cluster's restart strategy
     * ({@code restart-strategy.*} in its Flink configuration); {@code --state-backend rocksdb} brings
     * {@link #ROCKSDB_COMPRESSION_PER_LEVEL} with it, as the production file has it.
     */
    public static Configuration configuration(JobOptions o) {
        Configuration c = new Configuration();
        restartStrategy(o.get(JobOptions.RESTART_STRATEGY), c);
        String backend = o.get(JobOptions.STATE_BACKEND);
        if (backend != null && !backend.isBlank()) {
            String b = backend.trim().toLowerCase(java.util.Locale.ROOT);
            if (!b.equals("rocksdb") && !b.equals("hashmap")) {
                throw new IllegalArgumentException("--" + JobOptions.STATE_BACKEND + " must be rocksdb or hashmap, got " + backend);
            }
            c.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND, b);
            if (b.equals("rocksdb")) {
                rocksDbCompression(c);
            }
        }
        String dir = o.get(JobOptions.CHECKPOINT_DIR);
        if (dir != null && !dir.isBlank()) {
            // state beyond the JobManager storage's few MB (metrics series, log buffers) needs files
            c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        }
        return c;
    }

    /**
     * Sets the restart strategy of {@code --restart-strategy}: empty (the cluster's), {@code none},
     * {@code fixed-delay[:ATTEMPTS[:DELAY]]} (default 10 attempts, 1s apart) or
     * {@code exponential-delay[:MAX_BACKOFF]} (Flink's exponential defaults, backoff capped).
     */
    static void restartStrategy(String value, Configuration c) {
        if (value == null || value.isBlank()) {
            return;
        }
        String[] p = value.trim().toLowerCase(java.util.Locale.ROOT).split(":");
        String key = JobOptions.RESTART_STRATEGY;
        switch (p[0]) {
            case "none":
                if (p.length > 1) {
                    throw new IllegalArgumentException("--" + key + " none takes no parameters, got " + value);
                }
                c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
                break;
            case "fixed-delay":
                if (p.length > 3) {
                    throw new IllegalArgumentException("--" + key + " must be fixed-delay[:ATTEMPTS[:DELAY]], got " + value);
                }
                int attempts = 10;
                if (p.length > 1) {
                    try {
                        attempts = Integer.parseInt(p[1]);
                    } catch (NumberFormatException e) {
                        attempts = -1;
                    }
                    if (attempts < 0) {
                        throw new IllegalArgumentException("--" + key + ": attempts must be a number >= 0, got " + value);
                    }
                }
                c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
                c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
                c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                        p.length > 2 ? JobOptions.parseDuration(key, p[2]) : Duration.ofSeconds(1));
                break;
            case "exponential-delay":
                if (p.length > 2) {
                    throw new IllegalArgumentException("--" + key + " must be exponential-delay[:MAX_BACKOFF], got " + value);
                }
                c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
                if (p.length > 1) {
                    c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, JobOptions.parseDuration(key, p[1]));
                }
                break;
            default:
                throw new IllegalArgumentException("--" + key + " must be none, fixed-delay[:ATTEMPTS[:DELAY]] or "
                        + "exponential-delay[:MAX_BACKOFF] (empty: the cluster's), got " + value);
        }
    }

    /**
     * For commands that run on a local MiniCluster: a temporary checkpoint directory unless one is
     * given, and {@link #LOCAL_RESTART_STRATEGY} unless {@code --restart-strategy} says otherwise.
     */
    public static JobOptions withLocalDefaults(JobOptions o) {
        JobOptions withDir = withLocalCheckpointDir(o);
        String restart = withDir.get(JobOptions.RESTART_STRATEGY);
        return restart == null || restart.isBlank() ? withDir.with(JobOptions.RESTART_STRATEGY, LOCAL_RESTART_STRATEGY) : withDir;
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

    /**
     * Batch mode runs at {@code --parallelism}: Flink's adaptive batch scheduler (the default for batch
     * jobs) otherwise decides the parallelism of every operator not given one from the bytes it
     * consumes (16 MiB per subtask by default), the environment's parallelism only its upper bound,
     * and a backfill of a few thousand records ran every keyed operator on one subtask (seen in
     * BatchParallelismTest: 1 fingerprinter subtask at {@code --parallelism 3}). Results do not
     * depend on the parallelism; its time and memory do, and the user asked for one.
     */
    static Configuration honourParallelismInBatch() {
        Configuration c = new Configuration();
        c.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        return c;
    }

    /**
     * {@code --buffer-timeout}: how long a partly filled network buffer may wait for more records
     * before its task sends it on. Every task with a network output has a flusher thread that wakes
     * this often whatever its traffic; at parallelism 2 the job has 158 such threads, most of them
     * on outputs that carry little (dead letters, late records, side outputs, marks), and at Flink's
     * 100 ms their wake-ups alone were 5 % of a 2-core TaskManager's CPU in the soak's profile (see
     * the README, Soak). The job's results are minutes (RED, metrics, log patterns), 5-minute buckets
     * (service calls) and a live graph refreshed every minute, so a second per network hop on
     * records and watermarks in partly filled buffers is invisible in them; a busy output fills its
     * buffers long before the timeout and is not slowed at all, and checkpoint barriers are events,
     * which are sent at once.
     */
    static long bufferTimeoutMillis(JobOptions o) {
        long ms = o.getDuration(JobOptions.BUFFER_TIMEOUT).toMillis();
        if (ms < 1) {
            throw new IllegalArgumentException("--" + JobOptions.BUFFER_TIMEOUT + " must be at least 1ms (a buffer sent "
                    + "after every record costs a flush per record), got " + o.get(JobOptions.BUFFER_TIMEOUT));
        }
        return ms;
    }

    /**
     * {@code --unaligned-checkpoints true}: Flink's unaligned checkpoints and, with them, interruptible
     * timers (a barrier may come between the timers that operators opting in fire at one watermark).
     * {@code false} (the default) sets neither and leaves the cluster's configuration as it is.
     */
    static Configuration checkpointAlignment(JobOptions o) {
        Configuration c = new Configuration();
        if (o.getBool(JobOptions.UNALIGNED_CHECKPOINTS)) {
            c.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
            c.set(CheckpointingOptions.ENABLE_UNALIGNED_INTERRUPTIBLE_TIMERS, true);
        }
        return c;
    }

    public static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, JobOptions o) {
        int parallelism = o.getInt(JobOptions.PARALLELISM);
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("--" + JobOptions.PARALLELISM + " must be 1.." + MAX_PARALLELISM
                    + " (the job's fixed maximum parallelism), got " + parallelism);
        }
        env.setParallelism(parallelism);
        env.setMaxParallelism(MAX_PARALLELISM);
        String mode = o.require(JobOptions.MODE);
        if ("batch".equalsIgnoreCase(mode)) {
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            env.configure(honourParallelismInBatch());
        } else if (!"streaming".equalsIgnoreCase(mode)) {
            throw new IllegalArgumentException("--" + JobOptions.MODE + " must be streaming or batch, got " + mode);
        } else {
            env.enableCheckpointing(o.getDuration(JobOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
            env.getCheckpointConfig().setMinPauseBetweenCheckpoints(
                    Math.min(1000L, o.getDuration(JobOptions.CHECKPOINT_INTERVAL).toMillis() / 2));
            env.setBufferTimeout(bufferTimeoutMillis(o));
            env.configure(checkpointAlignment(o));
        }
        // Flink need not copy records between chained operators: the rule every operator keeps is that it
        // does not change a record after emitting it, since the operators that keep input records (the heap
        // backend's lists, BatchedListState between checkpoints) keep the very objects they were given
        env.getConfig().enableObjectReuse();
        env.getConfig().setAutoWatermarkInterval(200);
        return env;
    }
}
