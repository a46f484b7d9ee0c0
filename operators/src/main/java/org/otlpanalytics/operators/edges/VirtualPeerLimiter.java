package org.otlpanalytics.operators.edges;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Caps the distinct uninstrumented peers one caller may have, so that hostile or runaway peer
 * names ({@code server.address}, {@code db.namespace}, destinations) cannot grow the per-edge
 * state of the aggregator and the topology without bound. Keyed by (tenant, caller); only edges
 * to virtual peers pass through it. A peer is admitted while the caller has fewer than
 * {@code maxPeers}; past that, edges to new peers are folded into {@link #OVERFLOW_URN} and
 * counted ({@code edgesFolded}). Admitted peers not seen for {@code idle} of event time are
 * forgotten (counted), so the state is bounded by {@code maxPeers} per caller.
 *
 * <p>Below the cap nothing changes and results stay deterministic; at the cap, which peers are
 * kept depends on arrival order (the alternative, holding back edges until a window closes,
 * would delay every edge).
 */
public class VirtualPeerLimiter extends KeyedProcessFunction<String, Edge, Edge> {
    private static final long serialVersionUID = 1L;
    public static final String OVERFLOW_URN = ResourceInfo.peerUrn("overflow", "other");
    public static final String OVERFLOW_NAME = "other";
    static final String PEERS = "virtual-peers";
    static final String PEER_COUNT = "virtual-peer-count";
    static final long SCAN_MILLIS = 60_000L;

    private final int maxPeers;
    private final long idleMillis;
    private final MapStateDescriptor<String, Long> peersDescriptor;
    private final ValueStateDescriptor<Integer> countDescriptor;
    private transient MapState<String, Long> peers;
    private transient ValueState<Integer> count;
    private transient Counter folded;
    private transient Counter expired;

    public VirtualPeerLimiter(int maxPeers, Duration idle) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("edges.max-peers-per-caller must be >= 1, got " + maxPeers);
        }
        this.maxPeers = maxPeers;
        this.idleMillis = idle.toMillis();
        this.peersDescriptor = new MapStateDescriptor<>(PEERS, Types.STRING, Types.LONG);
        this.countDescriptor = new ValueStateDescriptor<>(PEER_COUNT, Types.INT);
    }

    /** The key: tenant and caller. */
    public static String callerKey(Edge e) {
        return e.tenant + '\u0000' + e.callerUrn;
    }

    /** Whether an edge goes through the limiter: its callee is a named uninstrumented peer. */
    public static boolean toVirtualPeer(Edge e) {
        return e.calleeVirtual && !e.callerVirtual;
    }

    @Override
    public void open(OpenContext openContext) {
        peers = getRuntimeContext().getMapState(peersDescriptor);
        count = getRuntimeContext().getState(countDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(EdgePairerMetrics.PEER_LIMITER_GROUP);
        folded = g.counter(EdgePairerMetrics.EDGES_FOLDED);
        expired = g.counter(EdgePairerMetrics.PEERS_EXPIRED);
    }

    @Override
    public void processElement(Edge e, Context ctx, Collector<Edge> out) throws Exception {
        long t = e.eventTimeMillis();
        Long last = peers.get(e.calleeUrn);
        int n = count.value() == null ? 0 : count.value();
        if (last == null && n >= maxPeers) {
            folded.inc();
            e.calleeUrn = OVERFLOW_URN;
            e.calleeName = OVERFLOW_NAME;
            out.collect(e);
            return;
        }
        if (last == null) {
            count.update(n + 1);
            if (n == 0) {
                ctx.timerService().registerEventTimeTimer(scanTime(t));
            }
        }
        if (last == null || t > last) {
            peers.put(e.calleeUrn, t);
        }
        out.collect(e);
    }

    private long scanTime(long t) {
        return Math.floorDiv(t + idleMillis, SCAN_MILLIS) * SCAN_MILLIS + SCAN_MILLIS;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Edge> out) throws Exception {
        List<String> idle = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (Map.Entry<String, Long> en : peers.entries()) {
            if (en.getValue() + idleMillis < timestamp) {
                idle.add(en.getKey());
            } else {
                newest = Math.max(newest, en.getValue());
            }
        }
        for (String k : idle) {
            peers.remove(k);
        }
        expired.inc(idle.size());
        int n = (count.value() == null ? 0 : count.value()) - idle.size();
        if (n <= 0) {
            count.clear();
            return;
        }
        count.update(n);
        ctx.timerService().registerEventTimeTimer(Math.max(timestamp + SCAN_MILLIS, scanTime(newest)));
    }
}
