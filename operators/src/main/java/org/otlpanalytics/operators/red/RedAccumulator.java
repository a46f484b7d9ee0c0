package org.otlpanalytics.operators.red;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.otlpanalytics.operators.sketch.CanonicalHll;
import org.otlpanalytics.operators.sketch.DeterministicKll;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.schemas.traces.SpanRecord;

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
    /** Values of the configured span dimensions, per dimension (null until one has a value). */
    DimensionCounts[] dims;

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

    /** Counts the span's values of the configured dimensions (top-K and distinct values). */
    void addDimensions(SpanRecord s, RedOptions o) {
        SpanDimensions d = o.dimensions();
        for (int i = 0; i < d.size(); i++) {
            String v = d.valueOf(i, s);
            if (v != null) {
                dimension(i, d.size(), o.hllLgK()).add(v, o.topkMaxValues());
            }
        }
    }

    private DimensionCounts dimension(int i, int n, int hllLgK) {
        if (dims == null) {
            dims = new DimensionCounts[n];
        }
        if (dims[i] == null) {
            dims[i] = new DimensionCounts(hllLgK);
        }
        return dims[i];
    }

    void merge(RedAccumulator o) {
        merge(o, RedOptions.DEFAULT_TOPK_MAX_VALUES);
    }

    void merge(RedAccumulator o, int maxValues) {
        calls += o.calls;
        errors += o.errors;
        durationSumNanos += o.durationSumNanos;
        durations.merge(o.durations);
        traces.merge(o.traces);
        if (o.dims != null) {
            for (int i = 0; i < o.dims.length; i++) {
                if (o.dims[i] != null) {
                    dimension(i, o.dims.length, o.traces.lgK()).merge(o.dims[i], maxValues);
                }
            }
        }
    }

    /** The values of dimension {@code i}, or null when no span had one. */
    public DimensionCounts dimension(int i) {
        return dims == null || i >= dims.length ? null : dims[i];
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

    /** The durations (ms), for the sparse bucket arrays SQL merges. */
    public LogHistogram durations() {
        return durations;
    }

    /** The 2^lgK registers of {@link #hllBytes()}, for the register array SQL merges. */
    public byte[] traceRegisters() {
        return traces.registers();
    }

    /** The current format (version {@link RedAccumulatorSerializer#VERSION}): version 1's fields, then the dimensions. */
    void write(DataOutput out) throws IOException {
        out.writeLong(calls);
        out.writeLong(errors);
        out.writeLong(durationSumNanos);
        durations.write(out);
        traces.write(out);
        int n = dims == null ? 0 : dims.length;
        out.writeShort(n);
        for (int i = 0; i < n; i++) {
            out.writeBoolean(dims[i] != null);
            if (dims[i] != null) {
                dims[i].write(out);
            }
        }
    }

    static RedAccumulator read(DataInput in) throws IOException {
        return read(in, RedAccumulatorSerializer.VERSION);
    }

    /** Reads the format of {@code version}: 1 has no dimensions. */
    static RedAccumulator read(DataInput in, int version) throws IOException {
        long calls = in.readLong();
        long errors = in.readLong();
        long sum = in.readLong();
        RedAccumulator a = new RedAccumulator(calls, errors, sum, LogHistogram.read(in), CanonicalHll.read(in));
        if (version >= 2) {
            int n = in.readShort();
            if (n < 0 || n > 64) {
                throw new IOException("corrupt RedAccumulator: " + n + " dimensions");
            }
            if (n > 0) {
                a.dims = new DimensionCounts[n];
                for (int i = 0; i < n; i++) {
                    if (in.readBoolean()) {
                        a.dims[i] = DimensionCounts.read(in);
                    }
                }
            }
        }
        return a;
    }
}
