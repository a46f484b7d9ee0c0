package org.otlpanalytics.operators.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.operators.edges.ConnectionType;
import org.otlpanalytics.operators.edges.EdgeCalls;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.EdgePartialSerializer;

/**
 * Per directed edge (keyed as {@code service_call_5m}): the validity intervals of
 * {@code topo_edge_time} on the main output and the changes of the live graph on
 * {@link #LIVE_EDGES}, both from event time only. Input are {@link EdgePartial}s: the calls of
 * the edge in one slot ({@link TopologyOptions#slotMillis()}, a minute by default).
 *
 * <p><b>Intervals.</b> Calls fold into {@link EdgeRuns} (calls less than the idle timeout apart
 * share a run; a slot's first and last call stand for all of its calls, as a slot is shorter
 * than the idle timeout). A run's open row {@code [first, ∞)} is written once the slot of its
 * first call is past the allowed lateness, and its closed row {@code [first, last]} once the
 * slot of {@code last + idle timeout} is. A partial is late when its slot is past the allowed
 * lateness, so by then no partial that is not late can move either bound: a replay, or a restart
 * that interleaves partitions differently, writes the same rows. Lateness is judged against the
 * operator's {@link WatermarkHorizon} (run it in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}), so a call re-read
 * right after a restore cannot lower the start of a run whose open row was written. When a
 * bounded input ends, the watermark jumps to the end of time; every interval is then closed at
 * its last call (a replay keeps only those that ended before its range does, see the job).
 *
 * <p><b>Live graph.</b> Calls are also counted in slots of the refresh interval, one map-state
 * entry per slot (a partial reads and writes one slot and the small per-edge header, never the
 * whole window); at each refresh boundary the last window's calls, errors, rps, error rate and
 * p95 are emitted for the edge, or its removal once the window holds no call. At the end of a
 * bounded input each edge still in state is shown as of the boundary after its own last call.
 *
 * <p>One event-time timer per key at a time: the earliest of the next open, close and refresh.
 */
