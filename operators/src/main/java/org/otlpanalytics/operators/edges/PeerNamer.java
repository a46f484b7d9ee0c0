package org.otlpanalytics.operators.edges;

import org.otlpanalytics.schemas.resource.ResourceInfo;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Names the virtual node on the far side of a call nobody else reported: the uninstrumented
 * peer a CLIENT/PRODUCER span called, or the {@code user} / broker in front of a SERVER/CONSUMER
 * span. Names and addresses pass through as they are (they only ever become bound parameters);
 * the decoder has already cut them to {@link ResourceInfo#MAX_NAME_CHARS}.
 *
 * <p>Callee of an unpaired CLIENT/PRODUCER span, first match wins:
 * <ol>
 *   <li>{@code peer.service}: name as given, URN {@code urn:peer:service/<peer.service>};
 *   <li>{@code db.system.name} / {@code db.system}: name the system ({@code postgresql}), URN
 *       {@code urn:peer:<system>/<db.namespace, else server.address, else unknown>};
 *   <li>{@code messaging.system}: name the system ({@code kafka}), URN
 *       {@code urn:peer:<system>/<destination, else server.address, else unknown>};
 *   <li>{@code server.address}: name the address, URN {@code urn:peer:host/<address>};
 *   <li>otherwise {@code unknown}, URN {@code urn:peer:unknown/unknown}: the call is still
 *       drawn (as the Collector does), so traffic leaving a service for an unnamed place stays
 *       visible; operators count these edges as {@code peersUnnamed}.
 * </ol>
 *
 * <p>Caller of an unpaired SERVER/CONSUMER span: a CONSUMER naming a {@code messaging.system}
 * is fed by that broker (same URN rule as above); a root SERVER span (no parent) is called by
 * {@code user} ({@code urn:peer:user/user}); anything else has no name (null): its parent
 * exists but never arrived or was not a CLIENT/PRODUCER span, and inventing a caller would
 * hang unrelated services off one fake node.
 */
public final class PeerNamer {
    public static final String UNKNOWN = "unknown";
    public static final String USER = "user";
    public static final String SERVICE_SYSTEM = "service";
    public static final String HOST_SYSTEM = "host";
    public static final String UNKNOWN_URN = ResourceInfo.peerUrn(UNKNOWN, UNKNOWN);
    public static final String USER_URN = ResourceInfo.peerUrn(USER, USER);

    /** A virtual node: display name, {@code dim_resource} URN, and the kind of call to it. */
    public record Peer(String name, String urn, ConnectionType type) {
        public boolean isUnknown() {
            return UNKNOWN_URN.equals(urn);
        }
    }

    private PeerNamer() {}

    /** The peer an unpaired CLIENT/PRODUCER span called; never null. */
    public static Peer calleeOf(SpanRecord s) {
        ConnectionType type = connectionTypeOf(s);
        if (present(s.peerService)) {
            return new Peer(s.peerService, ResourceInfo.peerUrn(SERVICE_SYSTEM, s.peerService), type);
        }
        if (present(s.dbSystem)) {
            return new Peer(s.dbSystem,
                    ResourceInfo.peerUrn(s.dbSystem, firstOf(s.dbNamespace, s.serverAddress)), type);
        }
        if (present(s.messagingSystem)) {
            return broker(s);
        }
        if (present(s.serverAddress)) {
            return new Peer(s.serverAddress, ResourceInfo.peerUrn(HOST_SYSTEM, s.serverAddress), type);
        }
        return new Peer(UNKNOWN, UNKNOWN_URN, type);
    }

    /** The virtual caller of an unpaired SERVER/CONSUMER span, or null when it has none. */
    public static Peer callerOf(SpanRecord s) {
        if (s.kind == SpanRecord.KIND_CONSUMER && present(s.messagingSystem)) {
            return broker(s);
        }
        if (s.kind == SpanRecord.KIND_SERVER && s.parentSpanId == 0L) {
            return new Peer(USER, USER_URN, ConnectionType.REQUEST);
        }
        return null;
    }

    /**
     * Messaging kinds first (a PRODUCER talks to a broker whatever else it names), then a
     * database system, then a messaging system on a CLIENT span, else a plain request.
     */
    public static ConnectionType connectionTypeOf(SpanRecord s) {
        if (s.kind == SpanRecord.KIND_PRODUCER || s.kind == SpanRecord.KIND_CONSUMER) {
            return ConnectionType.MESSAGING;
        }
        if (present(s.dbSystem)) {
            return ConnectionType.DATABASE;
        }
        if (present(s.messagingSystem)) {
            return ConnectionType.MESSAGING;
        }
        return ConnectionType.REQUEST;
    }

    /**
     * The edge an unpaired half stands for once it stopped waiting, or null for an orphan
     * SERVER/CONSUMER span without a virtual caller (counted as {@code spansOrphaned}).
     */
    public static Edge virtualEdge(PendingSpan unpaired) {
        if (!unpaired.hasPeer()) {
            return null;
        }
        return unpaired.isCaller() ? Edge.toVirtualCallee(unpaired) : Edge.fromVirtualCaller(unpaired);
    }

    private static Peer broker(SpanRecord s) {
        return new Peer(s.messagingSystem,
                ResourceInfo.peerUrn(s.messagingSystem, firstOf(s.messagingDestination, s.serverAddress)),
                ConnectionType.MESSAGING);
    }

    private static String firstOf(String a, String b) {
        return present(a) ? a : present(b) ? b : UNKNOWN;
    }

    /** Absent attributes are null after decoding; empty strings are treated the same. */
    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }
}
