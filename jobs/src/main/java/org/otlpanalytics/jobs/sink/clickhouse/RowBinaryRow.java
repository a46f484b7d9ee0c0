package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.Map;

/**
 * What a {@link ClickHouseRowMapper} writes one row with: one call per column, in the mapper's column
 * order, each encoded as the server column's type asks ({@link TableLayout}). A call that does not
 * fit the next column (a mapper bug) throws at once.
 */
public final class RowBinaryRow {

    private final RowBinaryBuffer buf;
    private final TableLayout.Column[] columns;
    private int next;
    private long version;

    RowBinaryRow(RowBinaryBuffer buf, TableLayout layout) {
        this.buf = buf;
        this.columns = layout.columns;
    }

    /** Starts a row; {@code version} is what {@link #version()} writes. */
    RowBinaryRow start(long version) {
        this.next = 0;
        this.version = version;
        return this;
    }

    /** Throws unless every column was written. */
    void finish() {
        if (next != columns.length) {
            throw new IllegalStateException("row of " + columns.length + " columns ended after " + next);
        }
    }

    private TableLayout.Column expect(ChColumn.Kind kind) {
        if (next >= columns.length) {
            throw new IllegalStateException("more values than the " + columns.length + " columns of the row");
        }
        TableLayout.Column c = columns[next++];
        if (c.column.kind() != kind) {
            throw new IllegalStateException("column " + c.column.name() + " takes " + c.column.kind() + ", not " + kind);
        }
        return c;
    }

    public RowBinaryRow string(String s) {
        expect(ChColumn.Kind.STRING);
        buf.string(s == null ? "" : s);
        return this;
    }

    public RowBinaryRow nullableString(String s) {
        expect(ChColumn.Kind.NULLABLE_STRING);
        if (s == null) {
            buf.u8(1);
        } else {
            buf.u8(0);
            buf.string(s);
        }
        return this;
    }

    public RowBinaryRow bytes(byte[] b) {
        expect(ChColumn.Kind.BYTES);
        buf.bytes(b == null ? new byte[0] : b);
        return this;
    }

    public RowBinaryRow nullableBytes(byte[] b) {
        expect(ChColumn.Kind.NULLABLE_BYTES);
        if (b == null) {
            buf.u8(1);
        } else {
            buf.u8(0);
            buf.bytes(b);
        }
        return this;
    }

    /** Booleans and small counts; values outside 0..255 are clamped. */
    public RowBinaryRow uint8(int v) {
        expect(ChColumn.Kind.UINT8);
        buf.u8(Math.max(0, Math.min(255, v)));
        return this;
    }

    public RowBinaryRow uint16(int v) {
        expect(ChColumn.Kind.UINT16);
        buf.u16(Math.max(0, Math.min(65535, v)));
        return this;
    }

    public RowBinaryRow uint32(long v) {
        expect(ChColumn.Kind.UINT32);
        buf.i32((int) Math.max(0, Math.min(0xFFFFFFFFL, v)));
        return this;
    }

    public RowBinaryRow int32(int v) {
        expect(ChColumn.Kind.INT32);
        buf.i32(v);
        return this;
    }

    public RowBinaryRow int64(long v) {
        expect(ChColumn.Kind.INT64);
        buf.i64(v);
        return this;
    }

    public RowBinaryRow nullableInt64(Long v) {
        expect(ChColumn.Kind.NULLABLE_INT64);
        if (v == null) {
            buf.u8(1);
        } else {
            buf.u8(0);
            buf.i64(v);
        }
        return this;
    }

    /** Unsigned 64-bit; negative values (never meaningful for counts) are written as 0. */
    public RowBinaryRow uint64(long v) {
        expect(ChColumn.Kind.UINT64);
        buf.i64(Math.max(0, v));
        return this;
    }

    public RowBinaryRow float64(double v) {
        expect(ChColumn.Kind.FLOAT64);
        buf.f64(v);
        return this;
    }

    /** Null and NaN are written as NULL. */
    public RowBinaryRow nullableFloat64(Double v) {
        expect(ChColumn.Kind.NULLABLE_FLOAT64);
        if (v == null || v.isNaN()) {
            buf.u8(1);
        } else {
            buf.u8(0);
            buf.f64(v);
        }
        return this;
    }

    /** Milliseconds since the epoch, to whole seconds. */
    public RowBinaryRow dateTime(long millis) {
        TableLayout.Column c = expect(ChColumn.Kind.DATETIME);
        writeTime(c, Math.floorDiv(millis, 1000L), Math.floorMod(millis, 1000L) * 1_000_000L);
        return this;
    }

