package org.otlpanalytics.operators.edges;

import java.nio.charset.StandardCharsets;

/**
 * A small direct-mapped cache of UTF-8 encodings for the write side of a shuffle, the mirror of
 * {@link StringCache}: the halves of a stream carry the same few tenant, service and peer names
 * over and over, and encoding each again allocated a byte array per string and half (a profile of
 * the edge pipeline showed it among the source thread's largest allocations). Not thread-safe: one
 * per serializer instance, which Flink duplicates per thread.
 */
final class Utf8Cache {
    private static final int SLOTS = 256;
    /** Longer strings are encoded without the cache. */
    private static final int MAX_CACHED_CHARS = 256;

    private final String[] keys = new String[SLOTS];
    private final byte[][] values = new byte[SLOTS][];

    /** The UTF-8 bytes of {@code s}; the array is shared, callers must not change it. */
    byte[] encode(String s) {
        int slot = (s.hashCode() ^ (s.hashCode() >>> 16)) & (SLOTS - 1);
        String k = keys[slot];
        if (k == s || (k != null && k.equals(s))) {
            return values[slot];
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (s.length() <= MAX_CACHED_CHARS) {
            keys[slot] = s;
            values[slot] = b;
        }
        return b;
    }
}
