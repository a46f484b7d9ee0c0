package org.otlpanalytics.operators.edges;

import java.util.Objects;
import org.otlpanalytics.schemas.resource.ResourceInfo;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * One half of a call waiting for the other half: a CLIENT/PRODUCER span (the caller side) or a
 * SERVER/CONSUMER span (the callee side), reduced to what an {@link Edge} needs. Immutable and
 * small, so that a keyed operator can hold it in {@code MapState<Long, PendingSpan>} with
 * {@link PendingSpanSerializer}.
 *
 * <p>Both sides meet under the same pairing span id: the caller registers under its own span id,
 * the callee under its parent span id, which the caller's instrumentation propagated as the
 * callee's parent. The virtual counterpart (the peer a caller named, the {@code user} or broker
 * in front of a callee) is resolved by {@link PeerNamer} when the span arrives, so expiry needs
 * no other input; it is only used if no real counterpart shows up in time.
 */
public final class PendingSpan {
    private final long traceIdHi;
    private final long traceIdLo;
    private final long spanId;
    private final long parentSpanId;
    private final byte kind;
    private final byte statusCode;
    private final ConnectionType connectionType;
    private final String tenant;
    private final String serviceName;
    private final String serviceUrn;
    private final long startTimeNanos;
    private final long durationNanos;
    private final int kafkaPartition;
    private final long kafkaOffset;
    private final long deadlineMillis;
    /** Virtual counterpart, null when there is none (an orphan SERVER/CONSUMER span). */
    private final String peerName;
    private final String peerUrn;

    PendingSpan(long traceIdHi, long traceIdLo, long spanId, long parentSpanId, int kind,
            int statusCode, ConnectionType connectionType, String tenant, String serviceName,
            String serviceUrn, long startTimeNanos, long durationNanos, int kafkaPartition,
            long kafkaOffset, long deadlineMillis, String peerName, String peerUrn) {
        this.traceIdHi = traceIdHi;
        this.traceIdLo = traceIdLo;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.kind = (byte) kind;
        this.statusCode = (byte) statusCode;
        this.connectionType = Objects.requireNonNull(connectionType, "connectionType");
        this.tenant = tenant;
        this.serviceName = serviceName;
        this.serviceUrn = serviceUrn;
        this.startTimeNanos = startTimeNanos;
        this.durationNanos = durationNanos;
        this.kafkaPartition = kafkaPartition;
        this.kafkaOffset = kafkaOffset;
        this.deadlineMillis = deadlineMillis;
        this.peerName = peerName;
        this.peerUrn = peerUrn;
    }

    /**
     * True for the spans pairing looks at: CLIENT/PRODUCER with a span id, and any SERVER/CONSUMER.
     * INTERNAL and UNSPECIFIED spans never describe a call between processes.
     */
    public static boolean isPairable(SpanRecord s) {
        switch (s.kind) {
            case SpanRecord.KIND_CLIENT:
            case SpanRecord.KIND_PRODUCER:
                return s.spanId != 0L;
            case SpanRecord.KIND_SERVER:
            case SpanRecord.KIND_CONSUMER:
                return true;
            default:
                return false;
        }
    }

    /**
     * The event time a span is waited for from: its end, because a span is exported when it ends,
     * so the other half of a long call is only due after the later of the two ends.
     */
    public static long eventTimeMillis(SpanRecord s) {
        return Math.floorDiv(Math.max(s.startTimeNanos, s.endTimeNanos), 1_000_000L);
    }

    /**
     * Reduces a pairable span; it waits until {@code eventTimeMillis + ttlMillis} of event time.
     *
     * @throws IllegalArgumentException when {@link #isPairable} is false
     */
    public static PendingSpan of(SpanRecord s, long eventTimeMillis, long ttlMillis) {
        return of(s, eventTimeMillis, ttlMillis, null);
    }

    /** As {@link #of(SpanRecord, long, long)}, its strings taken from {@code strings} when it is not null. */
    static PendingSpan of(SpanRecord s, long eventTimeMillis, long ttlMillis, CanonicalStrings strings) {
        if (!isPairable(s)) {
            throw new IllegalArgumentException("not a pairable span: " + s);
        }
        PeerNamer.Peer peer = isCallerKind(s.kind) ? PeerNamer.calleeOf(s) : PeerNamer.callerOf(s);
        String tenant = orDefault(s.tenant, ResourceInfo.DEFAULT_TENANT);
        String service = orDefault(s.serviceName, ResourceInfo.UNKNOWN_SERVICE);
        String urn = s.serviceUrn != null
                ? s.serviceUrn
                : ResourceInfo.serviceUrn(orDefault(s.serviceNamespace, ResourceInfo.DEFAULT_NAMESPACE), service);
        String peerName = peer == null ? null : peer.name();
        String peerUrn = peer == null ? null : peer.urn();
        if (strings != null) {
            tenant = strings.of(tenant);
            service = strings.of(service);
            urn = strings.of(urn);
            peerName = strings.of(peerName);
            peerUrn = strings.of(peerUrn);
        }
        return new PendingSpan(s.traceIdHi, s.traceIdLo, s.spanId, s.parentSpanId, s.kind, s.statusCode,
                peer != null ? peer.type() : PeerNamer.connectionTypeOf(s), tenant, service, urn,
                s.startTimeNanos, s.durationNanos(), s.kafkaPartition, s.kafkaOffset,
                saturatedAdd(eventTimeMillis, ttlMillis), peerName, peerUrn);
    }

