package org.otlpanalytics.operators.edges;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * Pairs halves of a call within the source subtask, before the shuffle by trace
 * ({@link LocalPairingBuffer} decides as {@link EdgePairer} would): the calls it pairs, and the
 * root spans it settles, leave as edges on {@link #LOCAL_EDGES} for a pre-aggregator chained
 * beside it; every other half goes on to the shuffle, in arrival order, before the next watermark
 * of this subtask is forwarded, before it is marked idle, before a checkpoint barrier, at a bound
 * and at end of input. So it
 * keeps no state but its {@link WatermarkHorizon}, and a half reaches the pairing under the same
 * watermark as without it.
 *
 * <p>Why: in a profile of the edge pipeline, the shuffle of every half (serialization on the
 * source side, deserialization, the waiting map and the deadline queue on the pairing side) cost
 * more than decoding; the two halves of most calls are in the same export batch or the next, and
 * a call paired here costs a hash map insertion and removal.
 *
 * <p>The halves it ships leave in batches, one per key group of the pairing's keyBy
 * ({@link PendingSpanBatcher}, with this subtask's max parallelism, which is the pairing's: the job
 * gives both one parallelism, so both take the same default, and a restore gives both theirs from
 * the savepoint; {@link EdgeBatchPairer} refuses a half of a key group not its own).
 *
 * <p><b>Late halves are judged here, on their own partition.</b> A half whose start lies in a slot
 * of the pre-aggregation that the watermark of this subtask has closed for good (past the allowed
 * lateness, {@link EpochWindows#isLate}) can only give a late call: its own edges are dated by its
 * start, and a call by its caller's start, which is earlier. It is named at once ({@link
 * PeerNamer#virtualEdge}) and its edge leaves on {@link #LOCAL_EDGES}, where the chained
 * pre-aggregator, judging with the same slots against the same watermark, sends it to the late
 * edges; a half without a virtual peer is counted as an orphan. Counted as {@code halvesLate}.
 * Shipped, it would be judged after the shuffle against the smallest watermark over all source
 * subtasks: while another subtask lags (started late on a loaded machine), that one has not
 * moved, and a half long late on its partition paired or expired there as if on time, its call
 * counted in {@code service_call_5m} (the tests' {@code EdgesSlowPartitionTest}).
 *
 * <p>After a restore from a checkpoint without this operator's horizon (an older savepoint) it
 * pairs nothing locally in that run: it cannot know the horizon the pairing then judges against.
 */
public class EdgeLocalPairer extends HorizonStreamOperator<PendingSpanBatch>
        implements OneInputStreamOperator<PendingSpan, PendingSpanBatch>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Edge> LOCAL_EDGES = new OutputTag<>("edge-local-edges", TypeInformation.of(Edge.class));

    private final int maxHeld;
    /** The pre-aggregation's slots and allowed lateness: what makes a half late here. */
    private final EpochWindows slots;
    private transient LocalPairingBuffer buffer;
    private transient PendingSpanBatcher batcher;
    private transient boolean enabled;
    private transient Counter[] outcomes;
    private transient Counter unnamed;
    private transient Counter late;

    /**
     * @param maxHeld halves held before they are shipped without waiting for the next watermark
     * @param slotMillis the slot of the edge pre-aggregation ({@link EdgePreAggregator})
     * @param allowedLatenessMillis the allowed lateness of the edge pre-aggregation
     */
    public EdgeLocalPairer(int maxHeld, long slotMillis, long allowedLatenessMillis) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be >= 1, got " + maxHeld);
        }
        this.maxHeld = maxHeld;
        this.slots = new EpochWindows(slotMillis, allowedLatenessMillis);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        enabled = !context.isRestored() || horizon().restored() != Long.MIN_VALUE;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new LocalPairingBuffer(maxHeld);
        batcher = new PendingSpanBatcher(getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks());
        MetricGroup g = getMetricGroup().addGroup(EdgePairerMetrics.GROUP);
        outcomes = new Counter[OfferResult.Outcome.values().length];
        for (OfferResult.Outcome o : new OfferResult.Outcome[] {OfferResult.Outcome.PAIRED,
                OfferResult.Outcome.SAME_SERVICE, OfferResult.Outcome.VIRTUAL, OfferResult.Outcome.ORPHANED}) {
            outcomes[o.ordinal()] = g.counter(o.metricName());
        }
        unnamed = g.counter(EdgePairerMetrics.PEERS_UNNAMED);
        late = g.counter(EdgePairerMetrics.HALVES_LATE);
    }

    @Override
    public void processElement(StreamRecord<PendingSpan> element) {
        PendingSpan half = element.getValue();
        if (slots.isLate(EdgeMatcher.startMillis(half), lateBehind())) {
            nameLate(half);
            return;
        }
        if (!enabled) {
            output.collect(new StreamRecord<>(PendingSpanBatch.of(half), EdgeMatcher.startMillis(half)));
            return;
        }
        if (buffer.isFull()) {
            ship();
        }
        OfferResult r = buffer.offer(half, lateBehind());
        if (r == null) {
            return;
        }
        outcomes[r.outcome().ordinal()].inc();
        if (r.hasEdge()) {
            Edge e = r.edge();
            if (PeerNamer.UNKNOWN_URN.equals(e.calleeUrn)) {
                unnamed.inc();
            }
            output.collect(LOCAL_EDGES, new StreamRecord<>(e, e.eventTimeMillis()));
        }
    }

    /** Names a late half at once: its edge, if it has one, leaves as a local edge (late there too). */
    private void nameLate(PendingSpan half) {
        late.inc();
        Edge e = PeerNamer.virtualEdge(half);
        if (e == null) {
            outcomes[OfferResult.Outcome.ORPHANED.ordinal()].inc();
            return;
        }
        outcomes[OfferResult.Outcome.VIRTUAL.ordinal()].inc();
        if (PeerNamer.UNKNOWN_URN.equals(e.calleeUrn)) {
            unnamed.inc();
        }
        output.collect(LOCAL_EDGES, new StreamRecord<>(e, e.eventTimeMillis()));
    }

    /** Ships what is held, then forwards the watermark: a held half never falls behind it. */
    @Override
    protected void onWatermark(long watermark) {
        ship();
    }

    /**
     * Ships what is held before the subtask is marked idle: the pairing's watermark then moves on
     * without this subtask's, and a half held past it would arrive late there.
     */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            ship();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        ship();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        ship();
    }

    @Override
    public void finish() throws Exception {
        ship();
        super.finish();
    }

    /** Halves held now; for tests. */
    int heldCount() {
        return buffer.size();
    }

    private void ship() {
        if (buffer != null && buffer.size() > 0) {
            buffer.drain(batcher::add);
            batcher.drain(b -> output.collect(new StreamRecord<>(b, b.minStartMillis())));
        }
    }
}
