package org.otlpanalytics.jobs.soak;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.SubtaskStateStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.run.StatusLine;
import org.otlpanalytics.jobs.run.StatusMetrics;

/**
 * The soak's Flink cluster: the main class of a child JVM whose heap is fixed by {@code -Xms}/
 * {@code -Xmx} (so the figure is the TaskManager's, not the generator's or the broker's), running
 * one TaskManager and the JobManager in a MiniCluster configured as {@code flink-conf/config.yaml}
 * (RocksDB with managed memory, incremental checkpoints, exactly-once, one checkpoint at a time,
 * three tolerated failures). It runs every pipeline on the PostgreSQL sink and reports on its
 * standard output ({@link ProbeLine}): each completed checkpoint with its duration, sizes and
 * state per pipeline, and every {@value #SAMPLE_INTERVAL} a sample of records decoded and pending
 * per signal, rows written, the heap after the last GC and the job's state.
 */
public final class SoakTaskManager {
    static final String MANAGED_MEMORY = "managed-memory";
    static final String SAMPLE_INTERVAL = "sample-interval";
    /** Flink's local working directory (RocksDB's files among them), removed by the soak at the end. */
    static final String WORK_DIR = "work-dir";
    static final String[] SIGNALS = {"spans", "logs", "metrics"};

    private final AtomicLong heapAfterGc = new AtomicLong();

    private SoakTaskManager() {}

    public static void main(String[] args) throws Exception {
        JobOptions o = JobOptions.parse(args, MANAGED_MEMORY, SAMPLE_INTERVAL, WORK_DIR);
        try {
            new SoakTaskManager().run(o);
        } catch (Throwable t) {
            // a cluster that failed half-started keeps non-daemon threads: exit, so the launcher sees it at once
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** The cluster configuration: the production file's state and checkpoint settings, one TaskManager. */
    static Configuration configuration(JobOptions o, String runId) {
        Configuration c = Environments.configuration(o);
        if (o.get(JobOptions.STATE_BACKEND) == null || o.get(JobOptions.STATE_BACKEND).isBlank()) {
            c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            Environments.rocksDbCompression(c);
        }
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        c.setString("state.backend.rocksdb.memory.managed", "true");
        c.set(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, 1);
        c.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, java.time.Duration.ofMinutes(10));
        c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(o.get(MANAGED_MEMORY) == null ? "256m" : o.get(MANAGED_MEMORY)));
        if (o.get(WORK_DIR) != null) {
            c.set(org.apache.flink.configuration.CoreOptions.TMP_DIRS, o.get(WORK_DIR));
        }
        c.set(TaskManagerOptions.NUM_TASK_SLOTS, o.getInt(JobOptions.PARALLELISM));
        // the soak reads the cluster through its own metrics reporter, not REST: any free port, so a Flink
        // (or another soak) on 8081 does not stop it
        c.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        c.setString("metrics.reporter." + StatusMetrics.REPORTER + ".factory.class", StatusMetrics.Factory.class.getName());
        c.setString("metrics.reporter." + StatusMetrics.REPORTER + "." + StatusMetrics.RUN_ID, runId);
        return c;
    }

