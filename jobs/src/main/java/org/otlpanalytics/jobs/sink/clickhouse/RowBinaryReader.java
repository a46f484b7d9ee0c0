package org.otlpanalytics.jobs.sink.clickhouse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back rows this sink encoded, as Java values in column order: what a dead letter shows of a
 * row the server refused (the values exactly as they were sent), and what the tests compare.
 * Strings come back as {@code String}, bytes as {@code byte[]}, times as epoch milliseconds
 * ({@code DATETIME}, {@code TIME_MILLIS}) or nanoseconds ({@code TIME_NANOS}), maps as
 * {@code Map<String, String>}, arrays as lists.
 */
final class RowBinaryReader {
    private final byte[] b;
    private int p;

    RowBinaryReader(byte[] bytes, int offset) {
        this.b = bytes;
        this.p = offset;
    }

    int position() {
        return p;
    }

    /** The values of one row at the current position. */
    Object[] row(TableLayout.Column[] columns) {
        Object[] out = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            out[i] = value(columns[i]);
        }
        return out;
    }

    private Object value(TableLayout.Column c) {
        switch (c.column.kind()) {
            case STRING:
                return string();
            case NULLABLE_STRING:
                return u8() == 1 ? null : string();
            case BYTES:
                return bytes();
            case NULLABLE_BYTES:
                return u8() == 1 ? null : bytes();
            case UINT8:
                return u8();
            case UINT16:
                return u8() | (u8() << 8);
            case UINT32:
                return (long) i32() & 0xFFFFFFFFL;
            case INT32:
                return i32();
            case INT64:
            case UINT64:
            case VERSION:
                return i64();
            case NULLABLE_INT64:
                return u8() == 1 ? null : i64();
            case FLOAT64:
                return Double.longBitsToDouble(i64());
            case NULLABLE_FLOAT64:
                return u8() == 1 ? null : Double.longBitsToDouble(i64());
            case DATETIME:
            case TIME_MILLIS:
            case TIME_NANOS:
                return time(c);
            case NULLABLE_TIME_MILLIS:
                return u8() == 1 ? null : time(c);
            case STRING_MAP:
                return map(c.nested);
            case ARRAY_STRING: {
                int n = (int) varint();
                List<String> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(string());
                }
                return l;
            }
            case ARRAY_INT32:
            case ARRAY_UINT32: {
                int n = (int) varint();
                List<Long> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int v = i32();
                    l.add(c.column.kind() == ChColumn.Kind.ARRAY_UINT32 ? (long) v & 0xFFFFFFFFL : (long) v);
                }
                return l;
            }
            case ARRAY_INT64:
            case ARRAY_UINT64: {
                int n = (int) varint();
                List<Long> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(i64());
                }
                return l;
            }
            case ARRAY_FLOAT64: {
                int n = (int) varint();
                List<Double> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(Double.longBitsToDouble(i64()));
                }
                return l;
            }
            default:
                throw new IllegalStateException("unknown column kind " + c.column.kind());
        }
    }

    private long time(TableLayout.Column c) {
        long nanosPerTick = 1_000_000_000L / c.ticksPerSecond;
        long nanos = c.ticksPerSecond == 1 ? ((long) i32() & 0xFFFFFFFFL) * 1_000_000_000L : i64() * nanosPerTick;
        return c.column.kind() == ChColumn.Kind.TIME_NANOS ? nanos : Math.floorDiv(nanos, 1_000_000L);
    }

    private Map<String, String> map(boolean nested) {
        int n = (int) varint();
        Map<String, String> m = new LinkedHashMap<>();
        if (nested) {
            List<String> keys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                keys.add(string());
            }
            int nv = (int) varint();
            for (int i = 0; i < nv; i++) {
                m.put(i < keys.size() ? keys.get(i) : "", string());
            }
        } else {
            for (int i = 0; i < n; i++) {
                m.put(string(), string());
            }
        }
        return m;
    }

    private int u8() {
        return b[p++] & 0xFF;
    }

    private int i32() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (b[p++] & 0xFF) << (8 * i);
        }
        return v;
    }

    private long i64() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (b[p++] & 0xFF) << (8 * i);
        }
        return v;
    }

    private long varint() {
        long v = 0;
        int shift = 0;
        while (true) {
            int x = u8();
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }

    private byte[] bytes() {
        int n = (int) varint();
        byte[] out = java.util.Arrays.copyOfRange(b, p, p + n);
        p += n;
        return out;
    }

    private String string() {
        int n = (int) varint();
        String s = new String(b, p, n, StandardCharsets.UTF_8);
        p += n;
        return s;
    }
}
