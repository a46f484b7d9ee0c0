package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Fingerprints log records with one Drain tree per (tenant, service), in an order that is the same on
 * every run, and emits per-fingerprint counts ({@link LogPatternPartial}, main output) and the pattern
 * dictionary ({@link #PATTERNS}). Keyed by {@link #serviceKey(LogRecordFlat)}.
 *
 * <p><b>Why the order rule.</b> Drain is order-dependent: which message creates a cluster decides its
 * template at creation, and that text is hashed into the fingerprint id ({@link TemplateFingerprint}).
 * Arrival order at a keyed operator is not reproducible (partitions interleave differently after a
 * restart, a replay or a change of parallelism), so records are not mined on arrival. They wait in
 * keyed state, in one-second buckets of event time, and a bucket is mined only when the watermark has
 * passed its end, sorted by (event time, Kafka partition, offset) ({@link BufferedLog#ORDER}). Every
 * record that can still arrive for a passed bucket is late by definition, so the tree of each key sees
 * the same sequence on every run and grows the same clusters with the same ids. The tree and the
 * dictionary live in keyed state ({@link LogMinerState}) and are checkpointed with the Kafka offsets,
 * so a restart continues the same sequence.
 *
 * <p>The guarantee holds while no record arrives behind the watermark (Kafka partitions no more out
 * of order than the configured out-of-orderness) and the buffer cap is not hit. Records behind the
 * watermark but within the allowed lateness are still mined and counted, at the next watermark, and
 * counted in {@link LogPatternMetrics#RECORDS_LATE}; records later than the allowed lateness go to
 * {@link #LATE_LOGS} ({@link LogPatternMetrics#RECORDS_LATE_DROPPED}). When a key buffers more than
 * {@link LogPatternOptions#bufferMaxRecords()} records, its oldest bucket is mined early
 * ({@link LogPatternMetrics#RECORDS_FLUSHED_EARLY}).
 *
 * <p><b>Bounded state.</b> Patterns per key are capped by {@link DrainOptions#maxClusters()} (least
 * recently matched evicted, {@link LogPatternMetrics#CLUSTERS_EVICTED}); buffered records by the cap
 * above. Buffered records are a list state per bucket (namespace), so an append is O(1) on every state
 * backend; that is why this is a raw operator rather than a {@code KeyedProcessFunction}.
 *
 * <p><b>Output.</b> One partial per (5-minute window, fingerprint) per mined bucket, for
 * {@link LogPatternAggregator}. Dictionary rows of the patterns that changed are emitted when the
 * watermark passes the end of a 5-minute window, plus at once for a pattern merged into another
 * (with {@link LogPatternRow#mergedInto}); merged ids are also listed in the survivor's
 * {@link LogPatternRow#aliases}. Counts already emitted under a merged id stay under it. No wall
 * clock is read anywhere: time comes from records and watermarks.
 */
public class LogFingerprinter extends AbstractStreamOperator<LogPatternPartial>
        implements OneInputStreamOperator<LogRecordFlat, LogPatternPartial>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    /** Dictionary rows ({@code log_pattern}). */
    public static final OutputTag<LogPatternRow> PATTERNS =
            new OutputTag<>("log-patterns", TypeInformation.of(LogPatternRow.class));
    /** Records later than the allowed lateness (not mined, not counted). */
    public static final OutputTag<LogRecordFlat> LATE_LOGS =
            new OutputTag<>("log-patterns-late-logs", TypeInformation.of(LogRecordFlat.class));

    /**
     * Every mined record with the fingerprint it was mined into ({@code log_record}), only when the
     * operator was built to emit them; timestamped with the record's time.
     */
    public static final OutputTag<FingerprintedLog> RECORDS =
            new OutputTag<>("log-records", TypeInformation.of(FingerprintedLog.class));

    // state names: never change, savepoints depend on them
    static final String PENDING_LOGS = "log-pending-records";
    static final String STREAM_INFO = "log-stream-info";
    static final String MINER_STATE = "log-miner-state";
    static final String TIMERS = "log-fingerprinter-timers";

    private final LogPatternOptions options;
    private final boolean emitRecords;
    private final ListStateDescriptor<BufferedLog> pendingDescriptor;
    private final ValueStateDescriptor<LogStreamInfo> infoDescriptor;
    private final ValueStateDescriptor<LogMinerState> minerDescriptor;

    private transient InternalListState<String, Long, BufferedLog> pending;
    private transient ValueState<LogStreamInfo> info;
    private transient ValueState<LogMinerState> miner;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Counter mined;
    private transient Counter late;
    private transient Counter lateDropped;
    private transient Counter flushedEarly;
    private transient Counter created;
    private transient Counter evicted;
    private transient Counter merged;
    private transient Counter partials;
    private transient Counter patterns;

    public LogFingerprinter(LogPatternOptions options) {
        this(options, false);
    }

    /** With {@code emitRecords}, every record is buffered whole and emitted to {@link #RECORDS} once mined. */
    public LogFingerprinter(LogPatternOptions options, boolean emitRecords) {
        this.options = options;
        this.emitRecords = emitRecords;
        this.pendingDescriptor = new ListStateDescriptor<>(PENDING_LOGS, new BufferedLogSerializer());
        this.infoDescriptor = new ValueStateDescriptor<>(STREAM_INFO, new LogStreamInfoSerializer());
        this.minerDescriptor = new ValueStateDescriptor<>(MINER_STATE, new LogMinerStateSerializer());
    }

    /** The key this operator expects: one per tenant and service. */
    public static String serviceKey(LogRecordFlat r) {
        return r.tenant + '\u0000' + r.serviceUrn;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        pending = (InternalListState<String, Long, BufferedLog>) getOrCreateKeyedState(LongSerializer.INSTANCE, pendingDescriptor);
        info = getPartitionedState(infoDescriptor);
        miner = getPartitionedState(minerDescriptor);
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        MetricGroup g = getMetricGroup().addGroup(LogPatternMetrics.FINGERPRINTER_GROUP);
        mined = g.counter(LogPatternMetrics.RECORDS_MINED);
        late = g.counter(LogPatternMetrics.RECORDS_LATE);
        lateDropped = g.counter(LogPatternMetrics.RECORDS_LATE_DROPPED);
        flushedEarly = g.counter(LogPatternMetrics.RECORDS_FLUSHED_EARLY);
        created = g.counter(LogPatternMetrics.CLUSTERS_CREATED);
        evicted = g.counter(LogPatternMetrics.CLUSTERS_EVICTED);
        merged = g.counter(LogPatternMetrics.CLUSTERS_MERGED);
        partials = g.counter(LogPatternMetrics.PARTIALS_EMITTED);
        patterns = g.counter(LogPatternMetrics.PATTERNS_EMITTED);
    }

    @Override
    public void processElement(StreamRecord<LogRecordFlat> element) throws Exception {
        LogRecordFlat r = element.getValue();
        long t = r.timeMillis();
        long watermark = timers.currentWatermark();
        if (LogPatternOptions.windowStart(t) + LogPatternOptions.WINDOW_MILLIS - 1 + options.allowedLatenessMillis() <= watermark) {
            lateDropped.inc();
            output.collect(LATE_LOGS, new StreamRecord<>(r, t));
            return;
        }
        if (t <= watermark) {
            late.inc(); // mined at the next watermark, possibly after records with later times
        }
        LogStreamInfo s = info.value();
        if (s == null) {
            s = new LogStreamInfo(r.tenant, r.serviceName, r.serviceNamespace, r.serviceUrn);
        }
        long bucket = LogPatternOptions.orderBucket(t);
        pending.setCurrentNamespace(bucket);
        pending.add(emitRecords ? BufferedLog.withRecord(r) : BufferedLog.of(r)); // a copy: the input object may be reused
        if (s.addPending(bucket)) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, bucket + LogPatternOptions.ORDER_BUCKET_MILLIS - 1);
        }
        while (s.pendingRecords() > options.bufferMaxRecords()) {
            long oldest = s.oldestPending();
            long end = oldest + LogPatternOptions.ORDER_BUCKET_MILLIS - 1;
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, end);
            List<BufferedLog> batch = takeBucket(s, oldest);
            flushedEarly.inc(batch.size());
            mine(s, batch);
            // the dictionary rows of this window still go out when the watermark passes its end
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, windowEnd(end));
        }
        info.update(s);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long ts = timer.getTimestamp();
        LogStreamInfo s = info.value();
        if (s == null) {
            return;
        }
        long bucket = LogPatternOptions.orderBucket(ts);
        boolean minedNow = false;
        if (s.pending.containsKey(bucket)) {
            mine(s, takeBucket(s, bucket));
            info.update(s);
            minedNow = true;
        }
        if (ts == windowEnd(ts)) {
            emitChangedPatterns(s);
        } else if (minedNow) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, windowEnd(ts));
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // no processing-time timers: results never depend on the wall clock
    }

    /** The mining state of {@code key} (tree and dictionary), for tests; null before its first bucket is mined. */
    @VisibleForTesting
    LogMinerState minerState(String key) throws Exception {
        setCurrentKey(key);
        return miner.value();
    }

    /** The last millisecond of the 5-minute window holding {@code t}. */
    static long windowEnd(long t) {
        return LogPatternOptions.windowStart(t) + LogPatternOptions.WINDOW_MILLIS - 1;
    }

    private List<BufferedLog> takeBucket(LogStreamInfo s, long bucket) throws Exception {
        pending.setCurrentNamespace(bucket);
        List<BufferedLog> batch = new ArrayList<>();
        Iterable<BufferedLog> it = pending.get();
        if (it != null) {
            for (BufferedLog b : it) {
                batch.add(b);
            }
        }
        pending.clear();
        s.removePending(bucket);
        return batch;
    }

    /**
     * Mines one bucket in the deterministic order and emits its partial counts. The tree is read and
     * written once per bucket, not per record, which matters on state backends that serialize.
     */
    private void mine(LogStreamInfo s, List<BufferedLog> batch) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        batch.sort(BufferedLog.ORDER); // stable: ties keep their order inside a Kafka message
        LogMinerState st = miner.value();
        if (st == null) {
            st = new LogMinerState(new DrainTree(options.drain(), s.tenant, s.serviceUrn));
        }
        DrainTree tree = st.tree;
        long created0 = tree.clustersCreated();
        long evicted0 = tree.clustersEvicted();
        long merged0 = tree.clustersMerged();
        LogTemplateMiner m = new LogTemplateMiner(options.masker(), tree);
        Map<Slot, LogPatternPartial> counts = new LinkedHashMap<>();
        for (BufferedLog r : batch) {
            TemplateMatch tm = m.mine(r.body());
            long id = tm.fingerprintId();
            PatternStats ps = tm.change() == ClusterChange.CREATED ? null : st.patterns.get(id);
            if (ps == null) {
                ps = new PatternStats();
                st.patterns.put(id, ps);
            }
            for (long absorbed : tm.absorbedIds()) {
                PatternStats gone = st.patterns.remove(absorbed);
                if (gone != null) {
                    ps.absorb(absorbed, gone);
                    emitPattern(gone.toRow(absorbed, s, id));
                } else {
                    ps.absorb(absorbed, new PatternStats());
                }
            }
            ps.add(r, tm.template(), options.sampleMaxChars());
            long window = LogPatternOptions.windowStart(r.timeMillis());
            Slot slot = new Slot(window, id);
            LogPatternPartial p = counts.get(slot);
            if (p == null) {
                p = newPartial(s, window, id);
                counts.put(slot, p);
            }
            p.countTotal++;
            if (r.error()) {
                p.countError++;
            }
            p.range.add(r.partition(), r.offset(), r.timeMillis());
            if (r.record() != null) {
                output.collect(RECORDS, new StreamRecord<>(new FingerprintedLog(r.record(), id), r.timeMillis()));
            }
        }
        st.pruneEvicted();
        miner.update(st);
        mined.inc(batch.size());
        created.inc(tree.clustersCreated() - created0);
        evicted.inc(tree.clustersEvicted() - evicted0);
        merged.inc(tree.clustersMerged() - merged0);
        for (LogPatternPartial p : counts.values()) {
            output.collect(new StreamRecord<>(p, p.windowStartMillis));
        }
        partials.inc(counts.size());
    }

    private static LogPatternPartial newPartial(LogStreamInfo s, long window, long id) {
        LogPatternPartial p = new LogPatternPartial();
        p.tenant = s.tenant;
        p.serviceName = s.serviceName;
        p.serviceNamespace = s.serviceNamespace;
        p.serviceUrn = s.serviceUrn;
        p.windowStartMillis = window;
        p.fingerprintId = id;
        p.range = new KafkaRange();
        return p;
    }

    /** Emits the dictionary rows of every pattern changed since the last window end, in creation order. */
    private void emitChangedPatterns(LogStreamInfo s) throws Exception {
        LogMinerState st = miner.value();
        if (st == null) {
            return;
        }
        boolean any = false;
        for (Map.Entry<Long, PatternStats> e : st.patterns.entrySet()) {
            PatternStats ps = e.getValue();
            if (ps.dirty) {
                emitPattern(ps.toRow(e.getKey(), s, null));
                ps.dirty = false;
                any = true;
            }
        }
        if (any) {
            st.pruneEvicted();
            miner.update(st);
        }
    }

    private void emitPattern(LogPatternRow row) {
        patterns.inc();
        output.collect(PATTERNS, new StreamRecord<>(row, row.lastSeenMillis));
    }

    /** A (window, fingerprint) pair inside one batch. */
    private record Slot(long window, long fingerprintId) {}
}
