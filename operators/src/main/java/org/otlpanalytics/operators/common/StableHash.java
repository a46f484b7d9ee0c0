package org.otlpanalytics.operators.common;

import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * A 64-bit hash that is the same in every JVM and every run (MurmurHash3 with a fixed seed):
 * used for deterministic ids (resources, tenants, locators, fingerprints) and for choosing
 * which operations a cardinality cap keeps.
 */
public final class StableHash {
    public static final long SEED = 0x6f746c70L; // "otlp"

    private StableHash() {}

    public static long of(String s) {
        return MurmurHash3.hash(s.getBytes(StandardCharsets.UTF_8), SEED)[0];
    }

    /**
     * Hash of several parts, each length-prefixed ({@link CompositeKey}), so that no choice of
     * part texts can make two different part lists hash the same input: ("ab","c") and ("a","bc")
     * differ, and so do parts that contain any separator character.
     */
    public static long of(String... parts) {
        return of(CompositeKey.of(parts));
    }

    /** A positive id for a database key (bigint), from the same hash. */
    public static long positiveId(String... parts) {
        return of(parts) & Long.MAX_VALUE;
    }
}
