package org.otlpanalytics.schemas.metrics;

import java.nio.charset.StandardCharsets;

/**
 * The 64-bit identity of a point's attribute set: MurmurHash3 (x64, 128-bit, first half) with the
 * project's fixed seed over a length-prefixed encoding of the sorted pairs. Same value in every
 * JVM and run (the {@code metric_1m} key depends on it), and equal to DataSketches'
 * {@code MurmurHash3.hash(bytes, seed)[0]} — written out here because {@code schemas} does not
 * depend on DataSketches.
 *
 * <p>Encoding: for each pair in key order, {@code <key length>:<key><value length>:<value>}
 * (lengths in chars, decimal), UTF-8. Length prefixes make it unambiguous whatever characters
 * keys or values contain.
 */
public final class LabelsHash {
    /** Same seed as operators' {@code StableHash} ("otlp"). */
    public static final long SEED = 0x6f746c70L;

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private LabelsHash() {}

    /** Hash of sorted, parallel key/value arrays (as in {@link MetricPoint}). */
    public static long of(String[] sortedKeys, String[] values) {
        return murmur3(canonical(sortedKeys, values).getBytes(StandardCharsets.UTF_8), SEED);
    }

    /** The exact text that is hashed; visible so that other languages can reproduce the hash. */
    public static String canonical(String[] sortedKeys, String[] values) {
        StringBuilder sb = new StringBuilder(sortedKeys.length * 24);
        for (int i = 0; i < sortedKeys.length; i++) {
            sb.append(sortedKeys[i].length()).append(':').append(sortedKeys[i]);
            sb.append(values[i].length()).append(':').append(values[i]);
        }
        return sb.toString();
    }

    /** MurmurHash3_x64_128, returning h1. */
    static long murmur3(byte[] key, long seed) {
        long h1 = seed;
        long h2 = seed;
        int nblocks = key.length >>> 4;
        for (int i = 0; i < nblocks; i++) {
            long k1 = littleEndian(key, i << 4, 8);
            long k2 = littleEndian(key, (i << 4) + 8, 8);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = nblocks << 4;
        int rem = key.length - tail;
        long k1 = 0;
        long k2 = 0;
        if (rem > 8) {
            k1 = littleEndian(key, tail, 8);
            k2 = littleEndian(key, tail + 8, rem - 8);
        } else if (rem > 0) {
            k1 = littleEndian(key, tail, rem);
        }
        h1 ^= mixK1(k1);
        h2 ^= mixK2(k2);
        h1 ^= key.length;
        h2 ^= key.length;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        return h1;
    }

    private static long mixK1(long k1) {
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        return k1 * C2;
    }

    private static long mixK2(long k2) {
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        return k2 * C1;
    }

    private static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private static long littleEndian(byte[] b, int off, int len) {
        long v = 0;
        for (int i = len - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}