public class EdgeTopologyTracker extends KeyedProcessFunction<String, EdgePartial, TopoEdgeRow>
        implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LiveEdge> LIVE_EDGES = new OutputTag<>("live-edges", TypeInformation.of(LiveEdge.class));
    /** Partials late at this operator (only when a restore races the pre-aggregation's judgement; counted). */
    public static final OutputTag<EdgePartial> LATE_PARTIALS = new OutputTag<>("topology-late-partials", EdgePartialSerializer.TYPE);
    static final String STATE = "edge-topology";
    static final String LIVE_SLOTS = "edge-topology-live-slots";
    /** k of the KLL sketch the live p95 is read from. */
    static final int LIVE_KLL_K = 200;

    private final TopologyOptions options;
    private final EpochWindows slots;
    private final ValueStateDescriptor<TopologyState> stateDescriptor;
    private final MapStateDescriptor<Long, LiveWindow.Slot> liveDescriptor;
    private transient ValueState<TopologyState> state;
    private transient MapState<Long, LiveWindow.Slot> live;
    private transient WatermarkHorizon horizon;
    private transient Counter opened;
    private transient Counter closed;
    private transient Counter late;
    private transient Counter upserted;
    private transient Counter removed;

    public EdgeTopologyTracker(TopologyOptions options) {
        this.options = options;
        this.slots = new EpochWindows(options.slotMillis(), options.allowedLatenessMillis());
        this.stateDescriptor = new ValueStateDescriptor<>(STATE, new TopologyStateSerializer());
        this.liveDescriptor = new MapStateDescriptor<>(LIVE_SLOTS, LongSerializer.INSTANCE, new LiveSlotSerializer());
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        if (horizon == null) {
            throw new IllegalStateException("no watermark horizon: run EdgeTopologyTracker in a HorizonKeyedProcessOperator");
        }
        state = getRuntimeContext().getState(stateDescriptor);
        live = getRuntimeContext().getMapState(liveDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(TopologyMetrics.GROUP);
        opened = g.counter(TopologyMetrics.INTERVALS_OPENED);
        closed = g.counter(TopologyMetrics.INTERVALS_CLOSED);
        late = g.counter(TopologyMetrics.PARTIALS_LATE_DROPPED);
        upserted = g.counter(TopologyMetrics.LIVE_EDGES_UPSERTED);
        removed = g.counter(TopologyMetrics.LIVE_EDGES_REMOVED);
    }

    @Override
    public void processElement(EdgePartial p, Context ctx, Collector<TopoEdgeRow> out) throws Exception {
        long watermark = horizon.effective(ctx.timerService().currentWatermark());
        EdgeCalls c = p.calls;
        if (c.calls() == 0) {
            return;
        }
        if (slots.isLate(c.firstMillis(), watermark)) {
            late.inc();
            ctx.output(LATE_PARTIALS, p);
            return;
        }
        TopologyState s = current();
        if (s == null) {
            s = TopologyState.of(p);
        }
        int mask = c.typeMask();
        s.runs.add(c.firstMillis(), mask, options.idleTimeoutMillis());
        s.runs.add(c.lastMillis(), mask, options.idleTimeoutMillis());
        s.liveRuns.add(c.firstMillis(), mask, options.liveWindowMillis());
        s.liveRuns.add(c.lastMillis(), mask, options.liveWindowMillis());
        long slot = Math.floorDiv(c.firstMillis(), options.liveRefreshMillis()) * options.liveRefreshMillis();
        LiveWindow.Slot ls = live.get(slot);
        if (ls == null) {
            ls = new LiveWindow.Slot();
            s.liveSlots++;
        }
        ls.add(c);
        live.put(slot, ls);
        s.liveLastCall = Math.max(s.liveLastCall, c.lastMillis());
        if (s.nextLiveRefresh == TopologyState.NONE) {
            s.nextLiveRefresh = boundaryAbove(watermark == Long.MIN_VALUE ? c.firstMillis() : watermark);
        }
        schedule(s, ctx);
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TopoEdgeRow> out) throws Exception {
        TopologyState s = current();
        if (s == null) {
            return;
        }
        s.scheduledTimer = TopologyState.NONE;
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        // a run whose closing slot is past the lateness can neither grow nor merge any more; at
        // the end of the input every run is over
        for (EdgeRuns.Run r : s.runs.removeIf(r -> endOfInput || closeTime(r) <= timestamp)) {
            out.collect(row(s, r, false));
            closed.inc();
        }
        for (EdgeRuns.Run r : s.runs.runs()) {
            if (!r.openEmitted && openTime(r) <= timestamp) {
                r.openEmitted = true;
                out.collect(row(s, r, true));
                opened.inc();
            }
        }
        if (endOfInput) {
            // the watermark jumped to the end of time, from wherever it had got to: the edge is
            // shown as of the refresh boundary after its own last call, whatever that was
            if (s.liveSlots > 0) {
                refreshLive(s, ctx, boundaryAbove(s.liveLastCall), true);
            }
        } else if (s.nextLiveRefresh != TopologyState.NONE && s.nextLiveRefresh <= timestamp) {
            refreshLive(s, ctx, Math.floorDiv(timestamp, options.liveRefreshMillis()) * options.liveRefreshMillis(), false);
        }
        if (s.isIdle() || endOfInput) {
            state.clear();
            live.clear();
            return;
        }
        schedule(s, ctx);
        state.update(s);
    }

    /** The header, with the live window of a version-1 state moved into the map state first. */
    private TopologyState current() throws Exception {
        TopologyState s = state.value();
        if (s != null && s.legacyLive != null) {
            for (Map.Entry<Long, LiveWindow.Slot> e : s.legacyLive.slots().entrySet()) {
                live.put(e.getKey(), e.getValue());
            }
            s.liveSlots = s.legacyLive.slots().size();
            s.liveLastCall = s.legacyLive.isEmpty() ? Long.MIN_VALUE : s.legacyLive.lastCallMillis();
            s.legacyLive = null;
            state.update(s);
        }
        return s;
    }

    /** When the run's open row is written: once the slot of its first call is past the lateness. */
    private long openTime(EdgeRuns.Run r) {
        return slots.purgeTime(slots.start(r.start));
    }

    /** When the run is closed: once no call that is not late can be within the idle timeout after its last. */
    private long closeTime(EdgeRuns.Run r) {
        return slots.purgeTime(slots.start(r.end + options.idleTimeoutMillis() - 1));
    }

    /** Emits the live view of the window ending at {@code asOf}: the edge's properties, or its removal. */
    private void refreshLive(TopologyState s, OnTimerContext ctx, long asOf, boolean endOfInput) throws Exception {
        long window = options.liveWindowMillis();
        TreeMap<Long, LiveWindow.Slot> held = new TreeMap<>();
        for (Map.Entry<Long, LiveWindow.Slot> e : live.entries()) {
            held.put(e.getKey(), e.getValue());
        }
        List<Long> before = new ArrayList<>(held.keySet());
        LiveWindow.Summary w = new LiveWindow(held).summarize(asOf, window, LIVE_KLL_K);
        for (Long k : before) {
            if (!held.containsKey(k)) {
                live.remove(k);
            }
        }
        s.liveSlots = held.size();
        s.liveLastCall = held.isEmpty() ? Long.MIN_VALUE : new LiveWindow(held).lastCallMillis();
        // runs that ended before the window (and its lateness) can no longer be the current one
        s.liveRuns.removeEndedBy(asOf - window - options.allowedLatenessMillis() - 1);
        if (w.calls > 0) {
            s.liveShown = true;
            LiveEdge e = liveEdge(s, asOf);
            e.connectionType = ConnectionType.labels(w.typeMask);
            e.firstSeenMillis = runStart(s.liveRuns, w.lastMillis);
            e.lastSeenMillis = w.lastMillis;
            e.calls = w.calls;
            e.errors = w.errors;
            e.rps = w.calls / (window / 1000.0);
            e.errRate = (double) w.errors / w.calls;
            e.p95Ms = w.p95Ms;
            ctx.output(LIVE_EDGES, e);
            upserted.inc();
        } else if (s.liveShown) {
            LiveEdge e = liveEdge(s, asOf);
            e.removed = true;
            s.liveShown = false;
            ctx.output(LIVE_EDGES, e);
            removed.inc();
        }
        s.nextLiveRefresh = !endOfInput && (s.liveShown || s.liveSlots > 0)
                ? asOf + options.liveRefreshMillis() : TopologyState.NONE;
    }

    /**
     * The first call of the stretch of calls (no gap of a live window) that holds {@code t}:
     * when the edge, as it is in the live graph now, appeared. All calls of one window are in
     * one stretch, so this depends on the calls only, not on when refreshes happened.
     */
    private static long runStart(EdgeRuns runs, long t) {
        for (EdgeRuns.Run r : runs.runs()) {
            if (r.start <= t && t <= r.end) {
                return r.start;
            }
        }
        return t;
    }

    /** Keeps one timer per key, at the earliest moment something is due. */
    private void schedule(TopologyState s, Context ctx) {
        long next = Long.MAX_VALUE;
        for (EdgeRuns.Run r : s.runs.runs()) {
            if (!r.openEmitted) {
                next = Math.min(next, openTime(r));
            }
            next = Math.min(next, closeTime(r));
        }
        if (s.nextLiveRefresh != TopologyState.NONE) {
            next = Math.min(next, s.nextLiveRefresh);
        }
        if (next == Long.MAX_VALUE || next == s.scheduledTimer) {
            return;
        }
        if (s.scheduledTimer == TopologyState.NONE || next < s.scheduledTimer) {
            if (s.scheduledTimer != TopologyState.NONE) {
                ctx.timerService().deleteEventTimeTimer(s.scheduledTimer);
            }
            ctx.timerService().registerEventTimeTimer(next);
            s.scheduledTimer = next;
        }
    }

    private long boundaryAbove(long t) {
        return (Math.floorDiv(t, options.liveRefreshMillis()) + 1) * options.liveRefreshMillis();
    }

    private static TopoEdgeRow row(TopologyState s, EdgeRuns.Run r, boolean open) {
        TopoEdgeRow row = new TopoEdgeRow();
        row.tenant = s.tenant;
        row.callerUrn = s.callerUrn;
        row.callerName = s.callerName;
        row.callerVirtual = s.callerVirtual;
        row.calleeUrn = s.calleeUrn;
        row.calleeName = s.calleeName;
        row.calleeVirtual = s.calleeVirtual;
        row.relation = TopoEdgeRow.RELATION_CALLS;
        row.connectionType = ConnectionType.labels(r.typeMask);
        row.validFromMillis = r.start;
        row.validToMillis = r.end;
        row.open = open;
        return row;
    }

    private static LiveEdge liveEdge(TopologyState s, long asOf) {
        LiveEdge e = new LiveEdge();
        e.tenant = s.tenant;
        e.callerUrn = s.callerUrn;
        e.callerName = s.callerName;
        e.callerVirtual = s.callerVirtual;
        e.calleeUrn = s.calleeUrn;
        e.calleeName = s.calleeName;
        e.calleeVirtual = s.calleeVirtual;
        e.asOfMillis = asOf;
        return e;
    }
}
