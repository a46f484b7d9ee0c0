package org.otlpanalytics.jobs.soak;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.otlpanalytics.jobs.run.HumanUnits;

/**
 * Where a checkpoint's time went: the subtask that acknowledged it last (its acknowledgement ends
 * the checkpoint, so its time is the checkpoint's duration) split as Flink's checkpoint statistics
 * split it. The start delay is the time from the trigger until the first barrier reached the
 * subtask (its inputs' queued buffers, or a long-running action of the task such as a timer that
 * releases a minute of records: a barrier waits behind both); alignment the time from the first
 * barrier until the last of its inputs; sync and async the snapshot itself. What is left is the
 * time the barrier waited in the task's mailbox. {@code persistedBytes} is the in-flight data every
 * subtask wrote into the checkpoint (non-zero only for unaligned checkpoints).
 *
 * <p>The last acknowledgement names where a checkpoint ended, not always why: a task fed by every
 * pipeline (the incident detector) acknowledges last after a long alignment when one of its inputs'
 * barriers was late. So the subtask whose first barrier came latest ({@code latestStartTask}, its
 * {@code latestStartDelayMs}) is kept too: a late barrier is held at or before it.
 */
record CheckpointAck(String task, long endToEndMs, long startDelayMs, long alignmentMs, long syncMs, long asyncMs,
        long persistedBytes, boolean unaligned, String latestStartTask, long latestStartDelayMs) {
    static final String PREFIX = "last_ack_";

    /** One subtask's acknowledgement, as {@code SubtaskStateStats} reports it; {@code task} as {@link TaskLoad#shortName} gives it. */
    record Subtask(String task, long endToEndMs, long startDelayMs, long alignmentMs, long syncMs, long asyncMs,
            long persistedBytes, boolean unaligned) {}

    /** The acknowledgement that came last of {@code acks} (the first of equals), with every subtask's persisted bytes; null when none. */
    static CheckpointAck last(List<Subtask> acks) {
        Subtask last = null;
        Subtask latestStart = null;
        long persisted = 0;
        boolean unaligned = false;
        for (Subtask s : acks) {
            persisted += Math.max(0, s.persistedBytes);
            unaligned |= s.unaligned;
            if (last == null || s.endToEndMs > last.endToEndMs) {
                last = s;
            }
            if (latestStart == null || s.startDelayMs > latestStart.startDelayMs) {
                latestStart = s;
            }
        }
        return last == null ? null : new CheckpointAck(last.task, last.endToEndMs, last.startDelayMs, last.alignmentMs,
                last.syncMs, last.asyncMs, persisted, unaligned, latestStart.task, latestStart.startDelayMs);
    }

    /** The time the barrier waited at the last subtask beyond its start delay, alignment and snapshot (never negative). */
    long otherMs() {
        return Math.max(0, endToEndMs - startDelayMs - alignmentMs - syncMs - asyncMs);
    }

    /**
     * The probe's fields: the last acknowledgement's, each name prefixed {@value #PREFIX} (the task's
     * name without spaces), then {@code persisted_inflight_bytes}, {@code unaligned},
     * {@code latest_start_task} and {@code latest_start_delay_ms}, which are the checkpoint's, not that subtask's.
     */
    Map<String, String> probeValues() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(PREFIX + "task", task);
        v.put(PREFIX + "ms", Long.toString(endToEndMs));
        v.put(PREFIX + "start_delay_ms", Long.toString(startDelayMs));
        v.put(PREFIX + "alignment_ms", Long.toString(alignmentMs));
        v.put(PREFIX + "sync_ms", Long.toString(syncMs));
        v.put(PREFIX + "async_ms", Long.toString(asyncMs));
        v.put("persisted_inflight_bytes", Long.toString(persistedBytes));
        v.put("unaligned", Boolean.toString(unaligned));
        v.put("latest_start_task", latestStartTask);
        v.put("latest_start_delay_ms", Long.toString(latestStartDelayMs));
        return v;
    }

    /** The acknowledgement a probe line's {@link #probeValues} describe, or null when it has none. */
    static CheckpointAck parse(ProbeLine p) {
        String task = p.values().get(PREFIX + "task");
        if (task == null) {
            return null;
        }
        return new CheckpointAck(task, p.getLong(PREFIX + "ms"), p.getLong(PREFIX + "start_delay_ms"),
                p.getLong(PREFIX + "alignment_ms"), p.getLong(PREFIX + "sync_ms"), p.getLong(PREFIX + "async_ms"),
                p.getLong("persisted_inflight_bytes"), Boolean.parseBoolean(p.values().get("unaligned")),
                p.values().getOrDefault("latest_start_task", task), p.getLong("latest_start_delay_ms"));
    }

    /** {@code task: start delay X ms, alignment, sync, async, other} (and the latest first barrier, when elsewhere) for the report. */
    String describe() {
        return String.format(Locale.ROOT, "%s acknowledged last at %d ms: start delay %d, alignment %d, sync %d, async %d, other %d ms%s%s",
                task, endToEndMs, startDelayMs, alignmentMs, syncMs, asyncMs, otherMs(),
                latestStartTask.equals(task) ? "" : String.format(Locale.ROOT, "; latest first barrier %d ms at %s", latestStartDelayMs, latestStartTask),
                unaligned ? String.format(Locale.ROOT, "; unaligned, %s in flight persisted", HumanUnits.bytes(persistedBytes)) : "");
    }
}
