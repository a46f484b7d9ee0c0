package org.otlpanalytics.operators.logs;

import java.util.Arrays;

/**
 * The dictionary entry of one fingerprint beyond what the tree holds: its last template, the sample
 * message (the earliest record by event time, partition, offset), the highest severity, first and
 * last seen, and the ids merged into it. Kept in {@link LogMinerState}; mutable, owned by one key.
 */
public final class PatternStats {
    String pattern;
    String sample;
    long sampleTimeNanos;
    int samplePartition;
    long sampleOffset;
    int severityNumber;
    String severityText;
    long firstSeenMillis;
    long lastSeenMillis;
    long[] aliases;
    /** Changed since its row was last emitted. */
    boolean dirty;

    PatternStats() {
        this.aliases = TemplateMatch.NO_IDS;
        this.sampleTimeNanos = Long.MAX_VALUE;
        this.firstSeenMillis = Long.MAX_VALUE;
        this.lastSeenMillis = Long.MIN_VALUE;
    }

    /** Takes one mined record into account. */
    void add(BufferedLog r, String template, int sampleMaxChars) {
        pattern = template;
        if (isBefore(r.timeNanos(), r.partition(), r.offset())) {
            String b = r.body();
            sample = b.length() > sampleMaxChars ? b.substring(0, sampleMaxChars) : b;
            sampleTimeNanos = r.timeNanos();
            samplePartition = r.partition();
            sampleOffset = r.offset();
        }
        int rank = r.severityRank();
        if (rank > severityNumber || severityText == null && rank == severityNumber) {
            severityNumber = rank;
            severityText = r.severityText();
        }
        long t = r.timeMillis();
        firstSeenMillis = Math.min(firstSeenMillis, t);
        lastSeenMillis = Math.max(lastSeenMillis, t);
        dirty = true;
    }

    /** Folds the entry of cluster {@code id}, merged into this one, into this entry. */
    void absorb(long id, PatternStats other) {
        long[] merged = Arrays.copyOf(aliases, aliases.length + 1 + other.aliases.length);
        merged[aliases.length] = id;
        System.arraycopy(other.aliases, 0, merged, aliases.length + 1, other.aliases.length);
        aliases = merged;
        merge(other);
    }

    /**
     * Takes the records of {@code other} into account (sample, severity, first/last seen), the
     * order-independent way: the result is the same in whichever order entries are merged.
     */
    void merge(PatternStats other) {
        if (other.pattern != null && pattern == null) {
            pattern = other.pattern;
        }
        if (other.sample != null && isBefore(other.sampleTimeNanos, other.samplePartition, other.sampleOffset)) {
            sample = other.sample;
            sampleTimeNanos = other.sampleTimeNanos;
            samplePartition = other.samplePartition;
            sampleOffset = other.sampleOffset;
        }
        if (other.severityNumber > severityNumber) {
            severityNumber = other.severityNumber;
            severityText = other.severityText;
        }
        firstSeenMillis = Math.min(firstSeenMillis, other.firstSeenMillis);
        lastSeenMillis = Math.max(lastSeenMillis, other.lastSeenMillis);
        dirty = true;
    }

    private boolean isBefore(long timeNanos, int partition, long offset) {
        if (sample == null) {
            return true;
        }
        if (timeNanos != sampleTimeNanos) {
            return timeNanos < sampleTimeNanos;
        }
        if (partition != samplePartition) {
            return partition < samplePartition;
        }
        return offset < sampleOffset;
    }

    /** The emitted row of this entry. */
    LogPatternRow toRow(long fingerprintId, LogStreamInfo stream, Long mergedInto) {
        LogPatternRow row = new LogPatternRow();
        row.fingerprintId = fingerprintId;
        row.tenant = stream.tenant;
        row.serviceName = stream.serviceName;
        row.serviceNamespace = stream.serviceNamespace;
        row.serviceUrn = stream.serviceUrn;
        row.pattern = pattern;
        row.sample = sample;
        row.sampleTimeNanos = sampleTimeNanos;
        row.samplePartition = samplePartition;
        row.sampleOffset = sampleOffset;
        row.severityNumber = severityNumber;
        row.severityText = severityText;
        row.firstSeenMillis = firstSeenMillis;
        row.lastSeenMillis = lastSeenMillis;
        row.aliases = aliases.clone();
        row.mergedInto = mergedInto;
        return row;
    }
}
