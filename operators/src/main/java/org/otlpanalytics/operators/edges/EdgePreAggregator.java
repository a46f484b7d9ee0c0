package org.otlpanalytics.operators.edges;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * Local pre-aggregation of edges into {@link EdgePartial}s, chained to the pairing, so that the
 * shuffles to the peer limiter, the 5-minute aggregation and the topology carry one partial per
 * edge, slot and flush instead of one record per call (as {@code RedPreAggregator} does for RED).
 *
 * <p>Lateness is decided here, once, for every output of the pipeline: a call is late when its
 * slot ended more than the allowed lateness before the watermark ({@link EpochWindows#isLate}
 * with the slot as window), judged against the {@link WatermarkHorizon} so that a restore does
 * not reset it. Late calls go to {@link #LATE_EDGES} as edges (then dead letters), counted; so
 * {@code service_call_5m}, {@code topo_edge_time} and the live graph count the same calls.
 *
 * <p>Holds no keyed state: everything buffered is emitted before a checkpoint barrier, at end of
 * input and at {@code maxEntries} buffered partials; a slot's partials are emitted before the
 * first watermark that reaches the slot's end is forwarded. So a partial never overtakes the
 * watermark that could close its slot downstream (the limiters hold every partial until then
 * anyway), and an edge ships one partial per slot and checkpoint instead of one per watermark
 * (the watermark moves every second of event time): on RocksDB each partial costs a few state
 * reads and writes in every keyed stage after this one.
 */
public class EdgePreAggregator extends HorizonStreamOperator<EdgePartial>
        implements OneInputStreamOperator<Edge, EdgePartial>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Edge> LATE_EDGES = new OutputTag<>("edge-late-edges", TypeInformation.of(Edge.class));

    private final EpochWindows slots;
    private final int maxEntries;
    private transient Map<Key, EdgePartial> buffer;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter emitted;

    /**
     * @param slotMillis width of a partial's slot; it must divide every window downstream (the
     *     5-minute buckets, the live refresh interval) and be at most the topology idle timeout
     */
    public EdgePreAggregator(long slotMillis, long allowedLatenessMillis, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        this.slots = new EpochWindows(slotMillis, allowedLatenessMillis);
        this.maxEntries = maxEntries;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new HashMap<>();
        MetricGroup g = getMetricGroup().addGroup(EdgePairerMetrics.PRE_AGGREGATOR_GROUP);
        aggregated = g.counter(EdgePairerMetrics.EDGES_AGGREGATED);
        late = g.counter(EdgePairerMetrics.EDGES_LATE_DROPPED);
        emitted = g.counter(EdgePairerMetrics.PARTIALS_EMITTED);
    }

    @Override
    public void processElement(StreamRecord<Edge> element) {
        Edge e = element.getValue();
        long t = e.eventTimeMillis();
        if (slots.isLate(t, lateBehind())) {
            late.inc();
            output.collect(LATE_EDGES, new StreamRecord<>(e, t));
            return;
        }
        long slot = slots.start(t);
        Key k = new Key(e.tenant, e.callerUrn, e.calleeUrn, slot);
        EdgePartial p = buffer.get(k);
        if (p == null) {
            p = EdgePartial.of(e, slot);
            buffer.put(k, p);
        }
        p.calls.add(e);
        aggregated.inc();
        if (buffer.size() >= maxEntries) {
            flush();
        }
    }

    @Override
    protected void onWatermark(long watermark) throws Exception {
        flushEndedBy(watermark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Emits the partials of the slots whose last millisecond is at or before {@code watermark}. */
    private void flushEndedBy(long watermark) {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        int n = 0;
        for (Iterator<EdgePartial> it = buffer.values().iterator(); it.hasNext(); ) {
            EdgePartial p = it.next();
            if (slots.maxTimestamp(p.slotStartMillis) <= watermark) {
                output.collect(new StreamRecord<>(p, p.slotStartMillis));
                it.remove();
                n++;
            }
        }
        emitted.inc(n);
    }

    private void flush() {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        for (EdgePartial p : buffer.values()) {
            output.collect(new StreamRecord<>(p, p.slotStartMillis));
        }
        emitted.inc(buffer.size());
        buffer.clear();
    }

    /**
     * Where a call is buffered: its edge and slot. A plain class, not a record: a record's
     * equals and hashCode go through an invokedynamic bootstrap that costs measurably per call here.
     */
    private static final class Key {
        final String tenant;
        final String callerUrn;
        final String calleeUrn;
        final long slot;
        private final int hash;

        Key(String tenant, String callerUrn, String calleeUrn, long slot) {
            this.tenant = tenant;
            this.callerUrn = callerUrn;
            this.calleeUrn = calleeUrn;
            this.slot = slot;
            this.hash = ((Objects.hashCode(tenant) * 31 + Objects.hashCode(callerUrn)) * 31 + Objects.hashCode(calleeUrn)) * 31
                    + Long.hashCode(slot);
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return hash == k.hash && slot == k.slot && Objects.equals(calleeUrn, k.calleeUrn)
                    && Objects.equals(callerUrn, k.callerUrn) && Objects.equals(tenant, k.tenant);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
