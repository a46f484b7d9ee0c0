package org.otlpanalytics.operators.edges;

import org.otlpanalytics.operators.common.KafkaRange;

/**
 * Everything {@link ServiceCallAggregator} keeps for one directed edge in one 5-minute bucket.
 * Every field is a function of the set of edges added, not of their order: counts and sums,
 * min/max times, OR-ed connection types, a {@link DurationStats} per side, Kafka offset ranges,
 * and the sample trace with the smallest hash (one failed call's trace when there is one).
 */
public final class ServiceCallBucket {
    long bucketStartMillis;
    String tenant;
    String callerUrn;
    String callerName;
    boolean callerVirtual;
    String calleeUrn;
    String calleeName;
    boolean calleeVirtual;
    int typeMask;
    boolean fired;
    long calls;
    long errors;
    long firstSeenMillis = Long.MAX_VALUE;
    long lastSeenMillis = Long.MIN_VALUE;
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

    ServiceCallBucket() {
        this(new DurationStats(), new DurationStats(), new KafkaRange());
    }

    ServiceCallBucket(DurationStats client, DurationStats server, KafkaRange range) {
        this.client = client;
        this.server = server;
        this.range = range;
    }

    /** A new bucket for the edge's key, named after the edge. */
    static ServiceCallBucket of(Edge e, long bucketStartMillis) {
        ServiceCallBucket b = new ServiceCallBucket();
        b.bucketStartMillis = bucketStartMillis;
        b.tenant = e.tenant;
        b.callerUrn = e.callerUrn;
        b.callerName = e.callerName;
        b.callerVirtual = e.callerVirtual;
        b.calleeUrn = e.calleeUrn;
        b.calleeName = e.calleeName;
        b.calleeVirtual = e.calleeVirtual;
        return b;
    }

    void add(Edge e) {
        calls++;
        if (e.failed) {
            errors++;
        }
        typeMask |= e.connectionType.bit();
        long t = e.eventTimeMillis();
        firstSeenMillis = Math.min(firstSeenMillis, t);
        lastSeenMillis = Math.max(lastSeenMillis, t);
        client.add(e.clientDurationNanos);
        server.add(e.serverDurationNanos);
        long h = traceHash(e.traceIdHi, e.traceIdLo);
        if (calls == 1 || Long.compareUnsigned(h, sampleHash) < 0) {
            sampleHash = h;
            sampleHi = e.traceIdHi;
            sampleLo = e.traceIdLo;
        }
        if (e.failed && (errors == 1 || Long.compareUnsigned(h, errorSampleHash) < 0)) {
            errorSampleHash = h;
            errorSampleHi = e.traceIdHi;
            errorSampleLo = e.traceIdLo;
        }
        // the Kafka records behind the call; a virtual side has no record (partition -1 is skipped)
        range.add(e.callerPartition, e.callerOffset, t);
        range.add(e.calleePartition, e.calleeOffset, t);
    }

    /** A well-mixed hash of a trace id, so the sample is an arbitrary but fixed call of the bucket. */
    static long traceHash(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** Hex trace id of the sample: a failed call's trace when the bucket has errors. */
    String sampleTraceId() {
        if (calls == 0) {
            return null;
        }
        return errors > 0 ? String.format("%016x%016x", errorSampleHi, errorSampleLo)
                : String.format("%016x%016x", sampleHi, sampleLo);
    }
}
