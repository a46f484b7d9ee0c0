package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.Arrays;

/**
 * A growable little-endian byte buffer in ClickHouse's RowBinary encoding: fixed-width integers and
 * floats, LEB128 lengths, strings as their UTF-8 bytes (an unpaired surrogate becomes U+FFFD, as a
 * string decoder would make it).
 */
final class RowBinaryBuffer {
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 16;
    /** The largest capacity doubling reaches; past it the buffer grows to exactly what it needs. */
    private final int limit;
    private byte[] buf;
    private int len;

    /** A buffer that doubles without a bound (below 2 GiB). */
    RowBinaryBuffer(int capacity) {
        this(capacity, MAX_CAPACITY);
    }

    /**
     * A buffer filled up to about {@code cap} bytes and then sent (a batch's {@code batch-max-bytes}):
     * it doubles up to the cap plus a sixteenth, room for the row that crosses the cap, instead of
     * doubling past the cap (a 16 MiB batch kept a 32 MiB array); a larger row grows it to exactly what
     * it needs, and {@link #clear()} gives such an array up.
     */
    RowBinaryBuffer(int capacity, long cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("a RowBinary buffer's cap must be >= 1, got " + cap);
        }
        this.limit = (int) Math.min(cap + cap / 16, MAX_CAPACITY);
        buf = new byte[Math.min(Math.max(64, capacity), Math.max(64, limit))];
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    void clear() {
        len = 0;
        if (buf.length > limit) {
            buf = new byte[limit]; // a row larger than the headroom grew it: not kept for the next batch
        }
    }

    /** The array's size (for tests). */
    int capacity() {
        return buf.length;
    }

    /** Drops everything after {@code length} (an unfinished row). */
    void truncate(int length) {
        len = length;
    }

    void ensure(int extra) {
        if (len + extra > buf.length) {
            long need = (long) len + extra;
            if (need > MAX_CAPACITY) {
                throw new IllegalStateException("RowBinary buffer over 2 GiB");
            }
            long want = Math.min(Math.max((long) buf.length * 2, need), Math.max(limit, need));
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    void append(byte[] src, int off, int n) {
        ensure(n);
        System.arraycopy(src, off, buf, len, n);
        len += n;
    }

    void u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    void u16(int v) {
        ensure(2);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
    }

    void i32(int v) {
        ensure(4);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 24);
    }

    void i64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
    }

    void f64(double v) {
        i64(Double.doubleToRawLongBits(v));
    }

    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    void bytes(byte[] b) {
        varint(b.length);
        append(b, 0, b.length);
    }

    void string(String s) {
        if (s == null) {
            u8(0);
            return;
        }
        int n = s.length();
        int utf8 = utf8Length(s);
        varint(utf8);
        ensure(utf8);
        byte[] b = buf;
        int p = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                b[p++] = (byte) (0xE0 | (cp >> 12));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        len = p;
    }

    static int utf8Length(String s) {
        int n = s.length();
        int out = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                out += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                out += 2; // 4 bytes for 2 chars
                i++;
            } else {
                out += 2;
            }
        }
        return out;
    }
}
