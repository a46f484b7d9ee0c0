package org.otlpanalytics.operators.common.time;

import java.io.Serializable;

/**
 * Tumbling event-time windows aligned to the epoch (1 min, 5 min...) with an allowed lateness:
 * the arithmetic every windowed operator shares. A window {@code [start, start + size)} fires
 * when the watermark passes {@link #maxTimestamp}, accepts late records until the watermark
 * passes {@link #purgeTime}, and is purged then; a record whose window is purged is late.
 */
public final class EpochWindows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long sizeMillis;
    private final long allowedLatenessMillis;

    public EpochWindows(long sizeMillis, long allowedLatenessMillis) {
        if (sizeMillis <= 0) {
            throw new IllegalArgumentException("window size must be > 0 ms, got " + sizeMillis);
        }
        if (allowedLatenessMillis < 0) {
            throw new IllegalArgumentException("allowed lateness must be >= 0 ms, got " + allowedLatenessMillis);
        }
        this.sizeMillis = sizeMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    public long sizeMillis() {
        return sizeMillis;
    }

    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    /** Start of the window holding {@code timestampMillis}. */
    public long start(long timestampMillis) {
        return Math.floorDiv(timestampMillis, sizeMillis) * sizeMillis;
    }

    /** Last millisecond of the window starting at {@code start}: its fire time. */
    public long maxTimestamp(long start) {
        return start + sizeMillis - 1;
    }

    /** When the window starting at {@code start} is purged: its fire time plus the allowed lateness. */
    public long purgeTime(long start) {
        return maxTimestamp(start) + allowedLatenessMillis;
    }

    /** True when the window of {@code timestampMillis} has been purged once the watermark reached {@code horizon}. */
    public boolean isLate(long timestampMillis, long horizon) {
        return purgeTime(start(timestampMillis)) <= horizon;
    }

    /** The window a timer at {@code timerMillis} fires (a window start, not necessarily one that exists). */
    public long firedAt(long timerMillis) {
        return timerMillis + 1 - sizeMillis;
    }

    /** The window a timer at {@code timerMillis} purges (a window start, not necessarily one that exists). */
    public long purgedAt(long timerMillis) {
        return timerMillis - allowedLatenessMillis + 1 - sizeMillis;
    }
}
