package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.Arrays;

/**
 * A growable little-endian byte buffer in ClickHouse's RowBinary encoding: fixed-width integers and
 * floats, LEB128 lengths, strings as their UTF-8 bytes (an unpaired surrogate becomes U+FFFD, as a
 * string decoder would make it).
 */
final class RowBinaryBuffer {
    private byte[] buf;
    private int len;

    RowBinaryBuffer(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    void clear() {
        len = 0;
    }

    /** Drops everything after {@code length} (an unfinished row). */
    void truncate(int length) {
        len = length;
    }

    void ensure(int extra) {
        if (len + extra > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) len + extra);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("RowBinary buffer over 2 GiB");
            }
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
