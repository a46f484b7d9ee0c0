package org.otlpanalytics.operators.common.time;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The life of one key's windows, shared by every windowed aggregator (RED, service calls, log
 * pattern counts, metric minutes): which window a record belongs to or whether it is late,
 * the fire and purge timers, and whether a window has fired. Lateness is judged against the
 * operator's {@link WatermarkHorizon}, so it survives restores and rescaling.
 *
 * <p>Per key and window it keeps one value {@code W} in a {@link MapState} keyed by the window
 * start: either the whole window (small windows) or only what is needed per window (the fired
 * flag and labels), with the per-series contents in the operator's own state, so that a record
 * on RocksDB reads and writes only what it changes.
 *
 * <pre>{@code
 * long start = windows.assign(ts, ctx.timerService());
 * if (start == KeyedWindows.LATE) { ctx.output(LATE, record); return; }
 * W w = windows.get(start);
 * if (w == null) { w = new W(...); windows.create(start, w, ctx.timerService()); }
 * ...
 * // in onTimer:
 * windows.onTimer(timestamp, (start, w) -> emit(...), (start, w) -> clearContents(start));
 * }</pre>
 */
public final class KeyedWindows<W extends KeyedWindows.Window> {
    /** What {@link #assign} returns for a record whose window has been purged. */
    public static final long LATE = Long.MIN_VALUE;

    private final EpochWindows spec;
    private final MapState<Long, W> windows;
    private final WatermarkHorizon horizon;

    public KeyedWindows(EpochWindows spec, MapState<Long, W> windows, WatermarkHorizon horizon) {
        if (horizon == null) {
            throw new IllegalStateException("no watermark horizon: run the function in a HorizonKeyedProcessOperator");
        }
        this.spec = spec;
        this.windows = windows;
        this.horizon = horizon;
    }

    public EpochWindows spec() {
        return spec;
    }

    /** The start of the window of {@code timestampMillis}, or {@link #LATE} when it has been purged. */
    public long assign(long timestampMillis, TimerService timers) {
        return spec.isLate(timestampMillis, horizon.effective(timers.currentWatermark())) ? LATE : spec.start(timestampMillis);
    }

    public W get(long start) throws Exception {
        return windows.get(start);
    }

    /** Stores a new window and registers its fire and purge timers. */
    public void create(long start, W window, TimerService timers) throws Exception {
        windows.put(start, window);
        timers.registerEventTimeTimer(spec.maxTimestamp(start));
        timers.registerEventTimeTimer(spec.purgeTime(start));
    }

    /** Stores a changed window value. */
    public void update(long start, W window) throws Exception {
        windows.put(start, window);
    }

    /**
     * Handles an event-time timer: fires the window whose end it marks (if it exists and has not
     * fired), then purges the window whose lateness it ends (if it exists).
     */
    public void onTimer(long timerMillis, Action<W> fire, Action<W> purge) throws Exception {
        long f = spec.firedAt(timerMillis);
        W w = windows.get(f);
        if (w != null && !w.fired()) {
            fire.apply(f, w);
            w.markFired();
            windows.put(f, w);
        }
        long p = spec.purgedAt(timerMillis);
        W old = windows.get(p);
        if (old != null) {
            if (purge != null) {
                purge.apply(p, old);
            }
            // no isEmpty()/clear() after it: the heap's map state drops a map its remove() empties,
            // RocksDB keeps nothing, and there isEmpty() is an iterator seek over deleted entries
            windows.remove(p);
        }
    }

    /** A window's state: at least whether it has fired (then later records re-emit its rows). */
    public interface Window {
        boolean fired();

        void markFired();
    }

    /** What to do with a window at a timer. */
    @FunctionalInterface
    public interface Action<W> {
        void apply(long start, W window) throws Exception;
    }
}
