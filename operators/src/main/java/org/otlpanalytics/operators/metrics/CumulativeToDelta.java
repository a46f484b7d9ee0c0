package org.otlpanalytics.operators.metrics;

import java.time.Duration;
import java.util.Arrays;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.schemas.metrics.Temporality;

/**
 * Turns cumulative points into deltas, one series at a time: monotonic sums, histograms,
 * exponential histograms and summaries (count and sum; quantiles pass as sent). Plain Java; the
 * Flink operator keeps one {@link SeriesState} per series key and counts each {@link Outcome}.
 *
 * <p>Rules, in the order they are checked:
 * <ol>
 *   <li><b>Not cumulative</b> (gauges, delta points, non-monotonic cumulative sums, which are
 *       levels such as {@code system.memory.usage}): {@link Outcome#PASSED_THROUGH}, unchanged,
 *       no state.
 *   <li><b>Duplicate</b>: same time as the last recorded point: ignored
 *       ({@link Outcome#DUPLICATE}). <b>Out of order</b>: older: dropped
 *       ({@link Outcome#OUT_OF_ORDER}). Neither touches the state, so no delta is ever
 *       negative because of ordering.
 *   <li><b>First point</b> of a series: recorded. It is also emitted, as the delta since its
 *       start ({@link Outcome#FIRST_EMITTED}), when its start time is set, earlier than its time,
 *       and at most {@code firstPointMaxInterval} before it: a process that just started has
 *       counted only this interval, and dropping it would lose every short-lived process' first
 *       minute. An unknown start (0), a start equal to the time, or an older start (a long-running
 *       counter first seen after a restart of this job or the start of a replay) gives
 *       {@link Outcome#FIRST}: nothing emitted, since attributing days of counts to one minute
 *       would be a spike.
 *   <li><b>Reset</b>: the start time moved past the previous point's time, or the value fell
 *       (sum value; histogram count or any bucket; summary count). The point's whole value is the
 *       delta ({@link Outcome#RESET}), over the interval from max(new start, previous time) to its
 *       time, so a bogus start just before the time cannot inflate the rate. A start that changed
 *       but stays at or before the previous time without a fall is sender jitter, not a restart:
 *       a normal delta.
 *   <li><b>Changed layout</b> without a reset (other explicit bounds, another point type):
 *       recorded, nothing emitted ({@link Outcome#LAYOUT_CHANGED}); the two points cannot be
 *       subtracted. Exponential scale changes are not layout changes: both are brought to the
 *       lower scale.
 *   <li>Otherwise {@link Outcome#DELTA}: the difference, over (previous time, time].
 * </ol>
 * Delta min/max: a cumulative min/max says nothing about one interval unless it moved, so the
 * delta keeps the new max only if it grew (the new min only if it fell), else NaN. A first or
 * reset point keeps both, since its whole history is the interval.
 */
