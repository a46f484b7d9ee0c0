package org.otlpanalytics.operators.red;

import org.otlpanalytics.operators.common.KafkaRange;

/** One row of {@code red_1m}: a RED series in one minute, with its sketches and Kafka range. */
public class RedRow {
    public long bucketStartMillis;
    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    public String operation;
    public String spanKind;
    public String status;
    public long calls;
    public long errors;
    public double durationSumMs;
    public double p50Ms;
    public double p95Ms;
    public double p99Ms;
    public double distinctTraces;
    public byte[] kll;
    public byte[] hll;
    /** Smallest and largest duration (ms): exact, and the clamp of the histogram's values. */
    public double durationMinMs;
    public double durationMaxMs;
    /** The log histogram of the durations as SQL merges it ({@link org.otlpanalytics.operators.sketch.LogHistogram#sparseIndexes}). */
    public int[] durationIdx;
    public long[] durationCnt;
    /** The 2^lgK registers of {@link #hll} ({@link org.otlpanalytics.operators.sketch.HllRegisters}). */
    public byte[] traceRegisters;
    public KafkaRange range;

    public RedRow() {}

    @Override
    public String toString() {
        return "RedRow{" + bucketStartMillis + " " + tenant + " " + serviceName + " " + operation + " " + spanKind
                + " " + status + " calls=" + calls + " errors=" + errors + " p50=" + p50Ms + " p95=" + p95Ms
                + " p99=" + p99Ms + "}";
    }
}