    private void run(JobOptions given) throws Exception {
        JobOptions o = Environments.withLocalDefaults(given);
        long sampleMillis = given.get(SAMPLE_INTERVAL) == null ? 5000 : o.getDuration(SAMPLE_INTERVAL).toMillis();
        String runId = UUID.randomUUID().toString();
        Configuration conf = configuration(o, runId);
        watchGarbageCollections();
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(o.getInt(JobOptions.PARALLELISM)).build());
        cluster.start();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        AnalyticsJob.build(env, o);
        JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
        StatusMetrics metrics = StatusMetrics.forRun(runId);
        awaitRunning(cluster, job);
        emit("started", Map.of("job", job.toString(), "state_backend", conf.get(StateBackendOptions.STATE_BACKEND),
                "heap_max_bytes", Long.toString(Runtime.getRuntime().maxMemory())));
        long lastCheckpoint = 0;
        while (true) {
            Thread.sleep(sampleMillis);
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
            lastCheckpoint = emitCheckpoints(graph, lastCheckpoint);
            Map<String, String> s = sample(StatusLine.snapshot(metrics.entries(), System.currentTimeMillis()), metrics);
            s.put("job", graph.getState().name());
            emit("sample", s);
            emit("tasks", tasks(metrics));
            if (graph.getState().isGloballyTerminalState()) {
                cluster.close();
                System.exit(graph.getState() == JobStatus.FINISHED ? 0 : 1);
            }
        }
    }

    /** Waits until every task runs (sources connected, RocksDB open), so the load meets a running job. */
    private static void awaitRunning(MiniCluster cluster, JobID job) throws Exception {
        while (true) {
            AccessExecutionGraph g = cluster.getExecutionGraph(job).get();
            if (g.getState().isGloballyTerminalState()) {
                return;
            }
            boolean all = g.getState() == JobStatus.RUNNING;
            for (org.apache.flink.runtime.executiongraph.AccessExecutionVertex v : g.getAllExecutionVertices()) {
                all &= v.getExecutionState() == org.apache.flink.runtime.execution.ExecutionState.RUNNING;
            }
            if (all) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private Map<String, String> sample(StatusLine.Snapshot snap, StatusMetrics metrics) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("t", Long.toString(snap.atMillis));
        for (String signal : SIGNALS) {
            s.put("in_" + signal, Long.toString(snap.recordsIn.getOrDefault(signal, 0L)));
        }
        // messages the sources have emitted: the Kafka reader's current offset per partition, + 1
        Map<String, Long> consumed = new LinkedHashMap<>();
        for (StatusMetrics.Entry e : metrics.entries()) {
            String signal = signalOfSource(e.operator);
            if (signal != null && e.name.equals("currentOffset") && !Double.isNaN(e.value())) {
                consumed.merge(signal, Math.max(0, (long) e.value() + 1), Long::sum);
            }
        }
        consumed.forEach((sig, n) -> s.put("consumed_" + sig, Long.toString(n)));
        snap.rowsOut.forEach((p, n) -> s.put("rows_" + p, Long.toString(n)));
        long restarts = 0;
        for (StatusMetrics.Entry e : metrics.entries()) {
            if (e.name.equals("numRestarts") && !Double.isNaN(e.value())) {
                restarts = Math.max(restarts, (long) e.value());
            }
        }
        s.put("restarts", Long.toString(restarts));
        s.put("dead_letters", Long.toString(snap.deadLetters));
        s.put("late", Long.toString(snap.late));
        s.put("heap_after_gc_bytes", Long.toString(heapAfterGc.get()));
        s.put("heap_used_bytes", Long.toString(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()));
        return s;
    }

    /** Every task's busy and back-pressured time ({@link TaskLoad}), keyed by its short name. */
    private static Map<String, String> tasks(StatusMetrics metrics) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("t", Long.toString(System.currentTimeMillis()));
        for (TaskLoad l : TaskLoad.of(metrics.entries())) {
            v.put(l.task(), l.probeValue());
        }
        return v;
    }

    /** Reports the checkpoints completed after {@code after}; returns the newest id reported. */
    private static long emitCheckpoints(AccessExecutionGraph graph, long after) {
        List<AbstractCheckpointStats> done = new ArrayList<>();
        for (AbstractCheckpointStats c : graph.getCheckpointStatsSnapshot().getHistory().getCheckpoints()) {
            if (c.getStatus() == CheckpointStatsStatus.COMPLETED && c.getCheckpointId() > after) {
                done.add(c);
            }
        }
        done.sort((a, b) -> Long.compare(a.getCheckpointId(), b.getCheckpointId()));
        long newest = after;
        for (AbstractCheckpointStats c : done) {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("id", Long.toString(c.getCheckpointId()));
            v.put("duration_ms", Long.toString(c.getEndToEndDuration()));
            v.put("checkpointed_bytes", Long.toString(c.getCheckpointedSize()));
            v.put("state_bytes", Long.toString(c.getStateSize()));
            Map<String, Long> perPipeline = new LinkedHashMap<>();
            List<CheckpointAck.Subtask> acks = new ArrayList<>();
            for (TaskStateStats t : c.getAllTaskStateStats()) {
                AccessExecutionJobVertex vertex = graph.getAllVertices().get(t.getJobVertexId());
                String p = vertex == null ? "other" : pipelineOf(vertex.getName());
                perPipeline.merge(p, t.getStateSize(), Long::sum);
                String task = vertex == null ? "other" : TaskLoad.shortName(vertex.getName());
                for (SubtaskStateStats st : t.getSubtaskStats()) {
                    if (st != null) {
                        acks.add(new CheckpointAck.Subtask(task, st.getEndToEndDuration(c.getTriggerTimestamp()),
                                st.getCheckpointStartDelay(), st.getAlignmentDuration(), st.getSyncCheckpointDuration(),
                                st.getAsyncCheckpointDuration(), st.getPersistedData(), st.getUnalignedCheckpoint()));
                    }
                }
            }
            perPipeline.forEach((p, n) -> v.put("state_" + p, Long.toString(n)));
            CheckpointAck last = CheckpointAck.last(acks);
            if (last != null) {
                v.putAll(last.probeValues());
            }
            emit("checkpoint", v);
            newest = Math.max(newest, c.getCheckpointId());
        }
        return newest;
    }

    /** The signal whose Kafka source {@code operator} is ({@code Source: spans-source} → spans), or null. */
    static String signalOfSource(String operator) {
        for (String s : SIGNALS) {
            if (operator.contains(s + "-source")) {
                return s;
            }
        }
        return null;
    }

    /**
     * The pipeline a task (a chain of operators, {@code "a -> b -> c"}) belongs to: that of its
     * first operator named after one; sources, dead-letter splits and clocks alone are
     * {@code ingest}.
     */
    static String pipelineOf(String vertexName) {
        for (String op : vertexName.split(" -> ")) {
            String n = op.trim().toLowerCase(Locale.ROOT);
            if (n.startsWith("source: ")) {
                continue;
            }
            if (n.startsWith("red")) {
                return "red";
            }
            if (n.startsWith("edge") || n.startsWith("service-call") || n.startsWith("topo") || n.startsWith("live")) {
                return "edges";
            }
            if (n.startsWith("log")) {
                return "logs";
            }
            if (n.startsWith("metric") || n.startsWith("use")) {
                return "metrics";
            }
            if (n.startsWith("incident") || n.startsWith("event-envelope") || n.startsWith("evidence")) {
                return "incidents";
            }
        }
        return "ingest";
    }

    /** Keeps the heap in use right after the latest garbage collection (all heap pools together). */
    private void watchGarbageCollections() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter)) {
                continue;
            }
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                heapAfterGc.set(used);
            }, null, null);
        }
    }

    private static synchronized void emit(String kind, Map<String, String> values) {
        System.out.println(new ProbeLine(kind, values).format());
        System.out.flush();
    }
}
