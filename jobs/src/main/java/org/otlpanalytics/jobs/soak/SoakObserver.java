package org.otlpanalytics.jobs.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the soak has seen of its TaskManager: every sample turned into lag per signal (messages
 * and seconds, through the generator's {@link LagClock}s), the worst lag of each sample for the
 * {@link SustainedRule}, checkpoint durations, the heap after GC and the state per pipeline of
 * the newest checkpoint. Fed by the command's thread only.
 */
final class SoakObserver {
    private final SoakLoad load;
    private final List<SustainedRule.LagSample> lags = new ArrayList<>();
    private final List<Long> checkpointMillis = new ArrayList<>();
    private final Map<String, Long> state = new LinkedHashMap<>();
    private final Map<String, Long> pendingMessages = new LinkedHashMap<>();
    private final Map<String, Double> lagSeconds = new LinkedHashMap<>();
    private final java.util.Set<String> lagReported = new java.util.HashSet<>();
    private final List<Long> taskSampleTimes = new ArrayList<>();
    private final List<List<TaskLoad>> taskSamples = new ArrayList<>();
    private ProbeLine first;
    private ProbeLine last;
    private long heapAfterGcMax;
    private long lastCheckpointId;
    private long lastCheckpointMillis;
    private long lastCheckpointBytes;
    private long lastCheckpointFullBytes;
    private CheckpointAck lastCheckpointAck;
    private CheckpointAck slowestCheckpointAck;
    private boolean failed;
    private String failure = "";

    SoakObserver(SoakLoad load) {
        this.load = load;
    }

    void accept(ProbeLine p) {
        switch (p.kind()) {
            case "sample":
                sample(p);
                break;
            case "checkpoint":
                lastCheckpointId = p.getLong("id");
                lastCheckpointMillis = p.getLong("duration_ms");
                lastCheckpointBytes = p.getLong("checkpointed_bytes");
                lastCheckpointFullBytes = p.getLong("state_bytes");
                checkpointMillis.add(lastCheckpointMillis);
                lastCheckpointAck = CheckpointAck.parse(p);
                if (lastCheckpointAck != null && (slowestCheckpointAck == null || lastCheckpointAck.endToEndMs() > slowestCheckpointAck.endToEndMs())) {
                    slowestCheckpointAck = lastCheckpointAck;
                }
                state.clear();
                p.values().forEach((k, v) -> {
                    if (k.startsWith("state_") && !k.equals("state_bytes")) {
                        state.put(k.substring("state_".length()), Long.parseLong(v));
                    }
                });
                break;
            case "tasks":
                List<TaskLoad> loads = new ArrayList<>();
                p.values().forEach((k, v) -> {
                    if (!k.equals("t")) {
                        loads.add(TaskLoad.parse(k, v));
                    }
                });
                taskSampleTimes.add(p.getLong("t"));
                taskSamples.add(loads);
                break;
            default:
                break;
        }
    }

    /** The tasks' load at the last sample, busiest first (empty before one). */
    List<TaskLoad> lastTasks() {
        return taskSamples.isEmpty() ? List.of() : taskSamples.get(taskSamples.size() - 1);
    }

    /** Each task's mean load over the samples taken at or after {@code fromMillis}, busiest first. */
    List<TaskLoad> meanTasks(long fromMillis) {
        List<List<TaskLoad>> since = new ArrayList<>();
        for (int i = 0; i < taskSamples.size(); i++) {
            if (taskSampleTimes.get(i) >= fromMillis) {
                since.add(taskSamples.get(i));
            }
        }
        return since.isEmpty() ? List.of() : TaskLoad.mean(since);
    }

    private void sample(ProbeLine p) {
        long t = p.getLong("t");
        double worst = 0;
        for (String s : SoakLoad.SIGNALS) {
            // pending = produced by the sample's time - emitted by the source (its Kafka reader's offsets)
            long pending = p.values().containsKey("consumed_" + s)
                    ? Math.max(0, load.clock(s).producedBy(t) - p.getLong("consumed_" + s)) : -1;
            pendingMessages.put(s, pending); // -1: the source has not reported its lag yet
            if (pending >= 0) {
                lagReported.add(s);
            }
            double lag = pending < 0 ? 0 : load.clock(s).lagMillis(pending, t) / 1000.0;
            lagSeconds.put(s, lag);
            worst = Math.max(worst, lag);
        }
        lags.add(new SustainedRule.LagSample(t, worst));
        heapAfterGcMax = Math.max(heapAfterGcMax, p.getLong("heap_after_gc_bytes"));
        if (p.getLong("restarts") > 0 && !failed) {
            failed = true;
            failure = "the job restarted (" + p.getLong("restarts") + " restarts; see the TaskManager log)";
        }
        String job = p.values().getOrDefault("job", "RUNNING");
        if (!job.equals("RUNNING") && !job.equals("CREATED") && !job.equals("INITIALIZING") && !failed) {
            failed = true;
            failure = "the job is " + job;
        }
        if (first == null) {
            first = p;
        }
        last = p;
    }

    void taskManagerExited(int code) {
        if (!failed) {
            failed = true;
            failure = "the TaskManager process exited (code " + code + "; see its log)";
        }
    }

    List<SustainedRule.LagSample> lags() {
        return lags;
    }

    List<Long> checkpointMillis() {
        return checkpointMillis;
    }

    Map<String, Long> state() {
        return state;
    }

    /** Messages not yet consumed at the last sample; -1 while unknown. */
    long pendingMessages(String signal) {
        return pendingMessages.getOrDefault(signal, -1L);
    }

    /** Whether the source of {@code signal} ever reported its lag (a lag never measured sustains nothing). */
    boolean lagReported(String signal) {
        return lagReported.contains(signal);
    }

    double lagSeconds(String signal) {
        return lagSeconds.getOrDefault(signal, 0.0);
    }

    ProbeLine first() {
        return first;
    }

    ProbeLine last() {
        return last;
    }

    long heapAfterGcMax() {
        return heapAfterGcMax;
    }

    long lastCheckpointId() {
        return lastCheckpointId;
    }

    long lastCheckpointMillis() {
        return lastCheckpointMillis;
    }

    long lastCheckpointBytes() {
        return lastCheckpointBytes;
    }

    long lastCheckpointFullBytes() {
        return lastCheckpointFullBytes;
    }

    /** The last acknowledgement of the newest checkpoint, or null. */
    CheckpointAck lastCheckpointAck() {
        return lastCheckpointAck;
    }

    /** The last acknowledgement of the slowest checkpoint so far, or null. */
    CheckpointAck slowestCheckpointAck() {
        return slowestCheckpointAck;
    }

    boolean failed() {
        return failed;
    }

    String failure() {
        return failure;
    }
}
