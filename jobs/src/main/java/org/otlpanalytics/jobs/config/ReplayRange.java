package org.otlpanalytics.jobs.config;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The replay range of {@code --from}/{@code --to}, parsed once: which windows a replay rewrites
 * (only those wholly inside [from, to)) and how far around it the sources read (the margin lets
 * the windows at the edges of the range see their out-of-order and late records). An unset end is
 * open; {@link #NONE} is a normal, unbounded run. A backfill by offsets is a {@link #touching}
 * range instead: it rewrites every window that overlaps [from, to).
 *
 * <pre>{@code
 * ReplayRange r = ReplayRange.of(Instant.parse("2026-03-01T10:00:00Z"), null, Duration.ofMinutes(3));
 * rows.filter(row -> r.containsWindow(row.bucketStartMillis, 60_000));
 * }</pre>
 */
public final class ReplayRange implements Serializable {
    private static final long serialVersionUID = 1L;
    /** No replay: every window is written, sources start where the options say. */
    public static final ReplayRange NONE = new ReplayRange(null, null, Duration.ZERO, false);
    /** The widest window of any pipeline (5-minute service calls and log patterns). */
    public static final Duration WIDEST_WINDOW = Duration.ofMillis(Math.max(
            Math.max(org.otlpanalytics.operators.red.RedOptions.WINDOW_MILLIS,
                    org.otlpanalytics.operators.metrics.MetricOptions.WINDOW_MILLIS),
            Math.max(org.otlpanalytics.operators.edges.ServiceCallOptions.WINDOW_MILLIS,
                    org.otlpanalytics.operators.logs.LogPatternOptions.WINDOW_MILLIS)));

    private final Instant from;
    private final Instant to;
    private final long readMarginMillis;
    private final boolean touching;

    private ReplayRange(Instant from, Instant to, Duration readMargin, boolean touching) {
        this.from = from;
        this.to = to;
        this.readMarginMillis = readMargin.toMillis();
        this.touching = touching;
    }

    /**
     * A range from {@code from} (inclusive) to {@code to} (exclusive); either may be null (open);
     * {@code readMargin} is read from Kafka before {@code from} and after {@code to}.
     */
    public static ReplayRange of(Instant from, Instant to, Duration readMargin) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("--" + JobOptions.FROM + " (" + from + ") must be before --" + JobOptions.TO
                    + " (" + to + ")");
        }
        if (readMargin.isNegative()) {
            throw new IllegalArgumentException("replay read margin must not be negative, got " + readMargin);
        }
        return from == null && to == null ? NONE : new ReplayRange(from, to, readMargin, false);
    }

    /**
     * The range of a backfill by offsets: [from, to) spans the event times of the records named,
     * and every window that overlaps it is rewritten ({@link #containsWindow}); {@code readMargin}
     * must cover the widest window besides the usual margin, since such a window may start that
     * long before {@code from}.
     */
    public static ReplayRange touching(Instant from, Instant to, Duration readMargin) {
        if (from == null || to == null) {
            throw new IllegalArgumentException("a backfill by offsets spans a closed range, got " + from + " .. " + to);
        }
        of(from, to, readMargin);
        return new ReplayRange(from, to, readMargin, true);
    }

    /** True for a replay (either end set). */
    public boolean isSet() {
        return from != null || to != null;
    }

    public Optional<Instant> from() {
        return Optional.ofNullable(from);
    }

    public Optional<Instant> to() {
        return Optional.ofNullable(to);
    }

    /** Start of the range in epoch ms, {@link Long#MIN_VALUE} when open. */
    public long fromMillis() {
        return from == null ? Long.MIN_VALUE : from.toEpochMilli();
    }

    /** End of the range in epoch ms, {@link Long#MAX_VALUE} when open. */
    public long toMillis() {
        return to == null ? Long.MAX_VALUE : to.toEpochMilli();
    }

    /** Where the sources start reading: {@code from} minus the margin ({@link Long#MIN_VALUE} when open). */
    public long readFromMillis() {
        return from == null ? Long.MIN_VALUE : from.toEpochMilli() - readMarginMillis;
    }

    /** Where bounded sources stop reading: {@code to} plus the margin ({@link Long#MAX_VALUE} when open). */
    public long readToMillis() {
        return to == null ? Long.MAX_VALUE : to.toEpochMilli() + readMarginMillis;
    }

    /**
     * Whether a replay rewrites the window [start, start + width): when it lies wholly inside the
     * range (always, when no replay), or for a {@link #touching} range, when it overlaps it.
     */
    public boolean containsWindow(long startMillis, long widthMillis) {
        if (touching) {
            return startMillis < to.toEpochMilli() && startMillis + widthMillis > from.toEpochMilli();
        }
        return startMillis >= fromMillis() && (to == null || startMillis + widthMillis <= to.toEpochMilli());
    }

    /** True for the range of a backfill by offsets (see {@link #touching}). */
    public boolean isTouching() {
        return touching;
    }

    @Override
    public String toString() {
        return isSet() ? (touching ? "windows touching " : "") + (from == null ? "start" : from.toString()) + " .. "
                + (to == null ? "end" : to.toString()) : "none";
    }
}