    static boolean isCallerKind(int kind) {
        return kind == SpanRecord.KIND_CLIENT || kind == SpanRecord.KIND_PRODUCER;
    }

    /** CLIENT/PRODUCER: waits for a SERVER/CONSUMER child. */
    public boolean isCaller() {
        return isCallerKind(kind);
    }

    /** The id both halves of one call share: the caller's span id, the callee's parent span id. */
    public long pairingSpanId() {
        return isCaller() ? spanId : parentSpanId;
    }

    /** A SERVER/CONSUMER span without parent: no caller can ever show up. */
    public boolean isRoot() {
        return !isCaller() && parentSpanId == 0L;
    }

    boolean isMessagingKind() {
        return kind == SpanRecord.KIND_PRODUCER || kind == SpanRecord.KIND_CONSUMER;
    }

    public boolean isError() {
        return statusCode == SpanRecord.STATUS_ERROR;
    }

    /** Same tenant and same service URN: a call inside one service, not an edge. */
    public boolean sameServiceAs(PendingSpan o) {
        return Objects.equals(tenant, o.tenant) && Objects.equals(serviceUrn, o.serviceUrn);
    }

    public boolean hasPeer() {
        return peerUrn != null;
    }

    public long traceIdHi() {
        return traceIdHi;
    }

    public long traceIdLo() {
        return traceIdLo;
    }

    public long spanId() {
        return spanId;
    }

    public long parentSpanId() {
        return parentSpanId;
    }

    public int kind() {
        return kind;
    }

    public int statusCode() {
        return statusCode;
    }

    public ConnectionType connectionType() {
        return connectionType;
    }

    public String tenant() {
        return tenant;
    }

    public String serviceName() {
        return serviceName;
    }

    public String serviceUrn() {
        return serviceUrn;
    }

    public long startTimeNanos() {
        return startTimeNanos;
    }

    public long durationNanos() {
        return durationNanos;
    }

    public int kafkaPartition() {
        return kafkaPartition;
    }

    public long kafkaOffset() {
        return kafkaOffset;
    }

    /** Event time (epoch ms) at which this half stops waiting; a Flink timer goes here. */
    public long deadlineMillis() {
        return deadlineMillis;
    }

    public String peerName() {
        return peerName;
    }

    public String peerUrn() {
        return peerUrn;
    }

    /**
     * Rough heap footprint in the in-memory {@link EdgeStore}, assuming no string is shared with
     * another object (an upper bound: spans of one resource share their resource strings).
     */
    long approxHeapBytes() {
        return 112 + stringBytes(tenant) + stringBytes(serviceName) + stringBytes(serviceUrn)
                + stringBytes(peerName) + stringBytes(peerUrn);
    }

    private static long stringBytes(String s) {
        // String header + byte[] header, Latin-1 payload rounded up to 8
        return s == null ? 0 : 40 + ((s.length() + 7) & ~7L);
    }

    private static String orDefault(String s, String dflt) {
        return s == null || s.isEmpty() ? dflt : s;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PendingSpan)) {
            return false;
        }
        PendingSpan p = (PendingSpan) o;
        return traceIdHi == p.traceIdHi
                && traceIdLo == p.traceIdLo
                && spanId == p.spanId
                && parentSpanId == p.parentSpanId
                && kind == p.kind
                && statusCode == p.statusCode
                && connectionType == p.connectionType
                && startTimeNanos == p.startTimeNanos
                && durationNanos == p.durationNanos
                && kafkaPartition == p.kafkaPartition
                && kafkaOffset == p.kafkaOffset
                && deadlineMillis == p.deadlineMillis
                && Objects.equals(tenant, p.tenant)
                && Objects.equals(serviceName, p.serviceName)
                && Objects.equals(serviceUrn, p.serviceUrn)
                && Objects.equals(peerName, p.peerName)
                && Objects.equals(peerUrn, p.peerUrn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(traceIdHi, traceIdLo, spanId, parentSpanId, kind, serviceUrn);
    }

    @Override
    public String toString() {
        return "PendingSpan{" + serviceName + " " + SpanRecord.kindName(kind)
                + " span=" + Long.toHexString(spanId) + " parent=" + Long.toHexString(parentSpanId)
                + " deadline=" + deadlineMillis + (peerUrn == null ? "" : " peer=" + peerUrn) + "}";
    }
}
