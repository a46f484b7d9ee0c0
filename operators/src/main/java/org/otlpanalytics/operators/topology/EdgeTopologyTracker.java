package org.otlpanalytics.operators.topology;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.edges.ConnectionType;
import org.otlpanalytics.operators.edges.Edge;

/**
 * Per directed edge (keyed as {@code service_call_5m}): the validity intervals of
 * {@code topo_edge_time} on the main output and the changes of the live graph on
 * {@link #LIVE_EDGES}, both from event time only.
 *
 * <p><b>Intervals.</b> Calls fold into {@link EdgeRuns} (calls less than the idle timeout apart
 * share a run). A run's open row {@code [first, ∞)} is written once the watermark is the
 * allowed lateness past its first call, and its closed row {@code [first, last]} once it is the
 * idle timeout plus the allowed lateness past its last call. By then no edge that is not late
 * can move either bound, so a replay, or a restart that interleaves partitions differently,
 * writes the same rows. When a bounded input ends, the watermark jumps to the end of time from
 * wherever its periodic emission had got to; every interval is then closed at its last call,
 * which keeps the final rows independent of how far the watermark had got.
 *
 * <p><b>Live graph.</b> Calls are also counted in slots of the refresh interval; at each refresh
 * boundary the last window's calls, errors, rps, error rate and p95 are emitted for the edge, or
 * its removal once the window holds no call. At the end of a bounded input each edge still in
 * state is shown as of the boundary after its own last call.
 *
 * <p>One event-time timer per key at a time: the earliest of the next open, close and refresh.
 */
public class EdgeTopologyTracker extends KeyedProcessFunction<String, Edge, TopoEdgeRow> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LiveEdge> LIVE_EDGES = new OutputTag<>("live-edges", TypeInformation.of(LiveEdge.class));
    public static final OutputTag<Edge> LATE_EDGES = new OutputTag<>("topology-late-edges", TypeInformation.of(Edge.class));
    static final String STATE = "edge-topology";
    /** k of the KLL sketch the live p95 is read from. */
    static final int LIVE_KLL_K = 200;

    private final TopologyOptions options;
    private final ValueStateDescriptor<TopologyState> stateDescriptor;
    private transient ValueState<TopologyState> state;
    private transient Counter opened;
    private transient Counter closed;
    private transient Counter late;
    private transient Counter upserted;
    private transient Counter removed;

    public EdgeTopologyTracker(TopologyOptions options) {
        this.options = options;
        this.stateDescriptor = new ValueStateDescriptor<>(STATE, new TopologyStateSerializer());
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(TopologyMetrics.GROUP);
        opened = g.counter(TopologyMetrics.INTERVALS_OPENED);
        closed = g.counter(TopologyMetrics.INTERVALS_CLOSED);
        late = g.counter(TopologyMetrics.EDGES_LATE_DROPPED);
        upserted = g.counter(TopologyMetrics.LIVE_EDGES_UPSERTED);
        removed = g.counter(TopologyMetrics.LIVE_EDGES_REMOVED);
    }

    @Override
    public void processElement(Edge edge, Context ctx, Collector<TopoEdgeRow> out) throws Exception {
        long t = edge.eventTimeMillis();
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && t < watermark - options.allowedLatenessMillis()) {
            late.inc();
            ctx.output(LATE_EDGES, edge);
            return;
        }
        TopologyState s = state.value();
        if (s == null) {
            s = TopologyState.of(edge);
        }
        int bit = edge.connectionType.bit();
        s.runs.add(t, bit, options.idleTimeoutMillis());
        long duration = edge.clientDurationNanos != Edge.ABSENT ? edge.clientDurationNanos : edge.serverDurationNanos;
        s.live.add(t, edge.failed, duration, bit, options.liveRefreshMillis());
        s.liveRuns.add(t, bit, options.liveWindowMillis());
        if (s.nextLiveRefresh == TopologyState.NONE) {
            s.nextLiveRefresh = boundaryAbove(watermark == Long.MIN_VALUE ? t : watermark);
        }
        schedule(s, ctx);
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TopoEdgeRow> out) throws Exception {
        TopologyState s = state.value();
        if (s == null) {
            return;
        }
        s.scheduledTimer = TopologyState.NONE;
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        long lateness = options.allowedLatenessMillis();
        // a run whose last call is this far behind can neither grow nor merge any more; at the
        // end of the input every run is over
        List<EdgeRuns.Run> ended = s.runs.removeEndedBy(endOfInput ? Long.MAX_VALUE
                : timestamp - lateness - options.idleTimeoutMillis());
        for (EdgeRuns.Run r : ended) {
            out.collect(row(s, r, false));
            closed.inc();
        }
        for (EdgeRuns.Run r : s.runs.runs()) {
            if (!r.openEmitted && r.start + lateness <= timestamp) {
                r.openEmitted = true;
                out.collect(row(s, r, true));
                opened.inc();
            }
        }
        if (endOfInput) {
            // the watermark jumped to the end of time, from wherever it had got to: the edge is
            // shown as of the refresh boundary after its own last call, whatever that was
            if (!s.live.isEmpty()) {
                refreshLive(s, ctx, boundaryAbove(s.live.lastCallMillis()), true);
            }
        } else if (s.nextLiveRefresh != TopologyState.NONE && s.nextLiveRefresh <= timestamp) {
            refreshLive(s, ctx, Math.floorDiv(timestamp, options.liveRefreshMillis()) * options.liveRefreshMillis(), false);
        }
        if (s.isIdle() || endOfInput) {
            state.clear();
            return;
        }
        schedule(s, ctx);
        state.update(s);
    }

    /** Emits the live view of the window ending at {@code asOf}: the edge's properties, or its removal. */
    private void refreshLive(TopologyState s, OnTimerContext ctx, long asOf, boolean endOfInput) {
        long window = options.liveWindowMillis();
        LiveWindow.Summary w = s.live.summarize(asOf, window, LIVE_KLL_K);
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
        s.nextLiveRefresh = !endOfInput && (s.liveShown || !s.live.isEmpty())
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
        long lateness = options.allowedLatenessMillis();
        for (EdgeRuns.Run r : s.runs.runs()) {
            if (!r.openEmitted) {
                next = Math.min(next, r.start + lateness);
            }
            next = Math.min(next, r.end + options.idleTimeoutMillis() + lateness);
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
