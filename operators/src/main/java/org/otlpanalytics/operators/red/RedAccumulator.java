package org.otlpanalytics.operators.red;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.otlpanalytics.operators.sketch.CanonicalHll;
import org.otlpanalytics.operators.sketch.DeterministicKll;
import org.otlpanalytics.operators.sketch.LogHistogram;

/**
 * Calls, errors, durations (ms) and distinct trace ids of one RED series in one minute.
 * Durations are kept in an order-independent {@link LogHistogram} (0.5% relative accuracy) and
 * turned into a KLL sketch when the row is written, so the quantiles and the sketch bytes are the
 * same however the spans arrived — the property the exactly-once guarantee needs.
 */
public final class RedAccumulator {
    long calls;
    long errors;
    /** Sum in integer nanoseconds: exact, so independent of the order of additions. */
    long durationSumNanos;
    final LogHistogram durations;
    final CanonicalHll traces;

    RedAccumulator(int hllLgK) {
        this(0, 0, 0L, new LogHistogram(), new CanonicalHll(hllLgK));
    }

    private RedAccumulator(long calls, long errors, long sumNanos, LogHistogram h, CanonicalHll t) {
        this.calls = calls;
        this.errors = errors;
        this.durationSumNanos = sumNanos;
        this.durations = h;
        this.traces = t;
    }

    void add(long durationNanos, boolean error, long traceHi, long traceLo) {
        calls++;
        if (error) {
            errors++;
        }
        durationSumNanos += durationNanos;
        durations.add(durationNanos / 1_000_000.0);
        traces.update(traceHi ^ Long.rotateLeft(traceLo * 0x9E3779B97F4A7C15L, 29));
    }

    void merge(RedAccumulator o) {
        calls += o.calls;
        errors += o.errors;
        durationSumNanos += o.durationSumNanos;
        durations.merge(o.durations);
        traces.merge(o.traces);
    }

    /** The KLL sketch (k) of the durations, identical for identical inputs. */
    public KllDoublesSketch kll(int k) {
        return DeterministicKll.build(durations, k);
    }

    public double durationSumMs() {
        return durationSumNanos / 1_000_000.0;
    }

    public double distinctTraces() {
        return traces.estimate();
    }

    public byte[] hllBytes() {
        return traces.toBytes();
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(calls);
        out.writeLong(errors);
        out.writeLong(durationSumNanos);
        durations.write(out);
        traces.write(out);
    }

    static RedAccumulator read(DataInput in) throws IOException {
        long calls = in.readLong();
        long errors = in.readLong();
        long sum = in.readLong();
        return new RedAccumulator(calls, errors, sum, LogHistogram.read(in), CanonicalHll.read(in));
    }
}
