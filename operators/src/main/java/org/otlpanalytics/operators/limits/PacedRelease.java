package org.otlpanalytics.operators.limits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.ForwardingOutput;
import org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator;

/**
 * An operator's output that releases a burst in steps: a step (one input record, one watermark, one
 * drain step) passes records on and runs releases ({@link #release}) until it has passed
 * {@code minRecordsPerStep} records and spent {@code stepNanos}; what comes after waits in a queue, in
 * order, for the next steps, and every record and watermark behind it waits too, so the order
 * downstream is the order given. A queued release is a {@link Deferred}: what it takes from state is
 * taken only when the drain reaches it, and what it collects past the step's budget goes to the queue's
 * head for the next steps, so the heap holds one release's records at a time (one part of it, for a
 * release taken in parts), not a whole minute's, and a
 * large release does not stop the input for longer than a step either. The operator runs a step of the queue ({@link #drainStep}) after a pause in which its input
 * is read again: a limiter releasing a minute of held records no longer stops reading its input for as
 * long as the operators chained behind it take to process them (the source behind it stays unblocked
 * and its barriers pass), and the watermark goes on when the minute's last record has.
 *
 * <p><b>Watermark steps</b> (when {@code watermarkStepMillis} is above 0): a watermark that would
 * move time on by more than a step goes on in steps of event time ({@link #nextWatermarkStep}), one
 * step per drain step (more while they take less than {@code stepNanos}), each after a pause in which the
 * input is read. An operator chained behind that does its work when the watermark passes (the log
 * fingerprinter mines each second of a minute then) does a step's share of it at a time, so a
 * checkpoint barrier waits for one step, not for the whole minute's work. A record passed while
 * steps wait goes on at once, before them (a watermark only promises no earlier record follows).
 *
 * <p>The queue is state: the operator snapshots {@link #queued()} (records and its own
 * {@link Deferred}s) and gives it back with {@link #restore}; a watermark held or stepping is not
 * (the input's watermarks bring it again after a restore, then on at once). Not thread-safe (the task's thread only).
 *
 * @param <T> the records
 */
final class PacedRelease<T> extends ForwardingOutput<T> {
    /**
     * A release run when the drain reaches it; the records it collects pass in its turn (within the
     * step's budget, the rest first in the next steps). A release that returns false has more to give:
     * it runs again after the records it collected (a large release taken in parts, so the heap holds
     * one part at a time).
     */
    interface Deferred {
        /** Collects (a part of) the release's records; returns whether it is done. */
        boolean run() throws Exception;
    }

    /**
     * A held watermark goes on in at most this many steps (ten minutes of one-second steps, a pause each):
     * a larger gap (idle input) goes at once up to its last steps. A minute raised while the last one
     * still steps (a busy pipeline) steps on, second by second.
     */
    static final int MAX_WATERMARK_STEPS = 600;

    private final int minRecordsPerStep;
    private final long stepNanos;
    /** 0: a held watermark goes on at once. */
    private final long watermarkStepMillis;
    private final LongSupplier nanoClock;
    /** The last watermark passed on, or {@code Long.MIN_VALUE}. */
    private long emittedWatermark = Long.MIN_VALUE;
    /** {@link StreamRecord}s and {@link Deferred}s, in order. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** A release is running: what it collects is the queue's head; what it collects past the budget, in order, or null. */
    private ArrayList<StreamRecord<T>> pastBudget;
    /** The latest watermark given while records were queued or watermark steps waited, or null. */
    private Watermark heldWatermark;
    private int passedInStep;
    /** When the step passed its first record (read then, not per input record: most input records are only held). */
    private long stepStart;
    private long queuedTotal;

    PacedRelease(Output<StreamRecord<T>> out, int minRecordsPerStep, long stepNanos, LongSupplier nanoClock) {
        this(out, minRecordsPerStep, stepNanos, 0, nanoClock);
    }

    PacedRelease(Output<StreamRecord<T>> out, int minRecordsPerStep, long stepNanos, long watermarkStepMillis, LongSupplier nanoClock) {
        super(out);
        if (minRecordsPerStep < 1 || stepNanos < 0 || watermarkStepMillis < 0) {
            throw new IllegalArgumentException("a step passes >= 1 record in >= 0 ns and moves the watermark >= 0 ms, got "
                    + minRecordsPerStep + ", " + stepNanos + " and " + watermarkStepMillis);
        }
        this.minRecordsPerStep = minRecordsPerStep;
        this.stepNanos = stepNanos;
        this.watermarkStepMillis = watermarkStepMillis;
        this.nanoClock = nanoClock;
    }

    /** Starts a step: its budget is whole again (its time counts from the first record it passes). */
    void beginStep() {
        passedInStep = 0;
    }

    /** Whether records, releases or watermark steps wait for a later step (the operator schedules one). */
    boolean hasQueued() {
        return !queue.isEmpty() || heldWatermark != null;
    }

    /** Whether records or releases wait (not only watermark steps). */
    boolean hasQueuedRecords() {
        return !queue.isEmpty();
    }

    /** Records and releases that ever waited (a counter: how often a release was paced). */
    long queuedTotal() {
        return queuedTotal;
    }

    /** Runs {@code release} now when nothing waits and the step's budget lasts, else queues it behind what waits. */
    void release(Deferred release) throws Exception {
        if (pastBudget != null || (queue.isEmpty() && !spent())) {
            run(release);
            return;
        }
        queue.add(release);
        queuedTotal++;
    }

