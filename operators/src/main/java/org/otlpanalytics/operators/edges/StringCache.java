package org.otlpanalytics.operators.edges;

import java.io.DataInput;
import java.io.IOException;
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
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + buffer[i];
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
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
}
