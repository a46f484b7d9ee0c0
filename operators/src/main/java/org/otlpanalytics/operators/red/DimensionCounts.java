package org.otlpanalytics.operators.red;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.sketch.CanonicalHll;

/**
 * Counts of the values of one span dimension, bounded and independent of arrival order: at most
 * {@code maxValues} values are counted exactly, those with the smallest stable hash (bottom-k, as
 * RED's operation cap), and the occurrences of the others are summed in {@link #folded()}. The
 * kept set is the bottom-k of every value seen, whatever the order and however partials were
 * merged, and a kept value was never evicted before, so its count is exact. Distinct values are
 * counted by a {@link CanonicalHll} of the value hashes (all values, kept or not).
 */
public final class DimensionCounts {
    private static final Comparator<Map.Entry<String, Long>> BY_HASH =
            Comparator.comparingLong((Map.Entry<String, Long> e) -> StableHash.of(e.getKey()))
                    .thenComparing(Map.Entry::getKey);

    private long spans;
    private long folded;
    private final Map<String, Long> counts;
    private final CanonicalHll distinct;

    DimensionCounts(int hllLgK) {
        this(0, 0, new HashMap<>(), new CanonicalHll(hllLgK));
    }

    private DimensionCounts(long spans, long folded, Map<String, Long> counts, CanonicalHll distinct) {
        this.spans = spans;
        this.folded = folded;
        this.counts = counts;
        this.distinct = distinct;
    }

    void add(String value, int maxValues) {
        spans++;
        distinct.update(StableHash.of(value));
        count(value, 1, maxValues);
    }

    void merge(DimensionCounts o, int maxValues) {
        spans += o.spans;
        folded += o.folded;
        distinct.merge(o.distinct);
        // in a fixed order, though the result does not depend on it
        List<Map.Entry<String, Long>> entries = new ArrayList<>(o.counts.entrySet());
        entries.sort(BY_HASH);
        for (Map.Entry<String, Long> e : entries) {
            count(e.getKey(), e.getValue(), maxValues);
        }
    }

    private void count(String value, long n, int maxValues) {
        Long c = counts.get(value);
        if (c != null) {
            counts.put(value, c + n);
            return;
        }
        if (counts.size() < maxValues) {
            counts.put(value, n);
            return;
        }
        // full: the value joins only if its hash is below the largest kept one, which then folds
        Map.Entry<String, Long> largest = null;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (largest == null || BY_HASH.compare(e, largest) > 0) {
                largest = e;
            }
        }
        if (BY_HASH.compare(Map.entry(value, n), largest) < 0) {
            counts.remove(largest.getKey());
            folded += largest.getValue();
            counts.put(value, n);
        } else {
            folded += n;
        }
    }

    /** Spans that had a value. */
    public long spans() {
        return spans;
    }

    /** Occurrences of values past the cap (not counted by value). */
    public long folded() {
        return folded;
    }

    /** The kept values and their exact counts. */
    public Map<String, Long> counts() {
        return counts;
    }

    public CanonicalHll distinct() {
        return distinct;
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(spans);
        out.writeLong(folded);
        out.writeInt(counts.size());
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(BY_HASH);
        for (Map.Entry<String, Long> e : entries) {
            writeString(out, e.getKey());
            out.writeLong(e.getValue());
        }
        distinct.write(out);
    }

    static DimensionCounts read(DataInput in) throws IOException {
        long spans = in.readLong();
        long folded = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("corrupt DimensionCounts: " + n + " values");
        }
        Map<String, Long> counts = new HashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            counts.put(readString(in), in.readLong());
        }
        return new DimensionCounts(spans, folded, counts, CanonicalHll.read(in));
    }

    /** Strings as length-prefixed UTF-8 (values are at most 256 characters, but not bound by writeUTF's limit). */
    private static void writeString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 20) {
            throw new IOException("corrupt DimensionCounts value of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
