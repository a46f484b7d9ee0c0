package org.otlpanalytics.tests.support;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.logs.LogPatternRow;

/**
 * Successive dictionary snapshots of one log pattern, as the fingerprinter emits them (each holds
 * all seen so far), for the sink tests that hand them over out of order: tenant {@code default},
 * service {@code shop/frontend}.
 */
public final class LogPatternSnapshots {
    private LogPatternSnapshots() {}

    /**
     * Three snapshots, 5 minutes apart from {@code t + 5 min}: an earlier sample and a higher
     * severity in the second, a new template and aliases in the third.
     */
    public static List<LogPatternRow> three(long fingerprint, long t) {
        LogPatternRow r1 = snapshot(fingerprint, "GET <*> completed", t + 159_940, 2, 224, 9, "INFO", t + 298_024, t + 299_999);
        LogPatternRow r2 = snapshot(fingerprint, "GET <*> completed", t + 150_000, 0, 17, 17, "ERROR", t + 597_002, t + 599_999);
        r2.aliases = new long[] {7L};
        LogPatternRow r3 = snapshot(fingerprint, "GET <*> completed in <*> ms", t + 150_000, 0, 17, 17, "ERROR", t + 899_653,
                t + 899_999);
        r3.aliases = new long[] {7L, 8L};
        return new ArrayList<>(List.of(r1, r2, r3));
    }

    /** One snapshot, taken at {@code snapshotMillis}, of a pattern last seen at {@code lastSeenMillis}. */
    public static LogPatternRow snapshot(long fingerprint, String pattern, long sampleMillis, int partition, long offset,
            int severity, String severityText, long lastSeenMillis, long snapshotMillis) {
        LogPatternRow r = new LogPatternRow();
        r.fingerprintId = fingerprint;
        r.tenant = "default";
        r.serviceName = "frontend";
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/frontend";
        r.pattern = pattern;
        r.sample = "sample at " + sampleMillis;
        r.sampleTimeNanos = sampleMillis * 1_000_000L;
        r.samplePartition = partition;
        r.sampleOffset = offset;
        r.severityNumber = severity;
        r.severityText = severityText;
        r.firstSeenMillis = sampleMillis;
        r.lastSeenMillis = lastSeenMillis;
        r.snapshotMillis = snapshotMillis;
        return r;
    }
}
