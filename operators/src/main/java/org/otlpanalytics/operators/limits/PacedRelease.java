package org.otlpanalytics.operators.limits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * An operator's output that releases a burst in steps: a step (one input record, one watermark, one
 * drain step) passes records on until it has passed {@code minRecordsPerStep} and spent
 * {@code stepNanos}; what comes after waits in a queue, in order, for the next steps, and every
 * record and watermark behind it waits too, so the order downstream is the order given. The
 * operator runs a step of the queue ({@link #drainStep}) after a pause in which its input is read
 * again: a limiter releasing a minute of held records no longer stops reading its input for as long
 * as the operators chained behind it take to process them (the source behind it stays unblocked and
 * its barriers pass), and the watermark goes on when the minute's last record has.
 *
 * <p>The queue is state: the operator snapshots {@link #queued()} and gives it back with
 * {@link #restore}. Not thread-safe (the task's thread only).
 *
 * @param <T> the records
 */
final class PacedRelease<T> implements Output<StreamRecord<T>> {
    private final Output<StreamRecord<T>> out;
    private final int minRecordsPerStep;
    private final long stepNanos;
    private final LongSupplier nanoClock;
    private final ArrayDeque<StreamRecord<T>> queue = new ArrayDeque<>();
    /** The latest watermark given while records were queued, or null. */
    private Watermark heldWatermark;
    private int passedInStep;
    private long stepStart;
    private long queuedTotal;

    PacedRelease(Output<StreamRecord<T>> out, int minRecordsPerStep, long stepNanos, LongSupplier nanoClock) {
        if (minRecordsPerStep < 1 || stepNanos < 0) {
            throw new IllegalArgumentException("a step passes >= 1 record in >= 0 ns, got " + minRecordsPerStep + " and " + stepNanos);
        }
        this.out = out;
        this.minRecordsPerStep = minRecordsPerStep;
        this.stepNanos = stepNanos;
        this.nanoClock = nanoClock;
    }

    /** Starts a step: its budget is whole again. */
    void beginStep() {
        passedInStep = 0;
        stepStart = nanoClock.getAsLong();
    }

    /** Whether records wait for a later step (the operator schedules one). */
    boolean hasQueued() {
        return !queue.isEmpty();
    }

    /** Records that ever waited (a counter: how often a release was paced). */
    long queuedTotal() {
        return queuedTotal;
    }

    /** Passes queued records on until the step's budget is spent; the held watermark follows the last. Returns whether some still wait. */
    boolean drainStep() {
        beginStep();
        while (!queue.isEmpty() && !spent()) {
            out.collect(queue.poll());
            passedInStep++;
        }
        if (queue.isEmpty() && heldWatermark != null) {
            Watermark w = heldWatermark;
            heldWatermark = null;
            out.emitWatermark(w);
        }
        return !queue.isEmpty();
    }

    /** Passes every queued record and the held watermark on (at the end of input). */
    void drainAll() {
        while (!queue.isEmpty()) {
            out.collect(queue.poll());
        }
        if (heldWatermark != null) {
            Watermark w = heldWatermark;
            heldWatermark = null;
            out.emitWatermark(w);
        }
    }

    /** The records waiting, in order (for a snapshot). */
    List<StreamRecord<T>> queued() {
        return new ArrayList<>(queue);
    }

    /** Puts a snapshot's waiting records back in front, in order. */
    void restore(List<StreamRecord<T>> records) {
        for (int i = records.size() - 1; i >= 0; i--) {
            queue.addFirst(records.get(i));
        }
        queuedTotal += records.size();
    }

    private boolean spent() {
        return passedInStep >= minRecordsPerStep && nanoClock.getAsLong() - stepStart >= stepNanos;
    }

    @Override
    public void collect(StreamRecord<T> record) {
        if (queue.isEmpty() && !spent()) {
            out.collect(record);
            passedInStep++;
            return;
        }
        // a copy: the caller may reuse its StreamRecord
        queue.add(record.copy(record.getValue()));
        queuedTotal++;
    }

    @Override
    public void emitWatermark(Watermark mark) {
        if (queue.isEmpty()) {
            out.emitWatermark(mark);
        } else if (heldWatermark == null || mark.getTimestamp() > heldWatermark.getTimestamp()) {
            heldWatermark = mark;
        }
    }

    @Override
    public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {
        out.collect(tag, record);
    }

    @Override
    public void emitWatermarkStatus(WatermarkStatus status) {
        out.emitWatermarkStatus(status);
    }

    @Override
    public void emitLatencyMarker(LatencyMarker marker) {
        out.emitLatencyMarker(marker);
    }

    @Override
    public void emitRecordAttributes(RecordAttributes attributes) {
        out.emitRecordAttributes(attributes);
    }

    @Override
    public void emitWatermark(WatermarkEvent event) {
        out.emitWatermark(event);
    }

    @Override
    public void close() {
        out.close();
    }
}
