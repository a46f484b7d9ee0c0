package org.otlpanalytics.operators.limits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.SerializableFunction;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.state.BatchedListState;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * The log records' tenant and service limits applied where the records are: keyed by (tenant,
 * service), so a minute's records are held spread over every subtask, and decided by the
 * {@link TenantDecision}s of {@link TenantAdmission}, broadcast on the second input. At the end of
 * a minute (the watermark is the smaller of the records' and the decisions', so the minute's decision
 * has come) a key's held records go on, its tenant folded into {@code overflow} when the decision did
 * not admit it and its service into the overflow service when its final tenant's services do not
 * hold it: the records and counters of {@link TenantResourceLimiter}, which decided the same from one
 * subtask holding every record. The watermark goes on only at minute ends, after the records
 * ({@link SlotWatermarkKeyedProcessOperator.SlotAlignedOutput}).
 *
 * <p>A record after its minute's end within the lateness passes at once when the decision tells
 * (admitted, or folded because the set is full); when the set still has room, {@link TenantAdmission}
 * decides its mark as a late record and sends what it admitted, and the record waits for that
 * ({@code record-limit-awaiting}), as do a minute's records whose decision is not there at its end
 * (a mark that came after the admission's minute end). Later than the lateness it is folded into
 * both overflows and passed on, as before. Decisions are dropped once their minute's lateness has passed.
 *
 * <p>State: per key the minute windows ({@code record-limit-slots}), held records per minute (on
 * RocksDB on the heap between checkpoints and written at a checkpoint or past the heap bound as one
 * chunk per key and minute, {@code record-limit-chunks} and {@code record-limit-chunk-range}, taken a
 * chunk per release step; on the heap backend a list, {@code record-limit-batches}, still read first on
 * RocksDB: the layout before chunks, {@link BatchedListState}), the minutes waiting for a
 * decision ({@code record-limit-awaiting}); per subtask the decisions ({@code record-limit-decisions},
 * broadcast state) and the watermark horizon. Held records of the former layout, one entry each
 * ({@code record-limit-held}, {@code record-limit-held-counts}), are still read after a restore and
 * come first; nothing new is written there.
 *
 * <p>A minute's end releases in steps ({@link PacedRelease}): one step passes at least
 * {@link #pacedRelease releaseMinRecordsPerStep} records and runs at least {@code releaseStepMillis};
 * the keys' releases after it wait, in order, for the next steps, each after a pause of
 * {@code releasePauseMillis} in which the input is read again, and a key's held records are taken only
 * when its release runs, a chunk per step (the heap holds a chunk of one key's minute at a time); records passed on while releases
 * wait go behind them, and the watermark after the last (in steps of event time when
 * {@link #watermarkSteps} is set, a step per drain step). What waits at a snapshot is operator state
 * (union, with its position in the queue: the records in {@code record-limit-releasing}, the releases as
 * key, minute and time in {@code record-limit-release-tasks}, their records being still held in keyed
 * state); after a rescale each subtask keeps those of its key groups and runs them first.
 */
public class TenantRecordLimiter<P> extends AbstractStreamOperator<P>
        implements TwoInputStreamOperator<P, TenantDecision, P>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    /** A take of more held records than this reads them in one pass. */
    static final int POINT_READS_MAX = 256;
    // state names: never change, savepoints depend on them
    static final String SLOTS = "record-limit-slots";
    /** Up to the batched layout: one entry per held record, read and emptied at its minute's end. */
    static final String HELD = "record-limit-held";
    /** Held records as a list per key and minute: written before the chunks (and on the heap backend, still). */
    static final String BATCHES = "record-limit-batches";
    /** Held records in chunks per key and minute (RocksDB), by number, {@link BatchedListState#chunked}. */
    static final String CHUNKS = "record-limit-chunks";
    /** Per key and minute, the first and next chunk number. */
    static final String CHUNK_RANGE = "record-limit-chunk-range";
    static final String HELD_COUNTS = "record-limit-held-counts";
    static final String AWAITING = "record-limit-awaiting";
    static final String DECISIONS = "record-limit-decisions";
    /** Released records not yet passed on at a snapshot (operator state): position in the queue, timestamp, record. */
    static final String RELEASING = "record-limit-releasing";
    /** Keys' minute-end releases not yet run at a snapshot (operator state): position in the queue, key, minute, timestamp. */
    static final String RELEASE_TASKS = "record-limit-release-tasks";
    /** A record without a timestamp, in {@link #RELEASING}. */
    private static final long NO_TIMESTAMP = Long.MIN_VALUE;
    /** Decisions per minute, broadcast state: the same on every subtask. */
    public static final MapStateDescriptor<Long, TenantDecision> DECISIONS_STATE =
            new MapStateDescriptor<>(DECISIONS, LongSerializer.INSTANCE, new TenantDecision.Serializer());

    private final LimitSubject<P> tenants;
    private final LimitSubject<P> resources;
    private final TypeInformation<P> type;
    private final int maxTenants;
    private final int maxResources;
    private final long slotMillis;
    private final EpochWindows spec;
    private final String tenantGroup;
    private final String resourceGroup;
    private boolean foldLate = true;
    /** Combines the records of one key released together, or null: each goes on as it came ({@link #combiningReleased}). */
    private SerializableFunction<List<P>, List<P>> releaseCombiner;
    private int releaseMinRecordsPerStep = 1_000;
    private long releaseStepMillis = 20;
    private long releasePauseMillis = 10;
    /** 0: a minute's watermark goes on at once after its releases ({@link #watermarkSteps}). */
    private long watermarkStepMillis;
    /** Whether the keyed state is on the heap, which keeps a map emptied through its iterator as an entry of its key (RocksDB does not). */
    private transient boolean heapBackend;
    private transient WatermarkHorizon horizon;
    private transient SimpleTimerService timers;
    private transient KeyedWindows<AdmittedSlot> windows;
    private transient MapState<String, P> held;
    private transient BatchedListState<P> batches;
    private transient MapState<Long, Integer> heldCounts;
    private transient MapState<Long, Boolean> awaiting;
    private transient BroadcastState<Long, TenantDecision> decisions;
    private transient Counter tenantsFolded;
    private transient Counter tenantsLate;
    private transient Counter resourcesFolded;
    private transient Counter resourcesLate;
    private transient PacedRelease<P> paced;
    private transient ListState<Tuple3<Long, Long, P>> releasing;
    private transient ListState<Tuple4<Long, String, Long, Long>> releaseTasks;
    private transient boolean drainScheduled;
    /** Per minute, its keys' releases that have not run yet: its decision stays until they have. */
    private transient Map<Long, Integer> releasesWaitingByMinute;

    /**
     * @param tenants the tenant limit ({@link LimitSubject#member}: the tenant); {@code maxTenants} 0 = none
     * @param resources the service limit per tenant; {@code maxResources} 0 = none
     */
    public TenantRecordLimiter(LimitSubject<P> tenants, LimitSubject<P> resources, TypeInformation<P> type, int maxTenants,
            int maxResources, long slotMillis, long allowedLatenessMillis, String tenantGroup, String resourceGroup) {
        if (maxTenants < 0 || maxResources < 0) {
            throw new IllegalArgumentException("a cardinality limit must be >= 0 (0 = none), got " + maxTenants + " and "
                    + maxResources);
        }
        this.tenants = tenants;
        this.resources = resources;
        this.type = type;
        this.maxTenants = maxTenants;
        this.maxResources = maxResources;
        this.slotMillis = slotMillis;
        this.spec = new EpochWindows(slotMillis, allowedLatenessMillis);
        this.tenantGroup = tenantGroup;
        this.resourceGroup = resourceGroup;
    }

    /**
     * Passes records after their minute's lateness on unchanged (still counted in
     * {@code partialsLateFolded}) instead of folding them, as {@link CardinalityLimiter#passLateUnfolded}:
     * for an aggregator behind that dead-letters late input under its own key (metrics).
     */
    public TenantRecordLimiter<P> passLateUnfolded() {
        foldLate = false;
        return this;
    }

    /**
     * Combines the records a key releases together at its minute's end (after the decision was applied
     * to each, so every counter counts records as before) into the list {@code combiner} returns, for a
     * record type where several records of one key and minute are worth fewer on the way on (metrics:
     * one batch per resource and minute instead of one per converter output). Off by default.
     */
    public TenantRecordLimiter<P> combiningReleased(SerializableFunction<List<P>, List<P>> combiner) {
        this.releaseCombiner = combiner;
        return this;
    }

    /**
     * How a minute's end releases: steps of at least {@code minRecordsPerStep} records and
     * {@code stepMillis}, {@code pauseMillis} apart (the input is read in the pauses). Defaults 1,000
     * records, 20 ms and 10 ms; {@code Integer.MAX_VALUE} records releases everything at once.
     */
    public TenantRecordLimiter<P> pacedRelease(int minRecordsPerStep, long stepMillis, long pauseMillis) {
        if (minRecordsPerStep < 1 || stepMillis < 0 || pauseMillis < 0) {
            throw new IllegalArgumentException("a release step passes >= 1 record in >= 0 ms, >= 0 ms apart, got "
                    + minRecordsPerStep + ", " + stepMillis + " and " + pauseMillis);
        }
        this.releaseMinRecordsPerStep = minRecordsPerStep;
        this.releaseStepMillis = stepMillis;
        this.releasePauseMillis = pauseMillis;
        return this;
    }

    /**
     * Passes a minute's watermark on in steps of {@code stepMillis} of event time, after its releases,
     * each step after a pause in which the input is read ({@link PacedRelease}), instead of at once:
     * for an operator chained behind that works when the watermark passes (the log fingerprinter mines
     * each second then), so that a checkpoint barrier waits for a step's work, not a minute's. 0 (the
     * default) passes it at once.
     */
    public TenantRecordLimiter<P> watermarkSteps(long stepMillis) {
        if (stepMillis < 0 || (stepMillis > 0 && slotMillis % stepMillis != 0)) {
            throw new IllegalArgumentException("a watermark step must be 0 (none) or divide the " + slotMillis + " ms slot, got "
                    + stepMillis);
        }
        this.watermarkStepMillis = stepMillis;
        return this;
    }

    /** The key of a record: its tenant and service, so that a tenant's services spread over the subtasks. */
    public static <P> String key(LimitSubject<P> tenants, LimitSubject<P> resources, P p) {
        return CompositeKey.of(tenants.member(p), resources.member(p));
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        horizon = new WatermarkHorizon();
        horizon.initialize(context.getOperatorStateStore());
        releasesWaitingByMinute = new HashMap<>();
        super.initializeState(context);
        // the watermark aligned to minute ends first, then held and stepped behind the releases
        paced = new PacedRelease<>(output, releaseMinRecordsPerStep, releaseStepMillis * 1_000_000L, watermarkStepMillis,
                System::nanoTime);
        output = new SlotWatermarkKeyedProcessOperator.SlotAlignedOutput<>(paced, slotMillis);
        // union: every subtask reads everything waiting and keeps what belongs to its key groups, so after a
        // rescale a record still comes out where the operator chained behind holds its key, and a release
        // runs where its key's held records are
        releasing = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(RELEASING, new TupleTypeInfo<>(Types.LONG, Types.LONG, type)));
        releaseTasks = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(RELEASE_TASKS, new TupleTypeInfo<>(Types.LONG, Types.STRING, Types.LONG, Types.LONG)));
        if (context.isRestored()) {
            @SuppressWarnings("unchecked")
            KeySelector<P, Object> keys = (KeySelector<P, Object>) getStateKeySelector1();
            List<Tuple2<Long, Object>> mine = new ArrayList<>();
            for (Tuple3<Long, Long, P> t : releasing.get()) {
                if (isMine(keys.getKey(t.f2))) {
                    mine.add(Tuple2.of(t.f0, t.f1 == NO_TIMESTAMP ? new StreamRecord<>(t.f2) : new StreamRecord<>(t.f2, t.f1)));
                }
            }
            for (Tuple4<Long, String, Long, Long> t : releaseTasks.get()) {
                if (isMine(t.f1)) {
                    mine.add(Tuple2.of(t.f0, new ReleaseTask(t.f1, t.f2, t.f3)));
                }
            }
            // a key's entries all come from the subtask that held it, numbered in its order: a stable sort keeps it
            mine.sort(Comparator.comparingLong(t -> t.f0));
            paced.restore(mine.stream().map(t -> t.f1).collect(Collectors.toList()));
        }
    }

    /** Whether {@code key} belongs to this subtask's key groups. */
    private boolean isMine(Object key) {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, task.getMaxNumberOfParallelSubtasks(),
                task.getNumberOfParallelSubtasks()) == task.getIndexOfThisSubtask();
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = new SimpleTimerService(getInternalTimerService("record-limit-timers", VoidNamespaceSerializer.INSTANCE, this));
        // on RocksDB an emptied map leaves nothing, and isEmpty()/clear() are iterator seeks over the
        // key's deleted entries: 61% of this operator's time there in bench-metrics
        heapBackend = !getKeyedStateBackend().isSafeToReuseKVState();
        windows = new KeyedWindows<>(spec, getKeyedStateStore().getMapState(
                new MapStateDescriptor<>(SLOTS, LongSerializer.INSTANCE, new AdmittedSlot.Serializer())), horizon);
        held = getKeyedStateStore().getMapState(new MapStateDescriptor<>(HELD, Types.STRING, type));
        @SuppressWarnings("unchecked")
        InternalListState<String, Long, P> list = (InternalListState<String, Long, P>) getOrCreateKeyedState(
                LongSerializer.INSTANCE, new ListStateDescriptor<>(BATCHES, type));
        @SuppressWarnings("unchecked")
        InternalMapState<String, Long, Integer, List<P>> chunks = (InternalMapState<String, Long, Integer, List<P>>)
                getOrCreateKeyedState(LongSerializer.INSTANCE, new MapStateDescriptor<>(CHUNKS, Types.INT, new ListTypeInfo<>(type)));
        @SuppressWarnings("unchecked")
        InternalValueState<String, Long, Long> chunkRange = (InternalValueState<String, Long, Long>) getOrCreateKeyedState(
                LongSerializer.INSTANCE, new ValueStateDescriptor<>(CHUNK_RANGE, Types.LONG));
        batches = BatchedListState.chunked(list, chunks, chunkRange, this, getKeyedStateBackend().isSafeToReuseKVState(),
                BatchedListState.DEFAULT_MAX_ON_HEAP);
        heldCounts = getKeyedStateStore().getMapState(new MapStateDescriptor<>(HELD_COUNTS, Types.LONG, Types.INT));
        awaiting = getKeyedStateStore().getMapState(new MapStateDescriptor<>(AWAITING, Types.LONG, Types.BOOLEAN));
        decisions = getOperatorStateBackend().getBroadcastState(DECISIONS_STATE);
        MetricGroup t = getMetricGroup().addGroup(tenantGroup);
        tenantsFolded = t.counter(LimiterMetrics.PARTIALS_FOLDED);
        tenantsLate = t.counter(LimiterMetrics.PARTIALS_LATE_FOLDED);
        MetricGroup r = getMetricGroup().addGroup(resourceGroup);
        resourcesFolded = r.counter(LimiterMetrics.PARTIALS_FOLDED);
        resourcesLate = r.counter(LimiterMetrics.PARTIALS_LATE_FOLDED);
        getMetricGroup().gauge("releaseQueuedTotal", () -> paced.queuedTotal());
        afterStep();
    }

    /** After a step: the next step of a paced release, after a pause in which the input is read. */
    private void afterStep() {
        if (drainScheduled || !paced.hasQueued()) {
            return;
        }
        drainScheduled = true;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + releasePauseMillis, t -> {
            drainScheduled = false;
            paced.drainStep();
            afterStep();
        });
    }

    @Override
    public void finish() throws Exception {
        paced.drainAll(); // the end of input: everything released goes on, then the held watermark
        super.finish();
    }

    @Override
    public void processElement1(StreamRecord<P> element) throws Exception {
        paced.beginStep();
        try {
            processRecord(element);
        } finally {
            afterStep();
        }
    }

    private void processRecord(StreamRecord<P> element) throws Exception {
        P p = element.getValue();
        if (maxTenants == 0 && maxResources == 0) {
            output.collect(element);
            return;
        }
        long minute = windows.assign(tenants.slotStartMillis(p), timers);
        if (minute != KeyedWindows.LATE && batches.hasOnHeap(minute)) {
            // the minute holds records of this key already (open, or fired and awaiting its decision): held too
            batches.add(minute, p);
            return;
        }
        if (minute == KeyedWindows.LATE) {
            foldLate(p);
            output.collect(element);
            return;
        }
        AdmittedSlot w = windows.get(minute);
        if (w == null) {
            w = new AdmittedSlot();
            // a key's first record of a minute that has ended: decided as a late one (the minute's decision may be here)
            w.fired = spec.maxTimestamp(minute) <= horizon.effective(timers.currentWatermark());
            windows.create(minute, w, timers);
        }
        if (w.fired && !awaiting.contains(minute)) {
            // within the lateness after the minute's end: passes at once when the decision tells
            Outcome o = outcome(p, decisions.get(minute));
            if (o != null) {
                output.collect(element.replace(o.apply(p)));
                return;
            }
            awaiting.put(minute, true);
        }
        hold(minute, p);
    }

    @Override
    public void processElement2(StreamRecord<TenantDecision> element) throws Exception {
        paced.beginStep();
        try {
            decide(element.getValue());
        } finally {
            afterStep();
        }
    }

    private void decide(TenantDecision d) throws Exception {
        TenantDecision known = decisions.get(d.minute);
        if (known == null) {
            known = d;
        } else {
            known.merge(d);
        }
        decisions.put(d.minute, known);
        // the keys whose records wait for a decision (few: marks that came after their minute's end)
        List<String> keys;
        try (Stream<String> s = this.<String>getKeyedStateBackend().getKeys(AWAITING, VoidNamespace.INSTANCE)) {
            keys = s.collect(Collectors.toList());
        }
        for (String k : keys) {
            setCurrentKey(k);
            if (awaiting.contains(d.minute)) {
                release(d.minute, known, Long.MIN_VALUE, true);
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        windows.onTimer(timer.getTimestamp(), (minute, w) -> paced.release(new ReleaseTask(timer.getKey(), minute,
                timer.getTimestamp())), (minute, w) -> {
            if (awaiting.contains(minute)) {
                // never expected (every mark is decided within the lateness): bounded, folded into both overflows
                passLate(minute, timer.getTimestamp());
                awaiting.remove(minute);
            }
            if (!heapBackend) {
                return;
            }
            if (held.isEmpty()) {
                held.clear(); // emptied through its iterator (a large take): the heap keeps it as an entry of the key
            }
        });
    }

    /**
     * A key's release at its minute's end, run when the paced release reaches it: only then are its held
     * records taken, a chunk per run ({@link BatchedListState#takeChunk}), so the heap holds one chunk
     * of one key's minute at a time.
     */
    private final class ReleaseTask implements PacedRelease.Deferred {
        final String key;
        final long minute;
        final long timestamp;

        ReleaseTask(String key, long minute, long timestamp) {
            this.key = key;
            this.minute = minute;
            this.timestamp = timestamp;
            releasesWaitingByMinute.merge(minute, 1, Integer::sum);
        }

        @Override
        public boolean run() throws Exception {
            setCurrentKey(key);
            Released r = release(minute, decisions.get(minute), timestamp, false);
            if (r == Released.PART) {
                return false; // the next chunk in its turn: the minute's decision stays until then
            }
            releasesWaitingByMinute.computeIfPresent(minute, (m, n) -> n == 1 ? null : n - 1);
            if (r == Released.ALL) {
                return true;
            }
            if (!spec.isLate(minute, horizon.current())) {
                awaiting.put(minute, true); // the minute's decision has not come: released when it does
                return true;
            }
            // reached after the minute's lateness (its purge has passed and its decision is gone): as the purge does
            passLate(minute, timestamp);
            return true;
        }
    }

    /** Takes the current key's held records of {@code minute} and passes them on at {@code timestamp}, folded as late ones. */
    private void passLate(long minute, long timestamp) throws Exception {
        for (P p : take(minute)) {
            foldLate(p);
            output.collect(new StreamRecord<>(p, timestamp));
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // no processing-time timers
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        paced.beginStep();
        try {
            advance(mark);
        } finally {
            afterStep();
        }
    }

    private void advance(Watermark mark) throws Exception {
        horizon.observe(mark.getTimestamp());
        super.processWatermark(mark);
        // decisions of minutes whose lateness has passed are needed no more, once their releases have run
        for (Iterator<Map.Entry<Long, TenantDecision>> it = decisions.iterator(); it.hasNext(); ) {
            long minute = it.next().getKey();
            if (spec.isLate(minute, horizon.current()) && !releasesWaitingByMinute.containsKey(minute)) {
                it.remove();
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        batches.flush(); // keyed state is the truth at every snapshot
        List<Tuple3<Long, Long, P>> records = new ArrayList<>();
        List<Tuple4<Long, String, Long, Long>> tasks = new ArrayList<>();
        long position = 0;
        for (Object o : paced.queued()) {
            if (o instanceof TenantRecordLimiter<?>.ReleaseTask) {
                TenantRecordLimiter<?>.ReleaseTask t = (TenantRecordLimiter<?>.ReleaseTask) o;
                tasks.add(Tuple4.of(position++, t.key, t.minute, t.timestamp));
            } else {
                @SuppressWarnings("unchecked")
                StreamRecord<P> r = (StreamRecord<P>) o;
                records.add(Tuple3.of(position++, r.hasTimestamp() ? r.getTimestamp() : NO_TIMESTAMP, r.getValue()));
            }
        }
        releasing.update(records);
        releaseTasks.update(tasks);
        super.snapshotState(context);
        horizon.snapshot();
    }

    /** The operator's horizon (for tests). */
    public WatermarkHorizon horizon() {
        return horizon;
    }

    /** What a release did: all the key's records of the minute went on, a part of them did, or none (undecided). */
    private enum Released {
        ALL,
        PART,
        UNDECIDED
    }

    /**
     * Emits the current key's held records of {@code minute} when {@code d} decides them (at
     * {@code timestamp}, or at the minute's end when that is {@code Long.MIN_VALUE}): all of them when
     * {@code whole} or when a combiner combines them, else one chunk ({@link Released#PART} when more
     * are left); {@link Released#UNDECIDED}, holding them, when it cannot decide yet.
     */
    private Released release(long minute, TenantDecision d, long timestamp, boolean whole) throws Exception {
        BatchedListState.Chunk<P> chunk = whole || releaseCombiner != null
                ? new BatchedListState.Chunk<>(take(minute), false)
                : takeChunk(minute);
        List<P> records = chunk.records();
        if (records.isEmpty()) {
            forgetAwaiting(minute);
            return Released.ALL;
        }
        Outcome o = outcome(records.get(0), d);
        if (o == null) {
            // held on, in front, in the same order (the key's records all have its tenant and service: one outcome)
            batches.putBack(minute, records);
            return Released.UNDECIDED;
        }
        long at = timestamp == Long.MIN_VALUE ? spec.maxTimestamp(minute) : timestamp;
        if (releaseCombiner != null && records.size() > 1) {
            List<P> decided = new ArrayList<>(records.size());
            for (P p : records) {
                decided.add(o.apply(p));
            }
            for (P p : releaseCombiner.apply(decided)) {
                output.collect(new StreamRecord<>(p, at));
            }
            forgetAwaiting(minute);
            return Released.ALL;
        }
        for (P p : records) {
            output.collect(new StreamRecord<>(o.apply(p), at));
        }
        if (chunk.more()) {
            return Released.PART;
        }
        forgetAwaiting(minute);
        return Released.ALL;
    }

    private void forgetAwaiting(long minute) throws Exception {
        awaiting.remove(minute); // remove() leaves no emptied map behind, on either backend
    }

    /** What the decision makes of a record of the current key, or null when it cannot tell yet. */
    private Outcome outcome(P p, TenantDecision d) {
        String tenant = tenants.member(p);
        boolean foldTenant = false;
        if (maxTenants > 0 && !tenants.isOverflow(p)) {
            if (d == null) {
                return null;
            }
            String known = d.tenants.admitted.get(StableHash.of(tenant));
            if (known != null && known.equals(tenant)) {
                foldTenant = false;
            } else if (known != null || d.tenants.admitted.size() >= maxTenants) {
                foldTenant = true;
                tenant = Overflow.TENANT;
            } else {
                return null;
            }
        }
        boolean foldService = false;
        if (maxResources > 0 && !resources.isOverflow(p)) {
            if (d == null) {
                return null;
            }
            AdmittedSlot kept = d.services.get(tenant);
            String service = resources.member(p);
            String known = kept == null ? null : kept.admitted.get(StableHash.of(service));
            if (known != null && known.equals(service)) {
                foldService = false;
            } else if (known != null || (kept != null && kept.admitted.size() >= maxResources)) {
                foldService = true;
            } else {
                return null;
            }
        }
        return new Outcome(foldTenant, foldService);
    }

    /** Whether a record's tenant and service fold. */
    private final class Outcome {
        final boolean foldTenant;
        final boolean foldService;

        Outcome(boolean foldTenant, boolean foldService) {
            this.foldTenant = foldTenant;
            this.foldService = foldService;
        }

        P apply(P p) {
            if (foldTenant) {
                tenantsFolded.inc();
                tenants.fold(p);
            }
            if (foldService) {
                resourcesFolded.inc();
                resources.fold(p);
            }
            return p;
        }
    }

    /** Counts a record after its minute's lateness, and folds it into both overflows unless {@link #passLateUnfolded}. */
    private void foldLate(P p) {
        boolean foldTenant = maxTenants > 0 && !tenants.isOverflow(p);
        boolean foldResource = maxResources > 0 && !resources.isOverflow(p);
        if (foldTenant) {
            tenantsLate.inc();
        }
        if (foldResource) {
            resourcesLate.inc();
        }
        if (foldTenant && foldLate) {
            tenants.fold(p);
        }
        if (foldResource && foldLate) {
            resources.fold(p);
        }
    }

    /** Holds {@code p} for {@code minute}. */
    private void hold(long minute, P p) throws Exception {
        batches.add(minute, p);
    }

    /**
     * Removes and returns what the current key holds for {@code minute}, in the order it came: a
     * restored savepoint's records of the former layout first, then the batches.
     */
    private List<P> take(long minute) throws Exception {
        List<P> formerLayout = takeFormerLayout(minute);
        List<P> batched = batches.take(minute);
        if (formerLayout.isEmpty()) {
            return batched;
        }
        List<P> out = new ArrayList<>(formerLayout);
        out.addAll(batched);
        return out;
    }

    /**
     * Removes and returns the first part of what the current key holds for {@code minute}: a restored
     * savepoint's records of the former layout, else a chunk of the batches ({@link BatchedListState#takeChunk}).
     */
    private BatchedListState.Chunk<P> takeChunk(long minute) throws Exception {
        List<P> formerLayout = takeFormerLayout(minute);
        if (!formerLayout.isEmpty()) {
            return new BatchedListState.Chunk<>(formerLayout, true);
        }
        return batches.takeChunk(minute);
    }

    /**
     * Removes and returns the records of the former layout (one entry each) the current key holds for
     * {@code minute}. More than {@value #POINT_READS_MAX} records are read in one pass over the key's
     * held records (on RocksDB a read per record is a point lookup; a pass reads on in key order).
     */
    private List<P> takeFormerLayout(long minute) throws Exception {
        Integer n = heldCounts.get(minute);
        if (n == null) {
            return List.of();
        }
        Object[] records = new Object[n];
        if (n > POINT_READS_MAX) {
            String prefix = Long.toString(minute);
            for (Iterator<Map.Entry<String, P>> it = held.iterator(); it.hasNext(); ) {
                Map.Entry<String, P> e = it.next();
                TenantResourceLimiter.HeldKey k = TenantResourceLimiter.HeldKey.parse(e.getKey());
                if (k != null && k.key().equals(prefix) && k.index() < n && records[k.index()] == null) {
                    records[k.index()] = e.getValue();
                    it.remove();
                }
            }
        }
        List<P> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (records[i] == null) {
                String k = heldKey(minute, i);
                records[i] = held.get(k);
                held.remove(k);
            }
            @SuppressWarnings("unchecked")
            P p = (P) records[i];
            out.add(p);
        }
        heldCounts.remove(minute);
        return out;
    }

    /** Holds {@code p} for {@code minute} as the former layout did (one entry per record): for the tests that restore it. */
    @VisibleForTesting
    void holdInFormerLayout(long minute, P p) throws Exception {
        Integer n = heldCounts.get(minute);
        int i = n == null ? 0 : n;
        held.put(heldKey(minute, i), p);
        heldCounts.put(minute, i + 1);
    }

    /** Whether released records or keys' releases wait for a later step (for tests). */
    @VisibleForTesting
    boolean releasing() {
        return paced.hasQueuedRecords();
    }

    /** Whether records, releases or watermark steps wait for a later step (for tests). */
    @VisibleForTesting
    boolean draining() {
        return paced.hasQueued();
    }

    /** How many records (not keys' releases, whose records are still held) wait for a later step (for tests). */
    @VisibleForTesting
    long recordsWaiting() {
        return paced.queued().stream().filter(o -> o instanceof StreamRecord).count();
    }

    /** How many keys' releases wait for a later step (for tests). */
    @VisibleForTesting
    long releasesWaiting() {
        return paced.queued().stream().filter(o -> !(o instanceof StreamRecord)).count();
    }

    /** The held records' batches (for tests). */
    @VisibleForTesting
    BatchedListState<P> batches() {
        return batches;
    }

    private static String heldKey(long minute, int i) {
        return CompositeKey.of(Long.toString(minute), Integer.toString(i));
    }
}