    /**
     * Passes queued records on and runs queued releases until the step's budget is spent; the held
     * watermark follows the last, in steps (one at least, more while they take less than the step's
     * time). Returns whether some still wait.
     */
    boolean drainStep() throws Exception {
        beginStep();
        while (!queue.isEmpty() && !spent()) {
            passHead();
        }
        if (queue.isEmpty() && heldWatermark != null) {
            long start = nanoClock.getAsLong();
            do {
                stepHeldWatermark();
            } while (heldWatermark != null && nanoClock.getAsLong() - start < stepNanos);
        }
        return hasQueued();
    }

    /** Passes everything queued and the held watermark on, at once (at the end of input). */
    void drainAll() throws Exception {
        while (!queue.isEmpty()) {
            passHead();
        }
        if (heldWatermark != null) {
            emit(heldWatermark);
        }
    }

    /** The records ({@link StreamRecord}) and releases ({@link Deferred}) waiting, in order (for a snapshot). */
    List<Object> queued() {
        return new ArrayList<>(queue);
    }

    /** Puts a snapshot's waiting records and releases back in front, in order. */
    void restore(List<?> waiting) {
        for (int i = waiting.size() - 1; i >= 0; i--) {
            Object o = waiting.get(i);
            if (!(o instanceof StreamRecord) && !(o instanceof Deferred)) {
                throw new IllegalArgumentException("neither a record nor a release: " + o);
            }
            queue.addFirst(o);
        }
        queuedTotal += waiting.size();
    }

    @SuppressWarnings("unchecked")
    private void passHead() throws Exception {
        Object head = queue.poll();
        if (head instanceof Deferred) {
            run((Deferred) head);
        } else {
            pass((StreamRecord<T>) head);
        }
    }

    /**
     * Runs a release at the queue's head: what it collects passes while the step's budget lasts, and the
     * rest goes to the queue's head, in order, for the next steps (the heap holds one release's records);
     * a release not done goes behind them, to give its next part in its turn.
     */
    private void run(Deferred release) throws Exception {
        if (pastBudget != null) {
            while (!release.run()) {
                // within a running release: its records, every part, take the same way
            }
            return;
        }
        pastBudget = new ArrayList<>();
        boolean done = true;
        try {
            done = release.run();
            while (!done && pastBudget.isEmpty() && !spent()) {
                done = release.run(); // its next part within the same budget
            }
        } finally {
            ArrayList<StreamRecord<T>> rest = pastBudget;
            pastBudget = null;
            if (!done) {
                queue.addFirst(release); // its next part, after the records of this one
                queuedTotal++;
            }
            for (int i = rest.size() - 1; i >= 0; i--) {
                queue.addFirst(rest.get(i));
            }
            queuedTotal += rest.size();
        }
    }

    /** Passes the held watermark's next step on, the held watermark itself when it is the last. */
    private void stepHeldWatermark() {
        long next = nextWatermarkStep(emittedWatermark, heldWatermark.getTimestamp(), watermarkStepMillis);
        if (next == heldWatermark.getTimestamp()) {
            emit(heldWatermark);
        } else {
            emittedWatermark = next;
            out.emitWatermark(new Watermark(next));
        }
    }

    private void emit(Watermark w) {
        heldWatermark = null;
        emittedWatermark = w.getTimestamp();
        out.emitWatermark(w);
    }

    /**
     * The watermark to pass on next on the way from {@code emitted} to {@code target}: the end of the
     * next {@code stepMillis} step of event time (a millisecond before a multiple of it), at most
     * {@link #MAX_WATERMARK_STEPS} steps before the target (a larger gap is idle input, passed at once
     * up to there); the target itself when it is that close, or at the first watermark, the end of
     * input, or with steps off.
     */
    static long nextWatermarkStep(long emitted, long target, long stepMillis) {
        if (stepMillis == 0 || emitted == Long.MIN_VALUE || target == Long.MAX_VALUE || target - emitted <= stepMillis) {
            return target;
        }
        long from = Math.max(emitted, target - MAX_WATERMARK_STEPS * stepMillis);
        return Math.min(SlotWatermarkKeyedProcessOperator.slotAligned(from, stepMillis) + stepMillis, target);
    }

    private void pass(StreamRecord<T> record) {
        if (passedInStep++ == 0) {
            stepStart = nanoClock.getAsLong();
        }
        out.collect(record);
    }

    private boolean spent() {
        return passedInStep >= minRecordsPerStep && nanoClock.getAsLong() - stepStart >= stepNanos;
    }

    @Override
    public void collect(StreamRecord<T> record) {
        if (pastBudget != null) {
            if (pastBudget.isEmpty() && !spent()) {
                pass(record);
            } else {
                pastBudget.add(record.copy(record.getValue()));
            }
            return;
        }
        if (queue.isEmpty() && !spent()) {
            pass(record);
            return;
        }
        // a copy: the caller may reuse its StreamRecord
        queue.add(record.copy(record.getValue()));
        queuedTotal++;
    }

    @Override
    public void emitWatermark(Watermark mark) {
        // one held already waits behind queued records or is being stepped: a later one only raises it
        boolean alreadyHeld = heldWatermark != null;
        if (!alreadyHeld || mark.getTimestamp() > heldWatermark.getTimestamp()) {
            heldWatermark = mark;
        }
        if (queue.isEmpty() && !alreadyHeld) {
            stepHeldWatermark(); // the first step now, the rest in drain steps
        }
    }
}
