package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;

/**
 * The rows waiting to be sent, already in RowBinary, with where each starts. A row with the key of
 * an earlier one supersedes it (only the later is sent), so a minute rewritten several times between
 * two checkpoints costs one row. Rows can be taken out in any sub-range, for isolating the row a
 * server refuses.
 */
final class ClickHouseBatch {
    private final RowBinaryBuffer buf;
    private int[] starts = new int[1024];
    private KafkaOrigin[] origins;
    private int rows;
    private int superseded;
    private final BitSet dead = new BitSet();
    private final Map<Object, Integer> byKey = new HashMap<>();
    private int rowStart;

    /** A batch sent at about {@code maxBytes} (the sink's {@code batch-max-bytes}), its buffer bounded by it. */
    ClickHouseBatch(long maxBytes) {
        buf = new RowBinaryBuffer(1 << 16, maxBytes);
    }

    RowBinaryBuffer buffer() {
        return buf;
    }

    /** Begins a row at the buffer's end. */
    void begin() {
        rowStart = buf.length();
    }

    /** Drops an unfinished row (the mapper threw). */
    void abort() {
        buf.truncate(rowStart);
    }

    /** Ends the row begun last; {@code key} null never supersedes. */
    void end(Object key, KafkaOrigin origin) {
        if (rows == starts.length) {
            starts = Arrays.copyOf(starts, rows * 2);
        }
        starts[rows] = rowStart;
        if (origin != null) {
            if (origins == null) {
                origins = new KafkaOrigin[starts.length];
            } else if (origins.length < starts.length) {
                origins = Arrays.copyOf(origins, starts.length);
            }
            origins[rows] = origin;
        }
        if (key != null) {
            Integer before = byKey.put(key, rows);
            if (before != null) {
                dead.set(before);
                superseded++;
            }
        }
        rows++;
    }

    /** Rows that will be sent. */
    int liveRows() {
        return rows - superseded;
    }

    int bytes() {
        return buf.length();
    }

    /** Indexes of the rows that will be sent, in order. */
    int[] live() {
        int[] out = new int[liveRows()];
        int j = 0;
        for (int i = 0; i < rows; i++) {
            if (!dead.get(i)) {
                out[j++] = i;
            }
        }
        return out;
    }

    /** True when every row is live: the buffer is the whole payload as it is. */
    boolean contiguous() {
        return superseded == 0;
    }

    int start(int row) {
        return starts[row];
    }

    int end(int row) {
        return row + 1 < rows ? starts[row + 1] : buf.length();
    }

    KafkaOrigin origin(int row) {
        return origins == null || row >= origins.length ? null : origins[row];
    }

    /** The RowBinary of rows {@code idx[from..to)} copied into {@code out} (cleared first). */
    void copy(int[] idx, int from, int to, RowBinaryBuffer out) {
        out.clear();
        byte[] a = buf.array();
        int i = from;
        while (i < to) {
            // copy runs of adjacent rows at once
            int first = idx[i];
            int last = first;
            while (i + 1 < to && idx[i + 1] == last + 1) {
                last = idx[++i];
            }
            out.append(a, start(first), end(last) - start(first));
            i++;
        }
    }

    void clear() {
        buf.clear();
        if (origins != null) {
            Arrays.fill(origins, 0, Math.min(rows, origins.length), null);
        }
        rows = 0;
        superseded = 0;
        dead.clear();
        byKey.clear();
    }
}
