package org.otlpanalytics.operators.edges;

import org.otlpanalytics.operators.common.time.KeyedWindows;

/**
 * Everything {@link ServiceCallAggregator} keeps for one directed edge in one 5-minute bucket:
 * the edge's names and the {@link EdgeCalls} merged from the {@link EdgePartial}s of the bucket.
 * Every field is a function of the set of calls, not of their order or their partials.
 */
public final class ServiceCallBucket implements KeyedWindows.Window {
    long bucketStartMillis;
    String tenant;
    String callerUrn;
    String callerName;
    boolean callerVirtual;
    String calleeUrn;
    String calleeName;
    boolean calleeVirtual;
    boolean fired;
    final EdgeCalls calls;

    ServiceCallBucket() {
        this(new EdgeCalls());
    }

    ServiceCallBucket(EdgeCalls calls) {
        this.calls = calls;
    }

    /** A new, empty bucket for the partial's edge, named after it. */
    static ServiceCallBucket of(EdgePartial p, long bucketStartMillis) {
        ServiceCallBucket b = new ServiceCallBucket();
        b.bucketStartMillis = bucketStartMillis;
        b.tenant = p.tenant;
        b.callerUrn = p.callerUrn;
        b.callerName = p.callerName;
        b.callerVirtual = p.callerVirtual;
        b.calleeUrn = p.calleeUrn;
        b.calleeName = p.calleeName;
        b.calleeVirtual = p.calleeVirtual;
        return b;
    }

    @Override
    public boolean fired() {
        return fired;
    }

    @Override
    public void markFired() {
        fired = true;
    }
}
