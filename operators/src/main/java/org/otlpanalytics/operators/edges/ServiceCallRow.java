package org.otlpanalytics.operators.edges;

import org.otlpanalytics.operators.common.KafkaRange;

/**
 * One row of {@code service_call_5m}: a directed edge (tenant, caller, callee) in one 5-minute
 * bucket. {@link #p50Ms}/{@link #p95Ms} are client-side durations (what the caller waited) when
 * the caller is instrumented, else server-side ({@link #durationSide}); the server-side
 * quantiles are filled whenever the callee is instrumented ({@link Double#NaN} otherwise).
 */
public class ServiceCallRow {
    public static final String SIDE_CLIENT = "client";
    public static final String SIDE_SERVER = "server";

    public long bucketStartMillis;
    public String tenant;
    public String callerUrn;
    public String callerName;
    public boolean callerVirtual;
    public String calleeUrn;
    public String calleeName;
    public boolean calleeVirtual;
    /** {@link ConnectionType#labels} of the calls in the bucket. */
    public String connectionType;
    public long calls;
    public long errors;
    public double rps;
    public double errRate;
    /** {@link #SIDE_CLIENT} or {@link #SIDE_SERVER}: whose durations p50/p95/p99, the sum and the KLL are. */
    public String durationSide;
    public double p50Ms;
    public double p95Ms;
    public double p99Ms;
    public double durationSumMs;
    public byte[] kll;
    /**
     * The log histogram of the {@link #durationSide} durations as SQL merges it (sparse bucket
     * indexes and counts, see {@link org.otlpanalytics.operators.sketch.LogHistogram#sparseIndexes})
     * with their exact min and max (ms).
     */
    public int[] durationIdx;
    public long[] durationCnt;
    public double durationMinMs;
    public double durationMaxMs;
    public long serverCalls;
    public double serverP50Ms = Double.NaN;
    public double serverP95Ms = Double.NaN;
    /** KLL of the server-side durations; null when the callee is virtual. */
    public byte[] serverKll;
    /** The server-side histogram as SQL merges it; empty arrays (and NaN bounds) when the callee is virtual. */
    public int[] serverIdx;
    public long[] serverCnt;
    public double serverMinMs = Double.NaN;
    public double serverMaxMs = Double.NaN;
    public long firstSeenMillis;
    public long lastSeenMillis;
    /** Hex trace id of one call of the bucket (a failed one when there are errors). */
    public String sampleTraceId;
    public KafkaRange range;

    public ServiceCallRow() {}

    @Override
    public String toString() {
        return "ServiceCallRow{" + bucketStartMillis + " " + tenant + " " + callerName + " -> " + calleeName
                + " " + connectionType + " calls=" + calls + " errors=" + errors + " p50=" + p50Ms + " p95=" + p95Ms
                + " (" + durationSide + ")}";
    }
}
