package org.otlpanalytics.operators.edges;

import java.io.DataInput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small direct-mapped cache of decoded strings for the read side of a shuffle: the halves of a
 * stream carry the same few tenant, service and peer names over and over, so reading one usually
 * finds the String already decoded, allocates nothing, and hands on an instance whose hash code is
 * already computed (the pre-aggregation and the keyBy hash them again). Not thread-safe: one per
 * serializer instance, which Flink duplicates per thread.
 */
final class StringCache {
    private static final int SLOTS = 1024;
    /** Reads 8 bytes of a byte array as one long (unaligned reads allowed). */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Longer strings are decoded without the cache. */
    private static final int MAX_CACHED_BYTES = 256;

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];
    private final byte[] buffer = new byte[MAX_CACHED_BYTES];

    /** Reads {@code length} UTF-8 bytes and returns their string, from the cache when it holds them. */
    String read(DataInput in, int length) throws IOException {
        if (length > MAX_CACHED_BYTES) {
            byte[] b = new byte[length];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
        in.readFully(buffer, 0, length);
        int slot = slotOf(buffer, length);
        byte[] k = keys[slot];
        if (k != null && k.length == length && Arrays.equals(k, 0, length, buffer, 0, length)) {
            return values[slot];
        }
        byte[] copy = Arrays.copyOf(buffer, length);
        String s = new String(copy, StandardCharsets.UTF_8);
        keys[slot] = copy;
        values[slot] = s;
        return s;
    }

    /**
     * The slot of {@code length} bytes: a hash over 8 bytes at a time. A hash of one byte at a
     * time ({@code 31 * h + b}) is one dependent multiplication per byte, and was three quarters
     * of this method, a sixth of the pairing thread, in a profile of the edge pipeline; names of
     * 20 to 30 bytes take 3 to 4 steps here. Equal bytes give equal slots; the bytes are compared
     * anyway.
     */
    static int slotOf(byte[] b, int length) {
        long h = length;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            h = (h ^ (long) WORDS.get(b, i)) * 0x9E3779B97F4A7C15L;
        }
        if (i < length) {
            // the last bytes, as the last 8 when there are that many (overlapping words hash the same for equal bytes)
            long tail;
            if (length >= Long.BYTES) {
                tail = (long) WORDS.get(b, length - Long.BYTES);
            } else {
                tail = 0;
                for (int j = i; j < length; j++) {
                    tail = tail << 8 | (b[j] & 0xFF);
                }
            }
            h = (h ^ tail) * 0x9E3779B97F4A7C15L;
        }
        int x = (int) (h ^ (h >>> 32));
        return (x ^ (x >>> 16)) & (SLOTS - 1);
    }
}
