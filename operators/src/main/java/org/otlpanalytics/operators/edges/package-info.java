/**
 * Service-call edges: CLIENT/PRODUCER spans paired with their SERVER/CONSUMER children across
 * services, plus edges to and from virtual nodes, after the OpenTelemetry Collector's
 * servicegraph connector. The core ({@link org.otlpanalytics.operators.edges.EdgeStore},
 * {@link org.otlpanalytics.operators.edges.EdgeMatcher},
 * {@link org.otlpanalytics.operators.edges.PeerNamer}) has no Flink imports; only
 * {@link org.otlpanalytics.operators.edges.PendingSpanSerializer} speaks Flink's serializer API.
 *
 * <p>Rules:
 * <ul>
 *   <li><b>Pairing key.</b> A CLIENT/PRODUCER span waits under (trace, its span id), a
 *       SERVER/CONSUMER span under (trace, its parent span id). Any caller kind pairs with any
 *       callee kind; the edge is {@code messaging_system} when either side is PRODUCER/CONSUMER,
 *       {@code database} when the caller names a db system, else {@code request}.
 *   <li><b>Waiting.</b> A half waits until its span's end time plus {@code edges.store.ttl}
 *       (default 10 s) of event time; only the watermark ends the wait, never the wall clock,
 *       and it is over as soon as the watermark passes the deadline: a half arriving later
 *       expires at once, and no half pairs with one whose deadline the watermark has passed.
 *       The watermark is kept in checkpointed state, so this holds right after a restore too.
 *       Pairing wins over naming: a CLIENT span naming a database still pairs with a SERVER
 *       child that arrives in time.
 *   <li><b>In time.</b> Two halves pair only when each starts before the other's deadline
 *       ({@link org.otlpanalytics.operators.edges.EdgeMatcher#staleOf}); otherwise the one with the
 *       earlier deadline expires at once. This keeps pairing independent of how Kafka partitions
 *       interleave, so replays and restarts draw the same edges.
 *   <li><b>Failed.</b> An edge failed when the caller or the callee span has status ERROR
 *       (either instrumented side; as the Collector). A virtual side never fails an edge.
 *   <li><b>Same service.</b> A pair whose two halves share tenant and service URN is consumed
 *       and counted ({@code sameServicePairsSkipped}); it is no edge and no virtual edge.
 *   <li><b>Unpaired caller.</b> Edge to the peer it names ({@code peer.service}, db system,
 *       messaging system, {@code server.address}); with none of these, to
 *       {@code urn:peer:unknown/unknown} named {@code unknown}, counted as {@code peersUnnamed}.
 *   <li><b>Root callee.</b> A SERVER span without parent is called by {@code user}, a CONSUMER
 *       naming a messaging system by that broker; emitted at once, as nothing can pair with it.
 *       A root CONSUMER naming no system is counted as {@code spansOrphaned}, no edge.
 *   <li><b>Orphan callee.</b> A SERVER span whose parent never came (or was not a CLIENT span)
 *       expires without an edge, counted as {@code spansOrphaned}; a CONSUMER naming a
 *       messaging system gets its broker as caller instead.
 *   <li><b>Second half of a side.</b> A span arriving where a span of the same side already
 *       waits (redelivery, a second SERVER for one CLIENT span) is dropped and counted
 *       ({@code spansDuplicated}).
 *   <li><b>Bound.</b> At {@code edges.store.max-items} waiting halves a new half is refused and
 *       counted ({@code spansDropped}); a span that completes a pair is still accepted.
 *   <li><b>After pairing.</b> Edges are pre-aggregated per edge and slot ({@link
 *       org.otlpanalytics.operators.edges.EdgePartial}); a call whose slot is past the allowed
 *       lateness is late for every output at once (dead-lettered); peers per caller and slot are
 *       capped by stable hash ({@link org.otlpanalytics.operators.edges.VirtualPeerLimiter}).
 * </ul>
 */
package org.otlpanalytics.operators.edges;
