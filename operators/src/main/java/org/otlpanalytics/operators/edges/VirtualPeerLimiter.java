package org.otlpanalytics.operators.edges;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.limits.BottomK;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Caps the distinct uninstrumented peers one caller may have per slot of event time, so that
 * hostile or runaway peer names ({@code server.address}, {@code db.namespace}, destinations)
 * cannot grow the per-edge state of the aggregation and the topology without bound. Keyed by
 * (tenant, caller); only partials to virtual peers pass through it.
 *
 * <p><b>Which peers are kept does not depend on arrival order.</b> Per caller and slot it keeps
 * the {@code maxPeers} peers with the smallest stable hash (bottom-k, as RED's operation cap):
 * partials wait in state until the watermark passes the end of their slot, a peer with a smaller
 * hash arriving at the cap pushes out the admitted one with the largest hash, whose calls are
 * folded into the peer {@link #OVERFLOW_URN} (counted, {@code edgesFolded}). Then the admitted
 * peers' partials and the overflow partial are emitted, before the watermark that closes the
 * slot goes on downstream, so nothing there is late for it. A replay or a restart keeps the same
 * peers; the state per caller is at most {@code maxPeers + 1} partials per open slot.
 *
 * <p>A partial arriving after its slot was emitted but within the allowed lateness passes at
 * once: under its peer when the peer was admitted or the slot has room, else folded (admissions
 * already written are never taken back). Later ones go to {@link #LATE_PARTIALS}. Lateness is
 * judged against the {@link WatermarkHorizon}: run it in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}.
 */
public class VirtualPeerLimiter extends KeyedProcessFunction<String, EdgePartial, EdgePartial>
        implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    public static final String OVERFLOW_URN = ResourceInfo.peerUrn("overflow", "other");
    public static final String OVERFLOW_NAME = "other";
    public static final OutputTag<EdgePartial> LATE_PARTIALS =
            new OutputTag<>("virtual-peer-late-partials", EdgePartialSerializer.TYPE);
    static final String SLOTS = "virtual-peer-slots";
    static final String PARTIALS = "virtual-peer-partials";

    private final int maxPeers;
    private final long slotMillis;
    private final long allowedLatenessMillis;
    private final MapStateDescriptor<Long, PeerSlot> slotsDescriptor;
    private final MapStateDescriptor<String, EdgePartial> partialsDescriptor;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<PeerSlot> windows;
    private transient MapState<String, EdgePartial> partials;
    private transient Counter folded;
    private transient Counter evicted;
    private transient Counter late;

    /**
     * @param maxPeers peers kept per caller and slot ({@code edges-max-peers-per-caller})
     * @param slotMillis the slot of the partials ({@link EdgePreAggregator})
     */
    public VirtualPeerLimiter(int maxPeers, long slotMillis, long allowedLatenessMillis) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("edges.max-peers-per-caller must be >= 1, got " + maxPeers);
        }
        this.maxPeers = maxPeers;
        this.slotMillis = slotMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.slotsDescriptor = new MapStateDescriptor<>(SLOTS, LongSerializer.INSTANCE, new PeerSlot.Serializer());
        this.partialsDescriptor = new MapStateDescriptor<>(PARTIALS, StringSerializer.INSTANCE, new EdgePartialSerializer());
    }

    /** The key: tenant and caller, length-prefixed. */
    public static String callerKey(EdgePartial p) {
        return p.callerKey();
    }

    /** Whether a partial goes through the limiter: its callee is a named uninstrumented peer. */
    public static boolean toVirtualPeer(EdgePartial p) {
        return p.toVirtualPeer();
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new KeyedWindows<>(new EpochWindows(slotMillis, allowedLatenessMillis),
                getRuntimeContext().getMapState(slotsDescriptor), horizon);
        partials = getRuntimeContext().getMapState(partialsDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(EdgePairerMetrics.PEER_LIMITER_GROUP);
        folded = g.counter(EdgePairerMetrics.EDGES_FOLDED);
        evicted = g.counter(EdgePairerMetrics.PEERS_EVICTED);
        late = g.counter(EdgePairerMetrics.PARTIALS_LATE_DROPPED);
    }

    @Override
    public void processElement(EdgePartial p, Context ctx, Collector<EdgePartial> out) throws Exception {
        long slot = windows.assign(p.slotStartMillis, ctx.timerService());
        if (slot == KeyedWindows.LATE) {
            late.inc();
            ctx.output(LATE_PARTIALS, p);
            return;
        }
        PeerSlot w = windows.get(slot);
        boolean created = w == null;
        if (created) {
            w = new PeerSlot();
        }
        // a 64-bit collision of two names is treated as the same peer slot: the newcomer folds
        BottomK.Offer offer = BottomK.offer(w.admitted, StableHash.of(p.calleeUrn), p.calleeUrn, maxPeers, !w.fired);
        boolean admitted = offer.admitted();
        boolean changed = created || offer.changed();
        if (offer.pushedOut != null) {
            // a smaller hash at the cap: the admitted peer with the largest hash is pushed out
            String lastKey = peerKey(slot, offer.pushedOut);
            EdgePartial pushedOut = partials.get(lastKey);
            if (pushedOut != null) {
                folded.inc(pushedOut.calls.calls());
                foldIntoOverflow(slot, pushedOut);
                partials.remove(lastKey);
            }
            evicted.inc();
        }
        if (!admitted) {
            folded.inc(p.calls.calls());
        }
        if (w.fired) {
            // within the allowed lateness after the slot was emitted: passes at once
            out.collect(admitted ? p : overflowOf(p, p));
        } else if (admitted) {
            String k = peerKey(slot, p.calleeUrn);
            EdgePartial held = partials.get(k);
            if (held == null) {
                partials.put(k, p);
            } else {
                held.calls.merge(p.calls);
                partials.put(k, held);
            }
        } else {
            foldIntoOverflow(slot, p);
        }
        if (created) {
            windows.create(slot, w, ctx.timerService());
        } else if (changed) {
            windows.update(slot, w);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EdgePartial> out) throws Exception {
        windows.onTimer(timestamp, (slot, w) -> {
            for (String urn : w.admitted.values()) {
                String k = peerKey(slot, urn);
                EdgePartial p = partials.get(k);
                if (p != null) {
                    out.collect(p);
                    partials.remove(k);
                }
            }
            String ok = overflowKey(slot);
            EdgePartial o = partials.get(ok);
            if (o != null) {
                out.collect(o);
                partials.remove(ok);
            }
        }, null);
    }

    /** Adds a partial's calls to the slot's overflow partial (the calls stay counted, under the overflow peer). */
    private void foldIntoOverflow(long slot, EdgePartial p) throws Exception {
        if (p == null) {
            return;
        }
        String k = overflowKey(slot);
        EdgePartial o = partials.get(k);
        if (o == null) {
            o = overflowOf(p, null);
        }
        o.calls.merge(p.calls);
        partials.put(k, o);
    }

    /** The overflow partial of {@code like}'s caller and slot: holding {@code calls}' calls, or none. */
    private static EdgePartial overflowOf(EdgePartial like, EdgePartial calls) {
        EdgePartial o = EdgePartial.likeOf(like);
        o.calleeUrn = OVERFLOW_URN;
        o.calleeName = OVERFLOW_NAME;
        o.calleeVirtual = true;
        if (calls != null) {
            o.calls.merge(calls.calls);
        }
        return o;
    }

    private static String peerKey(long slot, String urn) {
        return CompositeKey.of(Long.toString(slot), urn);
    }

    /** Distinct from every peer's key: a null part is written as {@code -:}. */
    private static String overflowKey(long slot) {
        return CompositeKey.of(Long.toString(slot), null);
    }
}
