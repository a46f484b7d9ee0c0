package org.otlpanalytics.operators.red;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Calls, errors, a KLL sketch of durations (ms) and an HLL sketch of trace ids for one RED
 * series in one minute. Mergeable, so overflow rows and roll-ups are sums of these.
 */
public final class RedAccumulator {
    long calls;
    long errors;
    double durationSumMs;
    final KllDoublesSketch durations;
    HllSketch traces;
    final int hllLgK;

    RedAccumulator(int kllK, int hllLgK) {
        this(0, 0, 0, KllDoublesSketch.newHeapInstance(kllK), new HllSketch(hllLgK, TgtHllType.HLL_4), hllLgK);
    }

    RedAccumulator(long calls, long errors, double sum, KllDoublesSketch kll, HllSketch hll, int hllLgK) {
        this.calls = calls;
        this.errors = errors;
        this.durationSumMs = sum;
        this.durations = kll;
        this.traces = hll;
        this.hllLgK = hllLgK;
    }

    void add(double durationMs, boolean error, long traceHi, long traceLo) {
        calls++;
        if (error) {
            errors++;
        }
        durationSumMs += durationMs;
        durations.update(durationMs);
        traces.update(traceHi ^ Long.rotateLeft(traceLo, 31) ^ (traceLo * 0x9E3779B97F4A7C15L));
    }

    void merge(RedAccumulator o) {
        calls += o.calls;
        errors += o.errors;
        durationSumMs += o.durationSumMs;
        durations.merge(o.durations);
        Union u = new Union(hllLgK);
        u.update(traces);
        u.update(o.traces);
        traces = u.getResult(TgtHllType.HLL_4);
    }

    public long calls() {
        return calls;
    }

    public long errors() {
        return errors;
    }

    public double quantile(double rank) {
        return durations.isEmpty() ? 0.0 : durations.getQuantile(rank);
    }

    public double distinctTraces() {
        return traces.getEstimate();
    }

    /**
     * KLL bytes in canonical form: while the sketch is exact (fewer items than k) its items are
     * re-inserted in sorted order, so the same multiset of durations gives the same bytes
     * whatever the arrival order (replays, restarts). An estimating sketch is written as is.
     */
    public byte[] kllBytes() {
        if (durations.isEstimationMode() || durations.isEmpty()) {
            return durations.toByteArray();
        }
        double[] items = durations.getSortedView().getQuantiles();
        KllDoublesSketch c = KllDoublesSketch.newHeapInstance(durations.getK());
        for (double d : items) {
            c.update(d);
        }
        return c.toByteArray();
    }

    /** HLL bytes (compact, HLL_4): the standard DataSketches form, mergeable in SQL or Flink. */
    public byte[] hllBytes() {
        return traces.toCompactByteArray();
    }

    static RedAccumulator fromBytes(long calls, long errors, double sum, byte[] kll, byte[] hll, int hllLgK) {
        return new RedAccumulator(calls, errors, sum, KllDoublesSketch.heapify(Memory.wrap(kll)),
                HllSketch.heapify(Memory.wrap(hll)), hllLgK);
    }

    byte[] rawKllBytes() {
        return durations.toByteArray();
    }

    byte[] rawHllBytes() {
        return traces.toUpdatableByteArray();
    }
}
