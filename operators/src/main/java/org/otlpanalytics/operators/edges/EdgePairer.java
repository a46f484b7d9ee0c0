package org.otlpanalytics.operators.edges;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * Pairs CLIENT/PRODUCER spans with their SERVER/CONSUMER children, keyed by trace
 * ({@link #traceKey}): the keyed-state twin of {@link EdgeStore}, making the same decisions
 * through {@link EdgeMatcher}. A half waits in {@code MapState<pairing span id, PendingSpan>} of
 * its trace, with an event-time timer at {@link PendingSpan#deadlineMillis()}; when the timer
 * fires, {@link PeerNamer#virtualEdge} names the peer it called or the {@code user}/broker that
 * called it.
 *
 * <p>Pairing keys on the trace because the two halves of one call come from two services, in
 * two OTLP messages, possibly on two Kafka partitions and in either order: the trace id is the
 * only thing both know before they meet, and inside a trace the caller's span id (the callee's
 * parent) tells the call apart from the trace's other calls.
 *
 * <p>{@code edges.store.max-items} bounds the halves waiting in one subtask. Keyed state cannot
 * be counted per subtask, so the count is a field kept in union operator state with the
 * subtask's index: restored as it was when the parallelism is unchanged, and spread evenly over
 * the subtasks after a rescale (the cap is a safety bound, not a number rows depend on).
 *
 * <p><b>Waits end with the watermark, even right after a restore.</b> A half whose deadline the
 * watermark has passed has stopped waiting, whether or not its timer has fired yet: a half that
 * arrives after its own deadline expires at once instead of waiting for the next watermark, and a
 * waiting half whose deadline has passed is expired before the newcomer is looked at. The
 * watermark is the operator's {@link WatermarkHorizon} (so it must run in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}): after a restore,
 * halves re-read before the first watermark are judged as the failure-free run judged them, not
 * paired with a partner that run had already given up on.
 *
 * <p>Input are {@link PendingSpan}s ({@link PendingSpanMapper} reduces the spans before the
 * shuffle, which then carries about 110 bytes per half with {@link PendingSpanSerializer}).
 */
public class EdgePairer extends KeyedProcessFunction<Long, PendingSpan, Edge>
        implements CheckpointedFunction, WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    static final String PENDING_SPANS = "edge-pending-spans";
    static final String PENDING_COUNT = "edge-pending-count";

    private final EdgeStoreOptions options;
    private final MapStateDescriptor<Long, PendingSpan> pendingDescriptor;
    private final ListStateDescriptor<Tuple3<Integer, Long, Long>> countDescriptor;

    private transient MapState<Long, PendingSpan> pending;
    private transient ListState<Tuple3<Integer, Long, Long>> countState;
    private transient long pendingCount;
    private transient long pendingBytes;
    private transient Counter[] outcomes;
    private transient Counter expired;
    private transient Counter unnamed;
    private transient WatermarkHorizon horizon;

    public EdgePairer(EdgeStoreOptions options) {
        this.options = options;
        this.pendingDescriptor = new MapStateDescriptor<>(PENDING_SPANS, LongSerializer.INSTANCE, PendingSpanSerializer.INSTANCE);
        this.countDescriptor = new ListStateDescriptor<>(PENDING_COUNT,
                TypeInformation.of(new TypeHint<Tuple3<Integer, Long, Long>>() {}));
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
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        countState = context.getOperatorStateStore().getUnionListState(countDescriptor);
        pendingCount = 0;
        pendingBytes = 0;
        if (!context.isRestored()) {
            return;
        }
        int me = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        List<Tuple3<Integer, Long, Long>> all = new ArrayList<>();
        countState.get().forEach(all::add);
        long totalCount = 0;
        long totalBytes = 0;
        for (Tuple3<Integer, Long, Long> t : all) {
            totalCount += t.f1;
            totalBytes += t.f2;
            if (all.size() == parallelism && t.f0 == me) {
                pendingCount = t.f1;
                pendingBytes = t.f2;
            }
        }
        if (all.size() != parallelism) {
            pendingCount = totalCount / parallelism;
            pendingBytes = totalBytes / parallelism;
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        countState.update(List.of(Tuple3.of(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                pendingCount, pendingBytes)));
    }

    @Override
    public void open(OpenContext openContext) {
        if (horizon == null) {
            throw new IllegalStateException("no watermark horizon: run EdgePairer in a HorizonKeyedProcessOperator");
        }
        pending = getRuntimeContext().getMapState(pendingDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(EdgePairerMetrics.GROUP);
        outcomes = new Counter[OfferResult.Outcome.values().length];
        for (OfferResult.Outcome o : OfferResult.Outcome.values()) {
            outcomes[o.ordinal()] = g.counter(o.metricName());
        }
        expired = g.counter(EdgePairerMetrics.EDGES_EXPIRED);
        unnamed = g.counter(EdgePairerMetrics.PEERS_UNNAMED);
        g.gauge(EdgePairerMetrics.PENDING_SPANS, (Gauge<Long>) () -> pendingCount);
        g.gauge(EdgePairerMetrics.PENDING_BYTES, (Gauge<Long>) () -> pendingBytes);
    }

    @Override
    public void processElement(PendingSpan in, Context ctx, Collector<Edge> out) throws Exception {
        OfferResult settled = EdgeMatcher.settleAlone(in);
        if (settled != null) {
            record(settled, out);
            return;
        }
        long watermark = horizon.effective(ctx.timerService().currentWatermark());
        long id = in.pairingSpanId();
        PendingSpan w = pending.get(id);
        if (w != null && EdgeMatcher.hasExpired(w, watermark)) {
            // its timer is due: its wait ended when the watermark passed its deadline
            remove(id, w, ctx);
            expire(w, out);
            w = null;
        }
        if (w != null) {
            PendingSpan stale = EdgeMatcher.staleOf(w, in);
            if (stale == in) {
                // the waiting half's partner cannot be this one: it waited for nothing
                record(OfferResult.pending(in), out);
                expire(in, out);
                return;
            }
            if (stale == w) {
                remove(id, w, ctx);
                expire(w, out);
                w = null;
            }
        }
        if (w != null) {
            OfferResult r = EdgeMatcher.match(w, in);
            if (EdgeMatcher.consumesWaiting(r)) {
                remove(id, w, ctx);
            }
            record(r, out);
            return;
        }
        if (EdgeMatcher.hasExpired(in, watermark)) {
            // arrived after its own deadline: its wait is already over
            record(OfferResult.pending(in), out);
            expire(in, out);
            return;
        }
        if (pendingCount >= options.maxItems()) {
            record(OfferResult.rejected(in), out);
            return;
        }
        pending.put(id, in);
        pendingCount++;
        pendingBytes += in.approxHeapBytes();
        ctx.timerService().registerEventTimeTimer(in.deadlineMillis());
        record(OfferResult.pending(in), out);
    }

    /** Ends the wait of the trace's halves due at {@code timestamp}, in deadline then span id order. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Edge> out) throws Exception {
        List<Map.Entry<Long, PendingSpan>> due = new ArrayList<>(2);
        for (Map.Entry<Long, PendingSpan> e : pending.entries()) {
            if (e.getValue().deadlineMillis() <= timestamp) {
                due.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        due.sort(Comparator.<Map.Entry<Long, PendingSpan>>comparingLong(e -> e.getValue().deadlineMillis())
                .thenComparingLong(Map.Entry::getKey));
        for (Map.Entry<Long, PendingSpan> e : due) {
            pending.remove(e.getKey());
            forget(e.getValue());
            expire(e.getValue(), out);
        }
        if (pending.isEmpty()) {
            pending.clear();
        }
    }

    /** Takes a half out of state before its deadline, with its timer unless another half shares it. */
    private void remove(long id, PendingSpan w, Context ctx) throws Exception {
        pending.remove(id);
        forget(w);
        boolean timerShared = false;
        for (PendingSpan other : pending.values()) {
            if (other.deadlineMillis() == w.deadlineMillis()) {
                timerShared = true;
                break;
            }
        }
        if (!timerShared) {
            ctx.timerService().deleteEventTimeTimer(w.deadlineMillis());
        }
        if (pending.isEmpty()) {
            pending.clear();
        }
    }

    private void forget(PendingSpan p) {
        pendingCount = Math.max(0, pendingCount - 1);
        pendingBytes = Math.max(0, pendingBytes - p.approxHeapBytes());
    }

    /** A half stopped waiting: an edge to or from the virtual node it named, or an orphan. */
    private void expire(PendingSpan p, Collector<Edge> out) {
        expired.inc();
        Edge e = PeerNamer.virtualEdge(p);
        if (e == null) {
            outcomes[OfferResult.Outcome.ORPHANED.ordinal()].inc();
            return;
        }
        outcomes[OfferResult.Outcome.VIRTUAL.ordinal()].inc();
        if (PeerNamer.UNKNOWN_URN.equals(e.calleeUrn)) {
            unnamed.inc();
        }
        out.collect(e);
    }

    private void record(OfferResult r, Collector<Edge> out) {
        outcomes[r.outcome().ordinal()].inc();
        if (r.hasEdge()) {
            if (PeerNamer.UNKNOWN_URN.equals(r.edge().calleeUrn)) {
                unnamed.inc();
            }
            out.collect(r.edge());
        }
    }

    /** Halves waiting in this subtask ({@code pendingSpans} gauge); for tests and benchmarks. */
    long pendingCount() {
        return pendingCount;
    }
}
