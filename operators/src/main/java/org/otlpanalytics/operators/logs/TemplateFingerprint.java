package org.otlpanalytics.operators.logs;

import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * The fingerprint id of a log template: a fixed-seed 64-bit MurmurHash3 of tenant, service and the
 * template text at the moment its cluster was created.
 *
 * <p>Why this is stable: the operator feeds each (tenant, service) tree in a deterministic order
 * (event time, then Kafka partition, then offset), so a replay or a restart from a checkpoint grows
 * the same tree and creates each cluster from the same text; the hash depends on nothing else (no
 * counter, no subtask index, no clock), so parallelism changes do not move ids either. The id is
 * never recomputed when the template later generalises, and tenant and service are part of the
 * hashed bytes, so two services logging the same text get different ids.
 */
public final class TemplateFingerprint {
    /** Never change: every stored fingerprint depends on it. */
    public static final long SEED = 0x6f746c7061746e73L;

    private static final char SEPARATOR = '\u001f';

    private TemplateFingerprint() {}

    /** The id of {@code template} created in the tree of {@code tenant}/{@code service}. */
    public static long of(String tenant, String service, String template) {
        String t = nullToEmpty(tenant);
        String s = nullToEmpty(service);
        // lengths make the encoding injective whatever characters tenant and service contain
        String key = t.length() + ":" + t + SEPARATOR + s.length() + ":" + s + SEPARATOR + template;
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return MurmurHash3.hash(bytes, SEED)[0];
    }

    /** The id as 16 lower-case hex digits. */
    public static String toHex(long id) {
        String hex = Long.toHexString(id);
        return "0000000000000000".substring(hex.length()) + hex;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
