package org.otlpanalytics.operators.edges;

/**
 * Hands out one instance per distinct string seen lately (a small direct-mapped cache), so that
 * the halves of a source subtask share the few tenant, service and peer names of its traffic.
 * Used where a half is made ({@link PendingSpanMapper}), while the decoded strings are still in
 * the CPU's cache.
 *
 * <p>Why: in a profile of the edge pipeline (async-profiler, {@code bench-edges}), writing the
 * halves' strings to the shuffle cost the source thread as much as building the halves: each
 * peer name and URN was a fresh string whose hash was computed only there, when its half was
 * shipped at the next watermark and the string had left the cache, and {@link Utf8Cache} then
 * compared it character by character with the cached one. Canonical instances have their hash
 * computed once, stay in the cache, and {@link Utf8Cache} finds them by identity. Halves held
 * for pairing also take less heap.
 *
 * <p>Not thread-safe: one per operator instance.
 */
final class CanonicalStrings {
    private static final int SLOTS = 512;
    /** Longer strings are passed through: they are rarely repeated names. */
    private static final int MAX_CHARS = 256;

    private final String[] slots = new String[SLOTS];

    /** An instance equal to {@code s} (null for null): the one seen before when it is still cached. */
    String of(String s) {
        if (s == null || s.length() > MAX_CHARS) {
            return s;
        }
        int h = s.hashCode();
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        String known = slots[slot];
        if (known == s || (known != null && known.equals(s))) {
            return known;
        }
        slots[slot] = s;
        return s;
    }
}
