package org.otlpanalytics.operators.metrics;

/**
 * The key of one series' accumulator within its resource's keyed state: the minute and the
 * series' stable hash ({@link MetricMinuteAggregator#seriesHash}). Fixed-size, so a lookup
 * serializes 16 bytes on RocksDB; two series with the same 64-bit hash are told apart by the
 * identity in the accumulator (the second is refused and counted).
 */
public final class SeriesSlot {
    final long minuteStartMillis;
    final long seriesHash;

    SeriesSlot(long minuteStartMillis, long seriesHash) {
        this.minuteStartMillis = minuteStartMillis;
        this.seriesHash = seriesHash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesSlot && ((SeriesSlot) o).minuteStartMillis == minuteStartMillis
                && ((SeriesSlot) o).seriesHash == seriesHash;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(minuteStartMillis) * 31 + Long.hashCode(seriesHash);
    }

    @Override
    public String toString() {
        return minuteStartMillis + "/" + Long.toHexString(seriesHash);
    }
}