public final class CumulativeToDelta implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final Duration DEFAULT_FIRST_POINT_MAX_INTERVAL = Duration.ofMinutes(5);

    /** What happened to one point. */
    public enum Outcome {
        PASSED_THROUGH(true),
        FIRST(false),
        FIRST_EMITTED(true),
        DELTA(true),
        RESET(true),
        LAYOUT_CHANGED(false),
        DUPLICATE(false),
        OUT_OF_ORDER(false);

        private final boolean emits;

        Outcome(boolean emits) {
            this.emits = emits;
        }

        public boolean emits() {
            return emits;
        }

        /** True when the series state was updated and must be written back. */
        public boolean updatesState() {
            return this == FIRST || this == FIRST_EMITTED || this == DELTA || this == RESET || this == LAYOUT_CHANGED;
        }
    }

    /** The outcome and, when it {@linkplain Outcome#emits() emits}, the point to pass on. */
    public static final class Result {
        public final Outcome outcome;
        /** The delta point (or the input itself for PASSED_THROUGH); null when nothing is emitted. */
        public final MetricPoint point;

        Result(Outcome outcome, MetricPoint point) {
            this.outcome = outcome;
            this.point = point;
        }
    }

    /** Returned by {@link #difference} when the value fell; {@link #convert} adds the point. */
    private static final Result RESET_SIGNAL = new Result(Outcome.RESET, null);
    private static final Result LAYOUT_SIGNAL = new Result(Outcome.LAYOUT_CHANGED, null);

    private final long firstPointMaxIntervalNanos;

    public CumulativeToDelta() {
        this(DEFAULT_FIRST_POINT_MAX_INTERVAL);
    }

    /** @param firstPointMaxInterval longest start-to-time span of a first point that is emitted; 0 never emits one */
    public CumulativeToDelta(Duration firstPointMaxInterval) {
        if (firstPointMaxInterval.isNegative()) {
            throw new IllegalArgumentException("first point max interval must not be negative");
        }
        this.firstPointMaxIntervalNanos = firstPointMaxInterval.toNanos();
    }

    /** True for the points this class converts (and keeps state for). */
    public static boolean needsState(MetricPoint p) {
        if (p.temporality != Temporality.CUMULATIVE) {
            return false;
        }
        return p.type != MetricType.SUM || p.monotonic;
    }

    /**
     * Converts one point of the series whose state is {@code state}; updates {@code state}
     * when {@link Outcome#updatesState()}. The input point is never modified.
     */
    public Result convert(SeriesState state, MetricPoint p) {
        if (!needsState(p)) {
            return new Result(Outcome.PASSED_THROUGH, p);
        }
        if (state.isEmpty()) {
            state.record(p);
            boolean fresh = p.startTimeNanos > 0 && p.startTimeNanos < p.timeNanos
                    && p.timeNanos - p.startTimeNanos <= firstPointMaxIntervalNanos;
            return fresh ? new Result(Outcome.FIRST_EMITTED, whole(p, p.startTimeNanos))
                    : new Result(Outcome.FIRST, null);
        }
        if (p.timeNanos == state.lastTimeNanos) {
            return new Result(Outcome.DUPLICATE, null);
        }
        if (p.timeNanos < state.lastTimeNanos) {
            return new Result(Outcome.OUT_OF_ORDER, null);
        }
        boolean restarted = p.startTimeNanos != state.startTimeNanos && p.startTimeNanos > state.lastTimeNanos;
        Result r;
        if (restarted) {
            r = RESET_SIGNAL;
        } else if (p.type != state.type) {
            r = LAYOUT_SIGNAL;
        } else {
            r = difference(state, p);
        }
        if (r.outcome == Outcome.RESET) {
            r = new Result(Outcome.RESET, whole(p, Math.max(p.startTimeNanos, state.lastTimeNanos)));
        }
        state.record(p);
        return r;
    }

    private static MetricPoint whole(MetricPoint p, long intervalStart) {
        MetricPoint d = p.copy();
        d.temporality = Temporality.DELTA;
        d.startTimeNanos = intervalStart;
        return d;
    }

    /** p - state as a DELTA result; RESET when a value fell; LAYOUT_CHANGED when they cannot be subtracted. */
    private static Result difference(SeriesState s, MetricPoint p) {
        MetricPoint d = p.copy();
        d.temporality = Temporality.DELTA;
        d.startTimeNanos = s.lastTimeNanos;
        switch (p.type) {
            case SUM:
                if (p.valueIsInt && s.valueIsInt) {
                    if (p.longValue < s.longValue) {
                        return RESET_SIGNAL;
                    }
                    d.longValue = p.longValue - s.longValue;
                    d.value = d.longValue;
                } else {
                    double prev = s.valueIsInt ? s.longValue : s.value;
                    if (p.value < prev) {
                        return RESET_SIGNAL;
                    }
                    d.valueIsInt = false;
                    d.value = p.value - prev;
                }
                return new Result(Outcome.DELTA, d);
            case HISTOGRAM:
                if (p.count < s.count) {
                    return RESET_SIGNAL;
                }
                if (!Arrays.equals(p.explicitBounds, s.bounds) || p.bucketCounts.length != s.buckets.length) {
                    return LAYOUT_SIGNAL;
                }
                for (int i = 0; i < p.bucketCounts.length; i++) {
                    d.bucketCounts[i] = p.bucketCounts[i] - s.buckets[i];
                    if (d.bucketCounts[i] < 0) {
                        return RESET_SIGNAL;
                    }
                }
                countSumMinMax(s, p, d);
                return new Result(Outcome.DELTA, d);
            case EXPONENTIAL_HISTOGRAM: {
                if (p.count < s.count) {
                    return RESET_SIGNAL;
                }
                ExponentialBuckets b = ExponentialBuckets.of(p).minus(s.exp);
                if (b == null) {
                    return RESET_SIGNAL;
                }
                b.writeTo(d);
                countSumMinMax(s, p, d);
                return new Result(Outcome.DELTA, d);
            }
            case SUMMARY:
                if (p.count < s.count) {
                    return RESET_SIGNAL;
                }
                countSumMinMax(s, p, d);
                return new Result(Outcome.DELTA, d);
            default:
                return LAYOUT_SIGNAL;
        }
    }

    private static void countSumMinMax(SeriesState s, MetricPoint p, MetricPoint d) {
        d.count = p.count - s.count;
        d.sum = p.sum - s.sum; // NaN when either is unknown
        d.min = p.min < s.min ? p.min : Double.NaN;
        d.max = p.max > s.max ? p.max : Double.NaN;
    }
}
