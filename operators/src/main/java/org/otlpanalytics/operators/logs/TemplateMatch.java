package org.otlpanalytics.operators.logs;

/**
 * The outcome of mining one message: the fingerprint id of its cluster, the cluster's template at
 * this moment (variables printed as {@code <*>}), what changed, and the ids of clusters that were
 * merged into this one by this message (empty almost always).
 *
 * <p>A merged id never reappears while its survivor lives; callers that keep a pattern dictionary
 * record {@code absorbedIds -> fingerprintId} so that rows already written under an absorbed id can
 * be folded into the survivor.
 *
 * @param fingerprintId the cluster's stable 64-bit id
 * @param template the cluster's template after this message
 * @param change what this message did to the tree
 * @param clusterSize messages the cluster holds after this one
 * @param absorbedIds ids of clusters merged into this one by this message; do not modify
 */
public record TemplateMatch(long fingerprintId, String template, ClusterChange change, long clusterSize, long[] absorbedIds) {
    static final long[] NO_IDS = new long[0];

    /** The fingerprint as 16 lower-case hex digits, the form stored in sinks. */
    public String fingerprintHex() {
        return TemplateFingerprint.toHex(fingerprintId);
    }
}
