package org.otlpanalytics.operators.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.io.network.api.writer.ResultPartitionWriter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Local (per source subtask) pre-aggregation of metric points, chained to the source, as
 * {@code RedPreAggregator} does for spans: the shuffle by resource carries one
 * {@link MetricBatch} per resource and flush instead of one record per point, and within it one
 * {@link MetricPartial} per series and minute for gauges and delta points. Cumulative points
 * travel as they are: turning them into deltas needs all of a series' points in time order,
 * which only the keyed {@link MetricDeltaConverter} sees.
 *
 * <p>It never sends from inside a Kafka message, nor a whole buffer at once: a source cannot take
 * its checkpoint or send its barrier while it is in the middle of a message or of one mailbox
 * action, and sending a buffer (several MB) blocks there for as long as the shuffle is
 * back-pressured. So what it holds at a checkpoint is checkpointed (operator state, one serialized
 * block per subtask), not sent before the barrier; and what is to be sent — everything, at a
 * watermark that reaches the end of the earliest buffered minute; the oldest resources down to half,
 * when {@code maxEntries} points and partials are buffered — is sent from the task's mailbox in
 * actions of about {@link #CHUNK_ENTRIES} entries, between which the task takes a checkpoint
 * trigger (the mailbox runs in order what was put in it), and only while the task's network output
 * can take them (else the next action waits, out of the mailbox, for the output to free). A
 * watermark that arrives while some are still to be sent is held until they are out (the watermark
 * at which the converter converts a minute and the aggregator fires it, so nothing arrives after
 * the watermark that would make it late downstream, and a series' exports of one minute fold into
 * one partial). At end of input
 * (and with the final watermark) everything goes out at once. Gauges and deltas already later than
 * the allowed lateness at this operator's horizon (a {@link WatermarkHorizon}, also checkpointed)
 * go to {@link MetricMinuteAggregator#LATE_POINTS} as points (so they can be dead-lettered with
 * their Kafka position).
 */
public class MetricPreAggregator extends HorizonStreamOperator<MetricBatch>
        implements OneInputStreamOperator<MetricPoint, MetricBatch>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Default of {@code maxEntries}. */
    public static final int DEFAULT_MAX_ENTRIES = 50_000;
    /** Entries (at least: whole resources) one mailbox action sends. */
    public static final int CHUNK_ENTRIES = 500;
    /** State name of the buffer: never change, savepoints depend on it. */
    public static final String BUFFER_STATE = "metric-preaggregator-buffer";

    private final MetricOptions options;
    private final int maxEntries;
    private transient EpochWindows minutes;
    /** Builders by resource, oldest first (the order a full buffer drains in). */
    private transient LinkedHashMap<ResourceRef, Builder> buffer;
    private transient LastResource last;
    private transient int entries;
    /** Resources' batches taken out of the buffer, to be sent by mailbox actions, oldest first. */
    private transient ArrayDeque<Builder> sending;
    /** A watermark received while {@link #sending} was not empty, passed on when it is (else null). */
    private transient Watermark held;
    private transient boolean sendScheduled;
    private transient MailboxExecutor mailbox;
    private transient ResultPartitionWriter[] writers;
    private transient ListState<byte[]> bufferState;
    private transient MetricBatchSerializer serializer;
    /** The last millisecond of the earliest minute buffered: a watermark there flushes (MAX_VALUE: empty). */
    private transient long flushAt;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter ignored;
    private transient Counter batchesEmitted;

    public MetricPreAggregator(MetricOptions options, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        this.options = options;
        this.maxEntries = maxEntries;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        minutes = new EpochWindows(MetricOptions.WINDOW_MILLIS, options.allowedLatenessMillis());
        buffer = new LinkedHashMap<>();
        sending = new ArrayDeque<>();
        flushAt = Long.MAX_VALUE;
        serializer = new MetricBatchSerializer();
        bufferState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(BUFFER_STATE, BytePrimitiveArraySerializer.INSTANCE));
        if (context.isRestored()) {
            for (byte[] block : bufferState.get()) {
                for (MetricBatch b : read(block, serializer)) {
                    restore(b);
                }
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
        writers = getContainingTask().getEnvironment().getAllWriters();
        MetricGroup g = getMetricGroup().addGroup(MetricPipelineMetrics.PRE_AGGREGATOR_GROUP);
        aggregated = g.counter(MetricPipelineMetrics.POINTS_AGGREGATED);
        late = g.counter(MetricPipelineMetrics.POINTS_LATE_DROPPED);
        ignored = g.counter(MetricPipelineMetrics.POINTS_IGNORED);
        batchesEmitted = g.counter(MetricPipelineMetrics.BATCHES_EMITTED);
    }

    @Override
    public void processElement(StreamRecord<MetricPoint> element) {
        MetricPoint p = element.getValue();
        Builder b = builderOf(p);
        if (CumulativeToDelta.needsState(p)) {
            // a copy: the runtime reuses the input object (object reuse is on)
            b.add(p.copy());
            entries++;
            flushAt = Math.min(flushAt, MetricDeltaConverter.dueAt(p.timeMillis()));
        } else {
            long ts = p.timeMillis();
            if (minutes.isLate(ts, lateBehind())) {
                late.inc();
                output.collect(MetricMinuteAggregator.LATE_POINTS, new StreamRecord<>(p, ts));
                return;
            }
            long minute = minutes.start(ts);
            SeriesMinute k = new SeriesMinute(minute, p.name, p.labelsHash);
            MetricPartial q = b.partials.get(k);
            if (q == null) {
                q = new MetricPartial(minute, new MetricAccumulator(options.kllK()));
                b.partials.put(k, q);
                b.add(q);
                entries++;
                flushAt = Math.min(flushAt, minute + MetricOptions.WINDOW_MILLIS - 1);
            }
            if (!q.accumulator.add(p)) {
                ignored.inc();
                return;
            }
            q.observeService(p.serviceUrn, p.serviceName, p.serviceNamespace);
            aggregated.inc();
        }
        if (entries >= maxEntries) {
            // the oldest resources, down to half; sent after this message, by the mailbox
            Iterator<Builder> oldest = buffer.values().iterator();
            while (entries > maxEntries / 2 && oldest.hasNext()) {
                Builder o = oldest.next();
                oldest.remove();
                entries -= o.entries;
                sending.add(o);
            }
            last = null;
            if (buffer.isEmpty()) {
                flushAt = Long.MAX_VALUE; // else kept: a flush at a watermark before the earliest minute left is only early
            }
            scheduleSend();
        }
    }

    private void scheduleSend() {
        if (!sendScheduled && !sending.isEmpty()) {
            sendScheduled = true;
            executeSend();
        }
    }

    private void executeSend() {
        mailbox.execute(this::sendChunk, "metric pre-aggregator: send buffered batches");
    }

    /**
     * One mailbox action: sends the batches taken out, oldest first, while the task's network output
     * can take them, up to {@link #CHUNK_ENTRIES} entries; then the next action, or, when all are out,
     * the held watermark. When the output is full it returns and the next action is put in the mailbox
     * once the output can take more, so the task never waits for a buffer between two batches (only,
     * within Flink's overdraft, inside one).
     */
    private void sendChunk() throws Exception {
        sendScheduled = false;
        int sent = 0;
        while (!sending.isEmpty() && sent < CHUNK_ENTRIES) {
            CompletableFuture<?> full = outputFull();
            if (full != null) {
                sendScheduled = true;
                full.thenRun(this::resumeWhenOutputFrees);
                return;
            }
            Builder b = sending.poll();
            emit(b);
            sent += b.entries;
        }
        if (!sending.isEmpty()) {
            scheduleSend();
        } else {
            passHeldWatermark();
        }
    }

    /** Passes on the watermark held while batches were still to be sent, if any. */
    private void passHeldWatermark() throws Exception {
        if (held != null) {
            Watermark w = held;
            held = null;
            super.emitWatermark(w);
        }
    }

    /** The availability of the first of the task's network outputs that cannot take a record now, else null. */
    private CompletableFuture<?> outputFull() {
        for (ResultPartitionWriter w : writers) {
            if (!w.isAvailable()) {
                return w.getAvailableFuture();
            }
        }
        return null;
    }

    /** Called by the network when the output frees: the next send, in the mailbox. */
    private void resumeWhenOutputFrees() {
        try {
            executeSend();
        } catch (RejectedExecutionException closing) {
            // the task is closing: what was not sent is in its last checkpoint, or was sent by finish()
        }
    }

    /** Puts a batch read back from a checkpoint into the buffer, as the points it holds had arrived. */
    private void restore(MetricBatch r) {
        Builder b = buffer.computeIfAbsent(new ResourceRef(r.tenant, r.resourceUrn), k -> new Builder(k.tenant, k.resourceUrn));
        for (MetricPoint p : r.points) {
            b.add(p);
            entries++;
            flushAt = Math.min(flushAt, MetricDeltaConverter.dueAt(p.timeMillis()));
        }
        for (MetricPartial q : r.partials) {
            b.partials.putIfAbsent(new SeriesMinute(q.minuteStartMillis, q.accumulator.metric, q.accumulator.labelsHash), q);
            b.add(q);
            entries++;
            flushAt = Math.min(flushAt, q.minuteStartMillis + MetricOptions.WINDOW_MILLIS - 1);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<MetricBatch> kept = new ArrayList<>(sending.size() + buffer.size());
        for (Builder b : sending) {
            add(kept, b.toSend());
        }
        for (Builder b : buffer.values()) {
            add(kept, b.toSend());
        }
        if (kept.isEmpty()) {
            bufferState.clear();
        } else {
            bufferState.update(List.of(write(kept, serializer)));
        }
    }

    private static void add(List<MetricBatch> kept, MetricBatch b) {
        if (!b.isEmpty()) {
            kept.add(b);
        }
    }

    /** The batches as one block of operator state: their number, then each. */
    static byte[] write(List<MetricBatch> batches, MetricBatchSerializer serializer) throws java.io.IOException {
        DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
        out.writeInt(batches.size());
        for (MetricBatch b : batches) {
            serializer.serialize(b, out);
        }
        return out.getCopyOfBuffer();
    }

    /** The batches of a block {@link #write} wrote. */
    static List<MetricBatch> read(byte[] block, MetricBatchSerializer serializer) throws java.io.IOException {
        DataInputDeserializer in = new DataInputDeserializer(block);
        int n = in.readInt();
        List<MetricBatch> batches = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batches.add(serializer.deserialize(in));
        }
        return batches;
    }

    /**
     * The batch being filled for the point's tenant and resource. A message's points come one
     * after another with the same tenant and resource objects (the decoder shares them), so the
     * last builder is tried first, by identity, before the map.
     */
    private Builder builderOf(MetricPoint p) {
        if (last != null && p.tenant == last.tenant && p.resourceUrn == last.resourceUrn) {
            return last.builder;
        }
        Builder b = buffer.computeIfAbsent(new ResourceRef(p.tenant, p.resourceUrn), r -> new Builder(r.tenant, r.resourceUrn));
        last = new LastResource(p.tenant, p.resourceUrn, b);
        return b;
    }

    /** The tenant and resource objects of the last point and their builder. */
    private record LastResource(String tenant, String resourceUrn, Builder builder) {}

    @Override
    protected void onWatermark(long watermark) throws Exception {
        if (watermark == Long.MAX_VALUE) {
            flush(); // the end: everything at once, before the final watermark
        } else if (watermark >= flushAt) {
            sending.addAll(buffer.values());
            clearBuffer();
            scheduleSend();
        }
    }

    @Override
    protected void emitWatermark(Watermark mark) throws Exception {
        if (sending.isEmpty()) {
            super.emitWatermark(mark);
        } else {
            held = mark; // a later one replaces an earlier: watermarks only rise
        }
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Sends everything, taken out or buffered, at once, then the held watermark. */
    private void flush() throws Exception {
        if (buffer == null) {
            return;
        }
        for (Builder b : sending) {
            emit(b);
        }
        sending.clear();
        for (Builder b : buffer.values()) {
            emit(b);
        }
        clearBuffer();
        passHeldWatermark();
    }

    /** Empties the buffer (its builders sent or handed to {@link #sending}). */
    private void clearBuffer() {
        buffer.clear();
        last = null;
        entries = 0;
        flushAt = Long.MAX_VALUE;
    }

    private void emit(Builder b) {
        MetricBatch sent = b.toSend();
        if (!sent.isEmpty()) {
            output.collect(new StreamRecord<>(sent));
            batchesEmitted.inc();
        }
    }

    /** The batch being filled for one resource, with its partials by series and minute. */
    private static final class Builder {
        final MetricBatch batch;
        final Map<SeriesMinute, MetricPartial> partials = new HashMap<>();
        /** Points and partials added (refused-only partials included): what it counts for in {@code entries}. */
        int entries;

        Builder(String tenant, String resourceUrn) {
            this.batch = new MetricBatch(tenant, resourceUrn);
        }

        void add(MetricPoint p) {
            batch.points.add(p);
            entries++;
        }

        void add(MetricPartial q) {
            batch.partials.add(q);
            entries++;
        }

        /**
         * The batch to send or checkpoint: without the partials of series whose only points were
         * refused (not sent). The builder's own batch when there are none; else a copy, so that a
         * checkpoint leaves the builder as it was.
         */
        MetricBatch toSend() {
            for (MetricPartial q : batch.partials) {
                if (q.accumulator.points() == 0) {
                    List<MetricPartial> kept = new ArrayList<>(batch.partials.size());
                    for (MetricPartial k : batch.partials) {
                        if (k.accumulator.points() > 0) {
                            kept.add(k);
                        }
                    }
                    return new MetricBatch(batch.tenant, batch.resourceUrn, batch.points, kept);
                }
            }
            return batch;
        }
    }

    private static final class ResourceRef {
        final String tenant;
        final String resourceUrn;
        private final int hash;

        ResourceRef(String tenant, String resourceUrn) {
            this.tenant = tenant;
            this.resourceUrn = resourceUrn;
            this.hash = Objects.hash(tenant, resourceUrn);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ResourceRef && Objects.equals(tenant, ((ResourceRef) o).tenant)
                    && Objects.equals(resourceUrn, ((ResourceRef) o).resourceUrn);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final class SeriesMinute {
        final long minute;
        final String metric;
        final long labelsHash;

        SeriesMinute(long minute, String metric, long labelsHash) {
            this.minute = minute;
            this.metric = metric;
            this.labelsHash = labelsHash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof SeriesMinute)) {
                return false;
            }
            SeriesMinute k = (SeriesMinute) o;
            return minute == k.minute && labelsHash == k.labelsHash && Objects.equals(metric, k.metric);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(minute) * 31 * 31 + Long.hashCode(labelsHash) * 31 + Objects.hashCode(metric);
        }
    }
}
