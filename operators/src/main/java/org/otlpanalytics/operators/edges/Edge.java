package org.otlpanalytics.operators.edges;

import java.util.Objects;

/**
 * One observed call between two services, or between a service and a virtual node (a peer
 * that sends no telemetry: database, cache, broker, external host, or the {@code user} in front
 * of a root span). A Flink POJO: public fields and a public no-arg constructor.
 *
 * <p>Numbers that one side cannot know are {@link #ABSENT}: a virtual caller has no client
 * duration and no Kafka coordinates, a virtual callee has no server duration. {@link #failed}
 * is true when either instrumented side has status ERROR (the Collector's rule; a 4xx on a
 * SERVER span is not an ERROR by the semantic conventions, a 4xx on the CLIENT span is).
 */
public class Edge {
    /** Value of a duration, partition or offset that the edge has no span for. */
    public static final long ABSENT = -1L;

    /** The caller's tenant when the caller is instrumented, else the callee's. */
    public String tenant;

    public String callerUrn;
    /** {@code service.name}, or the display name of a virtual node ({@code user}, {@code kafka}). */
    public String callerName;
    public boolean callerVirtual;

    public String calleeUrn;
    /** {@code service.name}, or the display name of a virtual node ({@code postgresql}, {@code redis}). */
    public String calleeName;
    public boolean calleeVirtual;

    public ConnectionType connectionType;

    /** When the call started: the caller's start, or the callee's when the caller is virtual. */
    public long startTimeNanos;
    public long clientDurationNanos = ABSENT;
    public long serverDurationNanos = ABSENT;
    public boolean failed;

    // sample reference: the trace and the Kafka records of both spans
    public long traceIdHi;
    public long traceIdLo;
    public int callerPartition = (int) ABSENT;
    public long callerOffset = ABSENT;
    public int calleePartition = (int) ABSENT;
    public long calleeOffset = ABSENT;

    public Edge() {}

    /** Edge between two instrumented spans; the caller of this method checked the services differ. */
    static Edge between(PendingSpan caller, PendingSpan callee) {
        Edge e = new Edge();
        e.tenant = caller.tenant();
        e.callerUrn = caller.serviceUrn();
        e.callerName = caller.serviceName();
        e.calleeUrn = callee.serviceUrn();
        e.calleeName = callee.serviceName();
        e.connectionType = caller.isMessagingKind() || callee.isMessagingKind()
                ? ConnectionType.MESSAGING
                : caller.connectionType();
        e.startTimeNanos = caller.startTimeNanos();
        e.clientDurationNanos = caller.durationNanos();
        e.serverDurationNanos = callee.durationNanos();
        e.failed = caller.isError() || callee.isError();
        e.traceIdHi = caller.traceIdHi();
        e.traceIdLo = caller.traceIdLo();
        e.callerPartition = caller.kafkaPartition();
        e.callerOffset = caller.kafkaOffset();
        e.calleePartition = callee.kafkaPartition();
        e.calleeOffset = callee.kafkaOffset();
        return e;
    }

    /** Edge from an unpaired CLIENT/PRODUCER span to the peer it named. */
    static Edge toVirtualCallee(PendingSpan caller) {
        Edge e = new Edge();
        e.tenant = caller.tenant();
        e.callerUrn = caller.serviceUrn();
        e.callerName = caller.serviceName();
        e.calleeUrn = caller.peerUrn();
        e.calleeName = caller.peerName();
        e.calleeVirtual = true;
        e.connectionType = caller.connectionType();
        e.startTimeNanos = caller.startTimeNanos();
        e.clientDurationNanos = caller.durationNanos();
        e.failed = caller.isError();
        e.traceIdHi = caller.traceIdHi();
        e.traceIdLo = caller.traceIdLo();
        e.callerPartition = caller.kafkaPartition();
        e.callerOffset = caller.kafkaOffset();
        return e;
    }

    /** Edge from a virtual caller ({@code user}, a broker) to an unpaired SERVER/CONSUMER span. */
    static Edge fromVirtualCaller(PendingSpan callee) {
        Edge e = new Edge();
        e.tenant = callee.tenant();
        e.callerUrn = callee.peerUrn();
        e.callerName = callee.peerName();
        e.callerVirtual = true;
        e.calleeUrn = callee.serviceUrn();
        e.calleeName = callee.serviceName();
        e.connectionType = callee.connectionType();
        e.startTimeNanos = callee.startTimeNanos();
        e.serverDurationNanos = callee.durationNanos();
        e.failed = callee.isError();
        e.traceIdHi = callee.traceIdHi();
        e.traceIdLo = callee.traceIdLo();
        e.calleePartition = callee.kafkaPartition();
        e.calleeOffset = callee.kafkaOffset();
        return e;
    }

    /** The call's event time in epoch milliseconds, for timestamps and 5-minute buckets. */
    public long eventTimeMillis() {
        return Math.floorDiv(startTimeNanos, 1_000_000L);
    }

    public EdgeKey key() {
        return new EdgeKey(tenant, callerUrn, calleeUrn);
    }

    public boolean hasVirtualNode() {
        return callerVirtual || calleeVirtual;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Edge)) {
            return false;
        }
        Edge e = (Edge) o;
        return callerVirtual == e.callerVirtual
                && calleeVirtual == e.calleeVirtual
                && startTimeNanos == e.startTimeNanos
                && clientDurationNanos == e.clientDurationNanos
                && serverDurationNanos == e.serverDurationNanos
                && failed == e.failed
                && traceIdHi == e.traceIdHi
                && traceIdLo == e.traceIdLo
                && callerPartition == e.callerPartition
                && callerOffset == e.callerOffset
                && calleePartition == e.calleePartition
                && calleeOffset == e.calleeOffset
                && Objects.equals(tenant, e.tenant)
                && Objects.equals(callerUrn, e.callerUrn)
                && Objects.equals(callerName, e.callerName)
                && Objects.equals(calleeUrn, e.calleeUrn)
                && Objects.equals(calleeName, e.calleeName)
                && connectionType == e.connectionType;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, callerUrn, calleeUrn, startTimeNanos, traceIdHi, traceIdLo);
    }

    @Override
    public String toString() {
        return "Edge{" + tenant + " " + callerName + (callerVirtual ? "(virtual)" : "")
                + " -> " + calleeName + (calleeVirtual ? "(virtual)" : "")
                + " " + (connectionType == null ? "?" : connectionType.label())
                + (failed ? " failed" : "") + " client=" + clientDurationNanos + "ns server="
                + serverDurationNanos + "ns}";
    }
}
