package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.SeparatedKey;
import org.otlpanalytics.operators.common.state.BatchedListState;
import org.otlpanalytics.operators.common.time.BatchTimers;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Fingerprints log records with one Drain tree per (tenant, service), in an order that is the same on
 * every run, and emits per-fingerprint counts ({@link LogPatternPartial}, main output), the pattern
 * dictionary ({@link #PATTERNS}) and, when enabled, every record with its fingerprint
 * ({@link #FINGERPRINTED_LOGS}). Keyed by {@link #serviceKey(LogRecordFlat)}.
 *
 * <p><b>Why the order rule.</b> Drain is order-dependent: which message creates a cluster decides its
 * template at creation, and that text is hashed into the fingerprint id ({@link TemplateFingerprint}).
 * Arrival order at a keyed operator is not reproducible (partitions interleave differently after a
 * restart, a replay or a change of parallelism), so records are not mined on arrival. They wait in
 * keyed state, in one-second buckets of event time, and a bucket is mined only when the watermark has
 * passed its end, sorted by (event time, Kafka partition, offset, index) ({@link BufferedLog#ORDER}).
 * Only these records ever change a tree, and each tree sees them in the same sequence on every run,
 * so it grows the same clusters with the same ids. Everything else is decided by rules that do not
 * depend on arrival timing either:
 * <ul>
 *   <li><b>Late records</b> (their second already mined, their window still within the allowed
 *       lateness) never change the tree: they wait until the watermark is one millisecond short of
 *       the end of their window's lateness, a time fixed by the data, and are then matched read-only
 *       ({@link LateLogMatcher}) against the tree as it stands then, in {@link BufferedLog#ORDER};
 *       those no pattern accepts are counted under the stream's late-unmatched pattern
 *       ({@link UnminedPatterns}; {@link LogPatternMetrics#RECORDS_LATE_UNMATCHED}). Records later than
 *       the allowed lateness go to {@link #LATE_LOGS} ({@link LogPatternMetrics#RECORDS_LATE_DROPPED}).
 *   <li><b>The buffer cap</b> is per (stream, Kafka partition, second)
 *       ({@link LogPatternOptions#secondMaxRecords()}): a partition's records arrive in offset order,
 *       so the ones kept are its first ones of that second in every run; the rest are counted under
 *       the stream's over-cap pattern, folded in when their second is mined
 *       ({@link LogPatternMetrics#RECORDS_FOLDED}).
 *   <li><b>Idle streams</b> expire in event time ({@link LogPatternOptions#streamIdleTimeoutMillis()}):
 *       when the watermark passes the stream's last activity plus the timeout, its tree, dictionary
 *       and info are dropped ({@link LogPatternMetrics#STREAMS_EXPIRED}); records of later seconds that
 *       already wait stay, as a new stream's, whatever their arrival time. A stream that comes back starts an empty tree: a template whose first message is the same text as before
 *       gets the same id again (the id hashes only tenant, service and that text), others may get new
 *       ones; the {@code log_pattern} upsert keeps the earliest sample and first-seen of an id.
 *   <li><b>Lateness</b> is judged against the operator's {@link WatermarkHorizon} (checkpointed), so a
 *       record re-read right after a restore is late exactly when the failure-free run found it late.
 * </ul>
 *
 * <p><b>State.</b> Buffered records are a list state per bucket (namespace), so an append is O(1) on
 * every state backend; that is why this is a raw operator rather than a {@code KeyedProcessFunction}.
 * On RocksDB a bucket's records wait on the heap between checkpoints and go in as one batch at a
 * checkpoint ({@link BatchedListState}), so a second mined between two checkpoints never touches it.
 * A stream's tree, dictionary and info live on the heap in a {@link LogStreamCache} and reach keyed
 * state at checkpoints (only those changed), so on RocksDB a mined second does not serialize the tree;
 * the tree and dictionary are kept as an index and one map entry per fingerprint ({@link LogMinerEntries}),
 * so a checkpoint writes the entries of the patterns that changed, not the whole service.
 * Patterns per stream are capped by {@link DrainOptions#maxClusters()} (least recently matched evicted,
 * {@link LogPatternMetrics#CLUSTERS_EVICTED}).
 *
 * <p><b>Output.</b> One partial per (5-minute window, fingerprint) per mined batch, for
 * {@link LogPatternAggregator}. Dictionary rows of the patterns that changed are emitted when the
 * watermark passes the end of a 5-minute window, plus at once for a pattern merged into another
 * (with {@link LogPatternRow#mergedInto}); merged ids are also listed in the survivor's
 * {@link LogPatternRow#aliases}. Counts already emitted under a merged id stay under it. No wall
 * clock is read anywhere: time comes from records and watermarks.
 */
public class LogFingerprinter extends HorizonStreamOperator<LogPatternPartial>
        implements OneInputStreamOperator<LogRecordFlat, LogPatternPartial>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    /** Dictionary rows ({@code log_pattern}). */
    public static final OutputTag<LogPatternRow> PATTERNS =
            new OutputTag<>("log-patterns", TypeInformation.of(LogPatternRow.class));
    /** Records later than the allowed lateness (not mined, not counted). */
    public static final OutputTag<LogRecordFlat> LATE_LOGS =
            new OutputTag<>("log-patterns-late-logs", LogRecordFlatSerializer.TYPE);
    /**
     * Every counted record with its fingerprint, when {@link LogPatternOptions#fingerprintedLogs()} is on:
     * mined records when their second is mined, late ones at their match time, records over the cap
     * at once (with the over-cap id).
     */
    public static final OutputTag<FingerprintedLog> FINGERPRINTED_LOGS =
            new OutputTag<>("log-patterns-fingerprinted-logs", TypeInformation.of(FingerprintedLog.class));

    // state names: never change, savepoints depend on them
    static final String PENDING_LOGS = "log-pending-records";
    /** Since December 2026: the records waiting for their second on RocksDB, in chunks (the list above is still read first). */
    static final String PENDING_CHUNKS = "log-pending-chunks";
    static final String PENDING_CHUNK_RANGE = "log-pending-chunk-range";
    static final String LATE_PENDING_LOGS = "log-late-records";
    static final String STREAM_INFO = "log-stream-info";
    /** Up to 0.1: a stream's whole mining state, one value; read and moved to the two below. */
    static final String MINER_STATE = "log-miner-state";
    static final String MINER_INDEX = "log-miner-index";
    static final String MINER_ENTRIES = "log-miner-entries";
    static final String TIMERS = "log-fingerprinter-timers";

    private final LogPatternOptions options;
    private final ListStateDescriptor<BufferedLog> pendingDescriptor;
    private final MapStateDescriptor<Integer, List<BufferedLog>> pendingChunksDescriptor;
    private final ValueStateDescriptor<Long> pendingChunkRangeDescriptor;
    private final ListStateDescriptor<BufferedLog> lateDescriptor;
    private final ValueStateDescriptor<LogStreamInfo> infoDescriptor;
    private final ValueStateDescriptor<LogMinerState> minerDescriptor;
    private final ValueStateDescriptor<byte[]> minerIndexDescriptor;
    private final MapStateDescriptor<Long, byte[]> minerEntriesDescriptor;

    private transient BatchedListState<BufferedLog> pending;
    private transient InternalListState<String, Long, BufferedLog> late;
    private transient LogStreamCache streams;
    private transient ValueState<byte[]> minerIndex;
    private transient MapState<Long, byte[]> minerEntries;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Counter mined;
    private transient Counter lateCount;
    private transient Counter lateUnmatched;
    private transient Counter lateDropped;
    private transient Counter folded;
    private transient Counter created;
    private transient Counter evicted;
    private transient Counter merged;
    private transient Counter expired;
    private transient Counter partials;
    private transient Counter patterns;

    public LogFingerprinter(LogPatternOptions options) {
        this.options = options;
        this.pendingDescriptor = new ListStateDescriptor<>(PENDING_LOGS, new BufferedLogSerializer());
        this.pendingChunksDescriptor = new MapStateDescriptor<>(PENDING_CHUNKS, IntSerializer.INSTANCE,
                new ListSerializer<>(new BufferedLogSerializer()));
        this.pendingChunkRangeDescriptor = new ValueStateDescriptor<>(PENDING_CHUNK_RANGE, LongSerializer.INSTANCE);
        this.lateDescriptor = new ListStateDescriptor<>(LATE_PENDING_LOGS, new BufferedLogSerializer());
        this.infoDescriptor = new ValueStateDescriptor<>(STREAM_INFO, new LogStreamInfoSerializer());
        this.minerDescriptor = new ValueStateDescriptor<>(MINER_STATE, new LogMinerStateSerializer());
        this.minerIndexDescriptor = new ValueStateDescriptor<>(MINER_INDEX, BytePrimitiveArraySerializer.INSTANCE);
        this.minerEntriesDescriptor = new MapStateDescriptor<>(MINER_ENTRIES, LongSerializer.INSTANCE, BytePrimitiveArraySerializer.INSTANCE);
    }

    /**
     * The key this operator expects: one per tenant and service, {@code \u0000}-joined with escapes
     * ({@link SeparatedKey}): injective, and the very key 0.1.0 kept its state under, so that state
     * restores in place (a change of key encoding orphans every restored stream).
     */
    public static String serviceKey(LogRecordFlat r) {
        return serviceKey(r.tenant, r.serviceUrn);
    }

    /** The key of the stream of {@code tenant} and {@code serviceUrn}. */
    public static String serviceKey(String tenant, String serviceUrn) {
        return SeparatedKey.of(tenant, serviceUrn);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        // in chunks on RocksDB: a key's second at 3,000 records/s was one value of ~1.5 MB, written and read whole
        pending = BatchedListState.chunked(
                (InternalListState<String, Long, BufferedLog>) getOrCreateKeyedState(LongSerializer.INSTANCE, pendingDescriptor),
                (InternalMapState<String, Long, Integer, List<BufferedLog>>) getOrCreateKeyedState(LongSerializer.INSTANCE,
                        pendingChunksDescriptor),
                (InternalValueState<String, Long, Long>) getOrCreateKeyedState(LongSerializer.INSTANCE, pendingChunkRangeDescriptor),
                this, getKeyedStateBackend().isSafeToReuseKVState(), BatchedListState.DEFAULT_MAX_ON_HEAP);
        late = (InternalListState<String, Long, BufferedLog>) getOrCreateKeyedState(LongSerializer.INSTANCE, lateDescriptor);
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        MetricGroup g = getMetricGroup().addGroup(LogPatternMetrics.FINGERPRINTER_GROUP);
        minerIndex = getPartitionedState(minerIndexDescriptor);
        minerEntries = getPartitionedState(minerEntriesDescriptor);
        streams = new LogStreamCache(getPartitionedState(infoDescriptor), getPartitionedState(minerDescriptor), minerIndex, minerEntries, this,
                getKeyedStateBackend().isSafeToReuseKVState(), options.cacheMaxPatterns(), g.counter(LogPatternMetrics.STREAMS_UNCACHED));
        mined = g.counter(LogPatternMetrics.RECORDS_MINED);
        lateCount = g.counter(LogPatternMetrics.RECORDS_LATE);
        lateUnmatched = g.counter(LogPatternMetrics.RECORDS_LATE_UNMATCHED);
        lateDropped = g.counter(LogPatternMetrics.RECORDS_LATE_DROPPED);
        folded = g.counter(LogPatternMetrics.RECORDS_FOLDED);
        created = g.counter(LogPatternMetrics.CLUSTERS_CREATED);
        evicted = g.counter(LogPatternMetrics.CLUSTERS_EVICTED);
        merged = g.counter(LogPatternMetrics.CLUSTERS_MERGED);
        expired = g.counter(LogPatternMetrics.STREAMS_EXPIRED);
        partials = g.counter(LogPatternMetrics.PARTIALS_EMITTED);
        patterns = g.counter(LogPatternMetrics.PATTERNS_EMITTED);
        g.gauge(LogPatternMetrics.CURRENT_STREAMS_CACHED, (Gauge<Integer>) () -> streams.size());
    }

    @Override
    public void processElement(StreamRecord<LogRecordFlat> element) throws Exception {
        LogRecordFlat r = element.getValue();
        long t = r.timeMillis();
        long watermark = horizon().effective(timers.currentWatermark());
        long window = LogPatternOptions.windowStart(t);
        long lastLateMillis = window + LogPatternOptions.WINDOW_MILLIS - 1 + options.allowedLatenessMillis();
        if (lastLateMillis <= watermark) {
            lateDropped.inc();
            output.collect(LATE_LOGS, new StreamRecord<>(r, t));
            return;
        }
        String key = (String) getCurrentKey();
        LogStreamCache.LogStream s = streams.get(key);
        if (s == null) {
            s = streams.create(key, new LogStreamInfo(r.tenant, r.serviceName, r.serviceNamespace, r.serviceUrn));
        }
        long bucket = LogPatternOptions.orderBucket(t);
        BufferedLog b = BufferedLog.of(r, options.fingerprintedLogs()); // a copy: the input object may be reused
        if (bucket + LogPatternOptions.ORDER_BUCKET_MILLIS - 1 <= watermark) {
            // its second has been mined: matched read-only, later, at a time fixed by the data
            long matchAt = lastLateMillis - 1;
            late.setCurrentNamespace(matchAt);
            late.add(b);
            if (s.info.addLate(matchAt)) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, matchAt);
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, windowEnd(matchAt));
            }
            lateCount.inc();
        } else {
            LogStreamInfo.PendingSecond second = s.info.second(bucket);
            if (second == null) {
                second = new LogStreamInfo.PendingSecond();
                s.info.pending.put(bucket, second);
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, bucket + LogPatternOptions.ORDER_BUCKET_MILLIS - 1);
                armWindowEnd(s.info, bucket);
            }
            if (second.admit(r.kafkaPartition, options.secondMaxRecords())) {
                pending.add(bucket, b);
            } else {
                second.overCap(b, options.sampleMaxChars());
                folded.inc();
                if (options.fingerprintedLogs()) {
                    emitRecord(b, s.info, UnminedPatterns.overCapId(s.info.tenant, s.info.serviceUrn));
                }
            }
        }
        streams.infoChanged(s);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        pending.flush();
        streams.flush();
        super.snapshotState(context);
    }

    /**
     * One callback per (key, time), in time order: mines the second ending now, matches the late
     * records due now, emits the dictionary at a window end, and checks idle expiry, in that order, so
     * that what each step sees is fixed by event time alone.
     */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long ts = timer.getTimestamp();
        String key = timer.getKey();
        LogStreamCache.LogStream s = streams.get(key);
        if (s == null) {
            return;
        }
        checkKey(key, s.info);
        long bucket = LogPatternOptions.orderBucket(ts);
        boolean active = false;
        if (ts == bucket + LogPatternOptions.ORDER_BUCKET_MILLIS - 1 && s.info.pending.containsKey(bucket)) {
            mineSecond(s, bucket);
            active = true;
        }
        if (s.info.late.containsKey(ts)) {
            matchLate(s, ts);
            active = true;
        }
        if (active) {
            s.info.lastActivityMillis = Math.max(s.info.lastActivityMillis, ts);
            if (ts != windowEnd(ts) && !BatchTimers.ignoresNewTimers(timers)) {
                // the dictionary rows of this window go out when the watermark passes its end (in a batch
                // run the window end was registered when the record was buffered: armWindowEnd)
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, windowEnd(ts));
            }
            armExpiry(s.info);
            streams.infoChanged(s);
        }
        if (ts == windowEnd(ts)) {
            emitChangedPatterns(s, ts);
        }
        if (ts == s.info.expiryTimerMillis) {
            expireIfIdle(key, s, ts);
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
        LogStreamCache.LogStream s = streams.get(key);
        return s == null ? null : s.miner;
    }

    /** The mining state of {@code key} as keyed state holds it (not the heap cache), for tests. */
    @VisibleForTesting
    LogMinerState minerStateInKeyedState(String key) throws Exception {
        setCurrentKey(key);
        byte[] index = minerIndex.value();
        return index == null ? null : LogMinerEntries.read(index, id -> minerEntries.get(id));
    }

    /** Mining state bytes this subtask has put to keyed state (index and changed entries), for the benchmark. */
    @VisibleForTesting
    long minerBytesWritten() {
        return streams.minerBytesWritten();
    }

    /** Streams whose state is on the heap, for tests. */
    @VisibleForTesting
    int streamsCached() {
        return streams.size();
    }

    /** The last millisecond of the 5-minute window holding {@code t}. */
    static long windowEnd(long t) {
        return LogPatternOptions.windowStart(t) + LogPatternOptions.WINDOW_MILLIS - 1;
    }

    /** A bucket's records sorted, in place, into the deterministic order the tree is fed in. */
    private static List<BufferedLog> sorted(List<BufferedLog> batch) {
        batch.sort(BufferedLog.ORDER); // stable: records restored from version 1 keep their order in a message
        return batch;
    }

    private LogMinerState minerOf(LogStreamCache.LogStream s) {
        if (s.miner == null) {
            s.miner = new LogMinerState(new DrainTree(options.drain(), s.info.tenant, s.info.serviceUrn));
        }
        return s.miner;
    }

    /** Mines one second in the deterministic order, folds in its over-cap counts, and emits its partial counts. */
    private void mineSecond(LogStreamCache.LogStream s, long bucket) throws Exception {
        List<BufferedLog> batch = sorted(pending.take(bucket));
        LogStreamInfo.PendingSecond second = s.info.pending.remove(bucket);
        LogMinerState st = minerOf(s);
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
                    emitPattern(gone.toRow(absorbed, s.info, id), bucket + LogPatternOptions.ORDER_BUCKET_MILLIS - 1);
                } else {
                    ps.absorb(absorbed, new PatternStats());
                }
            }
            ps.add(r, tm.template(), options.sampleMaxChars());
            count(counts, s.info, r, id);
            if (options.fingerprintedLogs()) {
                emitRecord(r, s.info, id);
            }
        }
        if (second != null && second.overCapStats != null) {
            long id = UnminedPatterns.overCapId(s.info.tenant, s.info.serviceUrn);
            st.stats(id).merge(second.overCapStats);
            LogPatternPartial p = partial(counts, s.info, LogPatternOptions.windowStart(bucket), id);
            p.countTotal += second.overCapTotal;
            p.countError += second.overCapErrors;
            p.range.merge(second.overCapRange);
        }
        st.pruneEvicted();
        streams.minerChanged(s);
        mined.inc(batch.size());
        created.inc(tree.clustersCreated() - created0);
        evicted.inc(tree.clustersEvicted() - evicted0);
        merged.inc(tree.clustersMerged() - merged0);
        emitPartials(counts);
    }

    /** Matches the late records due at {@code matchAt} read-only against the tree, and emits their partial counts. */
    private void matchLate(LogStreamCache.LogStream s, long matchAt) throws Exception {
        List<BufferedLog> batch = sorted(BatchedListState.takeStored(late, matchAt));
        s.info.late.remove(matchAt);
        LogMinerState st = minerOf(s);
        LateLogMatcher matcher = new LateLogMatcher(st.tree);
        long unmatchedId = UnminedPatterns.lateUnmatchedId(s.info.tenant, s.info.serviceUrn);
        Map<Slot, LogPatternPartial> counts = new LinkedHashMap<>();
        for (BufferedLog r : batch) {
            LogCluster c = matcher.match(options.masker().tokenize(r.body()));
            long id = c == null ? unmatchedId : c.id();
            if (c == null) {
                lateUnmatched.inc();
            }
            st.stats(id).add(r, c == null ? UnminedPatterns.LATE_UNMATCHED_PATTERN : c.template(), options.sampleMaxChars());
            count(counts, s.info, r, id);
            if (options.fingerprintedLogs()) {
                emitRecord(r, s.info, id);
            }
        }
        streams.minerChanged(s);
        emitPartials(counts);
    }

    private void count(Map<Slot, LogPatternPartial> counts, LogStreamInfo info, BufferedLog r, long id) {
        LogPatternPartial p = partial(counts, info, LogPatternOptions.windowStart(r.timeMillis()), id);
        p.countTotal++;
        if (r.error()) {
            p.countError++;
        }
        p.range.add(r.partition(), r.offset(), r.timeMillis());
    }

    private static LogPatternPartial partial(Map<Slot, LogPatternPartial> counts, LogStreamInfo s, long window, long id) {
        Slot slot = new Slot(window, id);
        LogPatternPartial p = counts.get(slot);
        if (p == null) {
            p = new LogPatternPartial();
            p.tenant = s.tenant;
            p.serviceName = s.serviceName;
            p.serviceNamespace = s.serviceNamespace;
            p.serviceUrn = s.serviceUrn;
            p.windowStartMillis = window;
            p.fingerprintId = id;
            p.range = new KafkaRange();
            counts.put(slot, p);
        }
        return p;
    }

    private void emitPartials(Map<Slot, LogPatternPartial> counts) {
        for (LogPatternPartial p : counts.values()) {
            output.collect(new StreamRecord<>(p, p.windowStartMillis));
        }
        partials.inc(counts.size());
    }

    private void emitRecord(BufferedLog r, LogStreamInfo info, long id) {
        output.collect(FINGERPRINTED_LOGS, new StreamRecord<>(new FingerprintedLog(r.toRecord(info), id), r.timeMillis()));
    }

    /**
     * Refuses a stream restored under a key its records no longer get (timers are the only way such
     * state is reached): a 0.1.0 key of a tenant or service holding {@code \u0000}, {@code \u0001} or
     * null ({@link SeparatedKey}). Continuing would split the stream, and its windows downstream,
     * in two.
     */
    private static void checkKey(String key, LogStreamInfo info) {
        if (!SeparatedKey.matches(key, info.tenant, info.serviceUrn)) {
            throw new IllegalStateException("incompatible restored state '" + STREAM_INFO + "'/'" + PENDING_LOGS + "'/'" + MINER_STATE
                    + "' of operator uid log-fingerprinter: stream (tenant " + quote(info.tenant) + ", service " + quote(info.serviceUrn)
                    + ") is stored under key " + quote(key) + ", not under its current key " + quote(serviceKey(info.tenant, info.serviceUrn))
                    + " (a 0.1.0 key of a name holding \\u0000, \\u0001 or null); its records would be counted apart. "
                    + "Restore without this state (drop it with the State Processor API) or replay the affected range");
        }
    }

    static String quote(String s) {
        return s == null ? "null" : '"' + s.replace("\u0000", "\\u0000").replace("\u0001", "\\u0001") + '"';
    }

    /**
     * Registers the end of {@code bucket}'s 5-minute window, where the dictionary rows it changes go
     * out, unless an earlier pending second of that window already did. Here, when the record is
     * buffered, and not only when its second is mined: a batch execution fires a key's timers at the
     * end of the key and ignores timers registered while they fire, so a window end registered then
     * never fired and the rows changed after the last window end that happened to be a mined second
     * were never emitted.
     */
    private void armWindowEnd(LogStreamInfo info, long bucket) {
        Long earlier = info.pending.lowerKey(bucket);
        if (earlier == null || earlier < LogPatternOptions.windowStart(bucket)) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, windowEnd(bucket));
        }
    }

    /**
     * Registers the idle-expiry timer of a stream that has none: at its last activity plus the idle
     * timeout. Not in a batch run's timer callbacks: Flink would drop it there, and a batch run reaches
     * every timer at the end of its input, which expires nothing anyway ({@link #expireIfIdle}).
     */
    private void armExpiry(LogStreamInfo info) {
        if (info.expiryTimerMillis == Long.MIN_VALUE && info.lastActivityMillis != Long.MIN_VALUE
                && !BatchTimers.ignoresNewTimers(timers)) {
            info.expiryTimerMillis = info.lastActivityMillis + options.streamIdleTimeoutMillis();
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, info.expiryTimerMillis);
        }
    }

    /**
     * Drops the stream's tree and dictionary when it has been idle for the timeout at {@code ts};
     * otherwise re-arms the timer at its last activity plus the timeout. Whether records of a later
     * second (or late records due later) already wait is a matter of arrival timing, so it does not
     * decide anything: they stay buffered, as the first records of a new stream, exactly as if they
     * had arrived after the expiry. The end of input (the watermark at {@code Long.MAX_VALUE})
     * expires nothing.
     */
    private void expireIfIdle(String key, LogStreamCache.LogStream s, long ts) throws Exception {
        LogStreamInfo info = s.info;
        info.expiryTimerMillis = Long.MIN_VALUE;
        streams.infoChanged(s);
        if (timers.currentWatermark() == Long.MAX_VALUE) {
            // end of input is not idleness: a drained savepoint keeps the trees
            return;
        }
        if (info.lastActivityMillis + options.streamIdleTimeoutMillis() > ts) {
            armExpiry(info);
            return;
        }
        emitChangedPatterns(s, ts);
        expired.inc();
        if (info.pending.isEmpty() && info.late.isEmpty()) {
            streams.remove(key);
        } else {
            // every second and late match still waiting is after ts (timers fire in time order)
            streams.dropMiner(s);
            info.lastActivityMillis = Long.MIN_VALUE;
        }
    }

    /** Emits the dictionary rows of every pattern changed since the last window end, in creation order, as of {@code ts}. */
    private void emitChangedPatterns(LogStreamCache.LogStream s, long ts) throws Exception {
        LogMinerState st = s.miner;
        if (st == null) {
            return;
        }
        boolean any = false;
        for (Map.Entry<Long, PatternStats> e : st.patterns.entrySet()) {
            PatternStats ps = e.getValue();
            if (ps.dirty) {
                emitPattern(ps.toRow(e.getKey(), s.info, null), ts);
                ps.dirty = false;
                any = true;
            }
        }
        if (any) {
            st.pruneEvicted();
            streams.minerChanged(s);
        }
    }

    /** Emits a dictionary row as the snapshot of event time {@code ts} (timers fire in time order, so a later one is newer). */
    private void emitPattern(LogPatternRow row, long ts) {
        row.snapshotMillis = ts;
        patterns.inc();
        output.collect(PATTERNS, new StreamRecord<>(row, row.lastSeenMillis));
    }

    /** A (window, fingerprint) pair inside one batch. */
    private record Slot(long window, long fingerprintId) {}
}
