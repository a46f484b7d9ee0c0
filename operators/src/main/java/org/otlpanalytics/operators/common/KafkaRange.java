package org.otlpanalytics.operators.common;

import java.util.Arrays;

/**
 * The Kafka offsets (per partition) and event-time range behind one aggregate: the way back
 * from a row to the raw records. Offsets only grow monotonically within a partition, so the
 * min/max kept here are the same however records of different partitions interleave.
 */
public class KafkaRange {
    /** from[p] = smallest offset seen in partition p, or -1. */
    public long[] from = new long[0];
    /** to[p] = largest offset seen in partition p, or -1. */
    public long[] to = new long[0];
    public long timeFromMillis = Long.MAX_VALUE;
    public long timeToMillis = Long.MIN_VALUE;

    public KafkaRange() {}

    public void add(int partition, long offset, long timeMillis) {
        if (partition < 0) {
            return;
        }
        if (partition >= from.length) {
            grow(partition + 1);
        }
        if (from[partition] < 0 || offset < from[partition]) {
            from[partition] = offset;
        }
        if (offset > to[partition]) {
            to[partition] = offset;
        }
        if (timeMillis < timeFromMillis) {
            timeFromMillis = timeMillis;
        }
        if (timeMillis > timeToMillis) {
            timeToMillis = timeMillis;
        }
    }

    public void merge(KafkaRange o) {
        for (int p = 0; p < o.from.length; p++) {
            if (o.from[p] >= 0) {
                add(p, o.from[p], o.timeFromMillis);
                add(p, o.to[p], o.timeToMillis);
            }
        }
    }

    private void grow(int n) {
        int old = from.length;
        from = Arrays.copyOf(from, n);
        to = Arrays.copyOf(to, n);
        for (int i = old; i < n; i++) {
            from[i] = -1;
            to[i] = -1;
        }
    }

    public boolean isEmpty() {
        for (long f : from) {
            if (f >= 0) {
                return false;
            }
        }
        return true;
    }

    public KafkaRange copy() {
        KafkaRange c = new KafkaRange();
        c.from = from.clone();
        c.to = to.clone();
        c.timeFromMillis = timeFromMillis;
        c.timeToMillis = timeToMillis;
        return c;
    }

    public void write(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(from.length);
        for (int i = 0; i < from.length; i++) {
            out.writeLong(from[i]);
            out.writeLong(to[i]);
        }
        out.writeLong(timeFromMillis);
        out.writeLong(timeToMillis);
    }

    public static KafkaRange read(java.io.DataInput in) throws java.io.IOException {
        KafkaRange r = new KafkaRange();
        int n = in.readInt();
        r.from = new long[n];
        r.to = new long[n];
        for (int i = 0; i < n; i++) {
            r.from[i] = in.readLong();
            r.to[i] = in.readLong();
        }
        r.timeFromMillis = in.readLong();
        r.timeToMillis = in.readLong();
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KafkaRange)) {
            return false;
        }
        KafkaRange k = (KafkaRange) o;
        return Arrays.equals(from, k.from) && Arrays.equals(to, k.to) && timeFromMillis == k.timeFromMillis
                && timeToMillis == k.timeToMillis;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(from) * 31 + Arrays.hashCode(to);
    }
}
