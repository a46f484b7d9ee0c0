package org.otlpanalytics.operators.edges;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.CheckpointableKeyedStateBackend;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * Pairs CLIENT/PRODUCER halves with their SERVER/CONSUMER children on a stream keyed by trace
 * ({@link #traceKey}), with the decisions of {@link EdgeStore} and {@link EdgeMatcher}; when a
 * half's wait ends, {@link PeerNamer#virtualEdge} names the peer it called or the
 * {@code user}/broker that called it. Must run on a stream keyed by {@link #traceKey}; the
 * subclasses take one half per record ({@link EdgePairer}) or a batch of halves of one key group
 * ({@link EdgeBatchPairer}, the job's), and hand each half to {@link #offer}.
 *
 * <p>Pairing keys on the trace because the two halves of one call come from two services, in
 * two OTLP messages, possibly on two Kafka partitions and in either order: the trace id is the
 * only thing both know before they meet, and inside a trace the caller's span id (the callee's
 * parent) tells the call apart from the trace's other calls.
 *
 * <p><b>Where the halves wait.</b> Most halves wait milliseconds (their partner is in the same
 * export or the next one) and the rest at most {@code edges.store.ttl}, so they wait in the
 * subtask's {@link EdgeStore} on the heap, bounded by {@code edges.store.max-items}, and the
 * watermark ends their waits (no per-trace timers, no state access per span). At every checkpoint
 * the halves then waiting are mirrored into keyed state ({@code MapState<pairing span id,
 * PendingSpan>} of their trace, only what changed since the last checkpoint is written), so a
 * restore, and a rescale, redistributes them by trace like any keyed state, and on restore they
 * are read back into the store.
 *
 * <p><b>Waits end with the watermark, even right after a restore.</b> Whether a half's wait is
 * over is decided by its deadline against the watermark, never by when an expiry ran: a half
 * that arrives after its own deadline expires at once, and a waiting half whose deadline has
 * passed is expired before a newcomer can pair with it. The watermark is the operator's
 * {@link WatermarkHorizon}, kept in checkpointed state, so halves re-read before the first
 * watermark after a restore are judged as the failure-free run judged them.
 *
 * <p>Input are {@link PendingSpan}s ({@link PendingSpanMapper} reduces the spans before the
 * shuffle), one by one or in batches; either way the state, its name and its layout are the same,
 * so a savepoint of one restores into the other.
 */
public abstract class EdgePairingOperator<IN> extends HorizonStreamOperator<Edge> implements OneInputStreamOperator<IN, Edge> {
    private static final long serialVersionUID = 1L;
    static final String PENDING_SPANS = "edge-pending-spans";

    private final EdgeStoreOptions options;
    private final MapStateDescriptor<Long, PendingSpan> pendingDescriptor;

    private transient EdgeStore store;
    /** What keyed state holds since the last checkpoint, by (trace key, pairing span id). */
    private transient Map<MirrorKey, PendingSpan> mirrored;
    private transient MapState<Long, PendingSpan> pending;
    /** This subtask's key groups, and how many there are in all. */
    private transient KeyGroupRange keyGroups;
    private transient int maxParallelism;
    private transient Counter[] outcomes;
    private transient Counter expired;
    private transient Counter unnamed;

    protected EdgePairingOperator(EdgeStoreOptions options) {
        this.options = options;
        this.pendingDescriptor = new MapStateDescriptor<>(PENDING_SPANS, LongSerializer.INSTANCE, PendingSpanSerializer.INSTANCE);
    }

    /**
     * The key this operator expects: the 128-bit trace id folded to 64 bits. Two traces sharing
     * it only meet if they also share a pairing span id within one TTL, which random ids make
     * as unlikely as a 128-bit collision.
     */
    public static long traceKey(PendingSpan s) {
        return s.traceIdHi() * 0x9E3779B97F4A7C15L ^ s.traceIdLo();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        store = new EdgeStore(options);
        mirrored = new HashMap<>();
        pending = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, pendingDescriptor);
        keyGroups = ((CheckpointableKeyedStateBackend<?>) getKeyedStateBackend()).getKeyGroupRange();
        maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        if (context.isRestored()) {
            // the keys of this subtask's key groups (a restored handle can hold others after a rescale)
            KeyGroupRange mine = keyGroups;
            List<Long> keys = new ArrayList<>();
            try (Stream<?> all = getKeyedStateBackend().getKeys(PENDING_SPANS, VoidNamespace.INSTANCE)) {
                all.forEach(k -> {
                    if (mine.contains(KeyGroupRangeAssignment.assignToKeyGroup(k, maxParallelism))) {
                        keys.add((Long) k);
                    }
                });
            }
            for (Long k : keys) {
                setCurrentKey(k);
                for (Map.Entry<Long, PendingSpan> e : pending.entries()) {
                    if (store.restore(e.getValue())) {
                        mirrored.put(new MirrorKey(k, e.getKey()), e.getValue());
                    }
                }
            }
        }
        // judge from the restored horizon on; halves past it are handed back at the first watermark
        store.observeWatermark(horizon().current());
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup g = getMetricGroup().addGroup(EdgePairerMetrics.GROUP);
        outcomes = new Counter[OfferResult.Outcome.values().length];
        for (OfferResult.Outcome o : OfferResult.Outcome.values()) {
            outcomes[o.ordinal()] = g.counter(o.metricName());
        }
        expired = g.counter(EdgePairerMetrics.EDGES_EXPIRED);
        unnamed = g.counter(EdgePairerMetrics.PEERS_UNNAMED);
        g.gauge(EdgePairerMetrics.PENDING_SPANS, (Gauge<Long>) () -> (long) store.size());
        g.gauge(EdgePairerMetrics.PENDING_BYTES, (Gauge<Long>) store::approxHeapBytes);
    }

    /**
     * Offers a half; a half whose wait this ended early (too far from its partner in event time,
     * or past its deadline on arrival) is named at once. It could wait for the next watermark, as
     * the store's own {@link EdgeStore#expire} would hand it back, but it is then in no state: a
     * checkpoint taken in between would not hold it, and a restore from that checkpoint would
     * lose its edge. Naming it now sends the same edge downstream under the same watermark (this
     * operator names expired halves before it forwards a watermark).
     */
    protected final void offer(PendingSpan half) {
        OfferResult r = store.offer(half);
        outcomes[r.outcome().ordinal()].inc();
        if (r.hasEdge()) {
            emit(r.edge());
        }
        if (store.hasExpiredEarly()) {
            nameUnpaired(store.takeExpiredEarly());
        }
    }

    /** Ends the waits the watermark is past, earliest deadline first (before it is forwarded). */
    @Override
    protected void onWatermark(long watermark) {
        nameUnpaired(store.expire(horizon().effective(watermark)));
    }

    /** Edges to or from the virtual nodes the halves whose waits ended name; orphans counted. */
    private void nameUnpaired(List<PendingSpan> ended) {
        for (PendingSpan p : ended) {
            expired.inc();
            Edge e = PeerNamer.virtualEdge(p);
            if (e == null) {
                outcomes[OfferResult.Outcome.ORPHANED.ordinal()].inc();
            } else {
                outcomes[OfferResult.Outcome.VIRTUAL.ordinal()].inc();
                emit(e);
            }
        }
    }

    /** Mirrors the waiting halves into keyed state: writes the new ones, removes the gone ones. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        Map<MirrorKey, PendingSpan> now = new HashMap<>(Math.max(16, store.size() * 2));
        store.forEachPending(p -> now.put(new MirrorKey(traceKey(p), p.pairingSpanId()), p));
        for (Map.Entry<MirrorKey, PendingSpan> e : mirrored.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                setCurrentKey(e.getKey().traceKey);
                pending.remove(e.getKey().pairingSpanId);
            }
        }
        for (Map.Entry<MirrorKey, PendingSpan> e : now.entrySet()) {
            if (mirrored.get(e.getKey()) != e.getValue()) {
                setCurrentKey(e.getKey().traceKey);
                pending.put(e.getKey().pairingSpanId, e.getValue());
            }
        }
        mirrored = now;
    }

    /** True when {@code traceKey}'s key group is this subtask's: its half may be mirrored into keyed state here. */
    protected final boolean ownsKey(long traceKey) {
        return keyGroups.contains(KeyGroupRangeAssignment.assignToKeyGroup(traceKey, maxParallelism));
    }

    /** The number of key groups of this operator (its max parallelism). */
    protected final int maxParallelism() {
        return maxParallelism;
    }

    private void emit(Edge e) {
        if (PeerNamer.UNKNOWN_URN.equals(e.calleeUrn)) {
            unnamed.inc();
        }
        output.collect(new StreamRecord<>(e, e.eventTimeMillis()));
    }

    /** Halves waiting in this subtask ({@code pendingSpans} gauge); for tests and benchmarks. */
    long pendingCount() {
        return store.size();
    }

    /** A half's place in keyed state. */
    private record MirrorKey(long traceKey, long pairingSpanId) {}
}
