package org.otlpanalytics.operators.logs;

/**
 * One row of {@code log_pattern}, the pattern dictionary: a fingerprint with its template, sample,
 * highest severity, first/last seen and the ids merged into it ({@code aliases}); a fingerprint
 * merged into another carries the survivor in {@code mergedInto}. A Flink POJO.
 */
public class LogPatternRow {
    public long fingerprintId;
    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    /** The template, variables printed as {@code <*>}. */
    public String pattern;
    /** The earliest record of the pattern by (event time, partition, offset), cut to the sample limit. */
    public String sample;
    public long sampleTimeNanos;
    public int samplePartition;
    public long sampleOffset;
    /** Highest OTLP severity number seen, and the text of the record that had it. */
    public int severityNumber;
    public String severityText;
    public long firstSeenMillis;
    public long lastSeenMillis;
    /** Fingerprints merged into this one. */
    public long[] aliases;
    /** The fingerprint this one was merged into, or null while it lives. */
    public Long mergedInto;
    /**
     * The event time of this snapshot: the fingerprinter's timer that emitted it (a mined second's
     * or a window's last millisecond). A fingerprint's later snapshot has a later time whatever order
     * its rows reach a sink in, so the sinks take pattern, aliases and merged-into from the row with
     * the latest one (the other columns only widen).
     */
    public long snapshotMillis;

    public LogPatternRow() {}

    public String fingerprintHex() {
        return TemplateFingerprint.toHex(fingerprintId);
    }

    @Override
    public String toString() {
        return "LogPatternRow{" + fingerprintHex() + " " + serviceUrn + " '" + pattern + "' sev=" + severityNumber + " ["
                + firstSeenMillis + ", " + lastSeenMillis + "]" + (mergedInto == null ? "" : " merged into "
                + TemplateFingerprint.toHex(mergedInto)) + "}";
    }
}
