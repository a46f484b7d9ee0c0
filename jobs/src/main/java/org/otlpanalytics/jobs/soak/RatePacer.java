package org.otlpanalytics.jobs.soak;

/**
 * What a generator owes at a fixed offered rate: {@code floor(rate × elapsed)} records are due
 * since the start, minus those already sent. Sending by what is owed (not by a fixed batch per
 * tick) keeps the offered rate exact whatever the batch sizes turn out to be, and shows a
 * generator that cannot keep up: its debt grows instead of the rate silently dropping.
 */
final class RatePacer {
    private final double perSecond;
    private long sent;
    private long skipped;

    RatePacer(double perSecond) {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("offered rate must be a number >= 0, got " + perSecond);
        }
        this.perSecond = perSecond;
    }

    double perSecond() {
        return perSecond;
    }

    /** Records due {@code elapsedNanos} after the start. */
    long due(long elapsedNanos) {
        // exact for whole rates: nanos × rate stays below 2^63 for rates under 9e6/s over 1000 s,
        // beyond that the double is within a record
        return (long) Math.floor(perSecond * (double) elapsedNanos / 1e9);
    }

    /** Records due and not yet sent (0 when ahead). */
    long owed(long elapsedNanos) {
        return Math.max(0, due(elapsedNanos) - sent);
    }

    /**
     * Gives up all but {@code maxOwed} of the debt (counted in {@link #skipped}): a generator that
     * fell behind offers less instead of catching up in one burst it may not be able to build.
     */
    void forgiveBeyond(long elapsedNanos, long maxOwed) {
        long over = owed(elapsedNanos) - maxOwed;
        if (over > 0) {
            skipped += over;
            sent += over;
        }
    }

    /** Records given up by {@link #forgiveBeyond} (due, never offered). */
    long skipped() {
        return skipped;
    }

    void sent(long records) {
        sent += records;
    }

    /** Records sent, and given up. */
    long sent() {
        return sent;
    }

    /** Nanoseconds from {@code elapsedNanos} until one more record is due (0 if one is owed already). */
    long nanosUntilNext(long elapsedNanos) {
        if (perSecond == 0) {
            return Long.MAX_VALUE;
        }
        long at = (long) Math.ceil((sent + 1) * 1e9 / perSecond);
        return Math.max(0, at - elapsedNanos);
    }
}