    /** Milliseconds since the epoch. */
    public RowBinaryRow timeMillis(long millis) {
        TableLayout.Column c = expect(ChColumn.Kind.TIME_MILLIS);
        writeTime(c, Math.floorDiv(millis, 1000L), Math.floorMod(millis, 1000L) * 1_000_000L);
        return this;
    }

    /** Milliseconds since the epoch, or NULL. */
    public RowBinaryRow nullableTimeMillis(Long millis) {
        TableLayout.Column c = expect(ChColumn.Kind.NULLABLE_TIME_MILLIS);
        if (millis == null) {
            buf.u8(1);
        } else {
            buf.u8(0);
            writeTime(c, Math.floorDiv(millis, 1000L), Math.floorMod(millis, 1000L) * 1_000_000L);
        }
        return this;
    }

    /** Nanoseconds since the epoch. */
    public RowBinaryRow timeNanos(long nanos) {
        TableLayout.Column c = expect(ChColumn.Kind.TIME_NANOS);
        writeTime(c, Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        return this;
    }

    /**
     * DateTime: whole seconds, clamped to its range (1970 to 2106); DateTime64(p): seconds and the
     * nanoseconds cut to p digits.
     */
    private void writeTime(TableLayout.Column c, long seconds, long nanos) {
        if (c.ticksPerSecond == 1) {
            buf.i32((int) Math.max(0, Math.min(0xFFFFFFFFL, seconds)));
        } else {
            long ticks;
            try {
                ticks = Math.addExact(Math.multiplyExact(seconds, c.ticksPerSecond), nanos / (1_000_000_000L / c.ticksPerSecond));
            } catch (ArithmeticException e) {
                ticks = seconds < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            buf.i64(ticks);
        }
    }

    /** Written in the map's iteration order; null is an empty map. */
    public RowBinaryRow stringMap(Map<String, String> m) {
        TableLayout.Column c = expect(ChColumn.Kind.STRING_MAP);
        int n = m == null ? 0 : m.size();
        buf.varint(n);
        if (n == 0) {
            if (c.nested) {
                buf.varint(0);
            }
            return this;
        }
        if (c.nested) {
            for (String k : m.keySet()) {
                buf.string(k);
            }
            buf.varint(n);
            for (String v : m.values()) {
                buf.string(v == null ? "" : v);
            }
        } else {
            for (Map.Entry<String, String> e : m.entrySet()) {
                buf.string(e.getKey());
                buf.string(e.getValue() == null ? "" : e.getValue());
            }
        }
        return this;
    }

    public RowBinaryRow stringArray(String[] a) {
        expect(ChColumn.Kind.ARRAY_STRING);
        int n = a == null ? 0 : a.length;
        buf.varint(n);
        for (int i = 0; i < n; i++) {
            buf.string(a[i] == null ? "" : a[i]);
        }
        return this;
    }

    public RowBinaryRow int32Array(int[] a) {
        expect(ChColumn.Kind.ARRAY_INT32);
        ints(a);
        return this;
    }

    /** {@code Array(UInt32)} from ints taken as unsigned (non-negative in practice: packed HLL registers). */
    public RowBinaryRow uint32Array(int[] a) {
        expect(ChColumn.Kind.ARRAY_UINT32);
        ints(a);
        return this;
    }

    private void ints(int[] a) {
        int n = a == null ? 0 : a.length;
        buf.varint(n);
        for (int i = 0; i < n; i++) {
            buf.i32(a[i]);
        }
    }

    public RowBinaryRow int64Array(long[] a) {
        expect(ChColumn.Kind.ARRAY_INT64);
        longs(a);
        return this;
    }

    public RowBinaryRow uint64Array(long[] a) {
        expect(ChColumn.Kind.ARRAY_UINT64);
        longs(a);
        return this;
    }

    private void longs(long[] a) {
        int n = a == null ? 0 : a.length;
        buf.varint(n);
        for (int i = 0; i < n; i++) {
            buf.i64(a[i]);
        }
    }

    public RowBinaryRow float64Array(double[] a) {
        expect(ChColumn.Kind.ARRAY_FLOAT64);
        int n = a == null ? 0 : a.length;
        buf.varint(n);
        for (int i = 0; i < n; i++) {
            buf.f64(a[i]);
        }
        return this;
    }

    /** The writer's version of this row. */
    public RowBinaryRow version() {
        return version(version);
    }

    /**
     * A version the row carries itself, instead of the writer's: for a table whose rows know which
     * of them is newer (a snapshot time), when they may reach the writers in another order.
     */
    public RowBinaryRow version(long explicit) {
        expect(ChColumn.Kind.VERSION);
        buf.i64(explicit);
        return this;
    }
}
