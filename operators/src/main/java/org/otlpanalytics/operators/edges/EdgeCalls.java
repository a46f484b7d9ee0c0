package org.otlpanalytics.operators.edges;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * The calls of one directed edge over some stretch of event time, reduced to what every output
 * needs: counts, first and last call, OR-ed connection types, a {@link DurationStats} per side,
 * the sample trace with the smallest hash (and the same among failed calls), and the Kafka
 * records behind them. Every field is a function of the set of calls, not of their order, and
 * {@link #merge} is exact, so calls can be pre-aggregated anywhere without changing a result.
 * Plain Java, no Flink.
 */
public final class EdgeCalls {
    int typeMask;
    long calls;
    long errors;
    long firstMillis = Long.MAX_VALUE;
    long lastMillis = Long.MIN_VALUE;
    final DurationStats client;
    final DurationStats server;
    /** Sample trace: smallest {@link #traceHash} over all calls, and over failed calls. */
    long sampleHash;
    long sampleHi;
    long sampleLo;
    long errorSampleHash;
    long errorSampleHi;
    long errorSampleLo;
    final KafkaRange range;

    public EdgeCalls() {
        this(new DurationStats(), new DurationStats(), new KafkaRange());
    }

    EdgeCalls(DurationStats client, DurationStats server, KafkaRange range) {
        this.client = client;
        this.server = server;
        this.range = range;
    }

    public void add(Edge e) {
        long t = e.eventTimeMillis();
        calls++;
        if (e.failed) {
            errors++;
        }
        typeMask |= e.connectionType.bit();
        firstMillis = Math.min(firstMillis, t);
        lastMillis = Math.max(lastMillis, t);
        client.add(e.clientDurationNanos);
        server.add(e.serverDurationNanos);
        long h = traceHash(e.traceIdHi, e.traceIdLo);
        offerSample(h, e.traceIdHi, e.traceIdLo);
        if (e.failed) {
            offerErrorSample(h, e.traceIdHi, e.traceIdLo);
        }
        // the Kafka records behind the call; a virtual side has no record (partition -1 is skipped)
        range.add(e.callerPartition, e.callerOffset, t);
        range.add(e.calleePartition, e.calleeOffset, t);
    }

    /** Adds every call of {@code o}; the result is the same as adding them one by one, in any order. */
    public void merge(EdgeCalls o) {
        if (o.calls == 0) {
            return;
        }
        if (o.calls > 0) {
            offerSample(o.sampleHash, o.sampleHi, o.sampleLo);
        }
        if (o.errors > 0) {
            offerErrorSample(o.errorSampleHash, o.errorSampleHi, o.errorSampleLo);
        }
        calls += o.calls;
        errors += o.errors;
        typeMask |= o.typeMask;
        firstMillis = Math.min(firstMillis, o.firstMillis);
        lastMillis = Math.max(lastMillis, o.lastMillis);
        client.merge(o.client);
        server.merge(o.server);
        range.merge(o.range);
    }

    private void offerSample(long h, long hi, long lo) {
        if (calls == 0 || Long.compareUnsigned(h, sampleHash) < 0) {
            sampleHash = h;
            sampleHi = hi;
            sampleLo = lo;
        }
    }

    private void offerErrorSample(long h, long hi, long lo) {
        if (errors == 0 || Long.compareUnsigned(h, errorSampleHash) < 0) {
            errorSampleHash = h;
            errorSampleHi = hi;
            errorSampleLo = lo;
        }
    }

    /** A well-mixed hash of a trace id, so the sample is an arbitrary but fixed call. */
    static long traceHash(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** Hex trace id of the sample: a failed call's trace when there are errors; null without calls. */
    public String sampleTraceId() {
        if (calls == 0) {
            return null;
        }
        return errors > 0 ? String.format("%016x%016x", errorSampleHi, errorSampleLo)
                : String.format("%016x%016x", sampleHi, sampleLo);
    }

    public long calls() {
        return calls;
    }

    public long errors() {
        return errors;
    }

    public int typeMask() {
        return typeMask;
    }

    /** Start of the earliest call (epoch ms). */
    public long firstMillis() {
        return firstMillis;
    }

    /** Start of the latest call (epoch ms). */
    public long lastMillis() {
        return lastMillis;
    }

    public DurationStats client() {
        return client;
    }

    public DurationStats server() {
        return server;
    }

    /**
     * The durations a caller waited, or, when the caller is virtual (no client span), those the
     * callee measured: the side an edge's quantiles are read from.
     */
    public DurationStats mainSide() {
        return client.isEmpty() ? server : client;
    }

    public KafkaRange range() {
        return range;
    }

    /** Writes the counts from {@code calls} on (the type mask is written by the caller, see ServiceCallBucketSerializer). */
    void writeTail(DataOutput out) throws IOException {
        out.writeLong(calls);
        out.writeLong(errors);
        out.writeLong(firstMillis);
        out.writeLong(lastMillis);
        client.write(out);
        server.write(out);
        out.writeLong(sampleHash);
        out.writeLong(sampleHi);
        out.writeLong(sampleLo);
        out.writeLong(errorSampleHash);
        out.writeLong(errorSampleHi);
        out.writeLong(errorSampleLo);
        range.write(out);
    }

    /** Reads what {@link #writeTail} wrote, with the type mask read before. */
    static EdgeCalls readTail(int typeMask, DataInput in) throws IOException {
        long calls = in.readLong();
        long errors = in.readLong();
        long first = in.readLong();
        long last = in.readLong();
        DurationStats client = DurationStats.read(in);
        DurationStats server = DurationStats.read(in);
        long sampleHash = in.readLong();
        long sampleHi = in.readLong();
        long sampleLo = in.readLong();
        long errorSampleHash = in.readLong();
        long errorSampleHi = in.readLong();
        long errorSampleLo = in.readLong();
        EdgeCalls c = new EdgeCalls(client, server, KafkaRange.read(in));
        c.typeMask = typeMask;
        c.calls = calls;
        c.errors = errors;
        c.firstMillis = first;
        c.lastMillis = last;
        c.sampleHash = sampleHash;
        c.sampleHi = sampleHi;
        c.sampleLo = sampleLo;
        c.errorSampleHash = errorSampleHash;
        c.errorSampleHi = errorSampleHi;
        c.errorSampleLo = errorSampleLo;
        return c;
    }
}
