package org.otlpanalytics.operators.limits;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * Caps the distinct members (tenants, or resources of a tenant) per scope and slot of event time,
 * on pre-aggregated partials, so that a client that sets {@code tenant.id} or {@code service.name}
 * per request cannot grow state and tables without bound. Keyed by {@link LimitSubject#scope}.
 *
 * <p><b>Which members are kept does not depend on arrival order.</b> Per scope and slot it keeps
 * the {@code limit} members with the smallest stable hash (bottom-k, like RED's operation cap and
 * the peer cap): partials of admitted members wait in state until the watermark passes the end of
 * their slot; a member with a smaller hash arriving at the limit pushes out the admitted one with
 * the largest hash, whose held partials are folded ({@link LimitSubject#fold}) and passed on at
 * once, as are the partials of members refused. Then the admitted members' partials are emitted,
 * before the watermark that closes the slot goes on downstream, so nothing there is late for it.
 * Folding rewrites identity, never counts: the totals downstream stay exact, under one overflow
 * member per scope. A replay or a restart keeps the same members. State per scope is the admitted
 * set and the held partials of at most {@code limit} members per open slot.
 *
 * <p>A partial arriving after its slot was emitted but within the allowed lateness passes at once:
 * under its member when the member was admitted or the slot has room, else folded (admissions
 * already written are never taken back). Later ones are folded and passed on, so the aggregator
 * after this one judges (and dead-letters) them with their totals bounded. Run it in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}.
 *
 * <p>On RocksDB the admitted sets are kept on the heap between checkpoints ({@link AdmittedSlotCache}):
 * a partial reads its member's admission there instead of deserializing its scope's whole set.
 *
 * <p>A limit of 0 turns the limiter into a pass-through.
 */
public class CardinalityLimiter<P> extends KeyedProcessFunction<String, P, P>
        implements WatermarkHorizon.Aware, HorizonKeyedProcessOperator.KeyContextAware, CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    // state names: never change, savepoints depend on them
    static final String SLOTS = "limiter-slots";
    static final String HELD = "limiter-held";
    static final String HELD_RECORDS = "limiter-held-records";
    static final String HELD_COUNTS = "limiter-held-counts";
    static final String HELD_MERGED = "limiter-held-merged";

    /**
     * How held partials are kept. {@link #LISTS}: one list per member and slot (few partials per
     * member, the RED limits; read and rewritten whole on each append, so on RocksDB an
     * append costs the list's size). {@link #RECORDS}: one entry per partial plus a count per member
     * and slot, so an append is two small writes on every backend (many records per member: the log
     * record limits, and the edge limits, where a tenant or caller holds a partial per edge).
     * {@link #MERGED}: one value per member and slot, the partials merged as they
     * come ({@link Merger}) with the number merged, where the next operator only adds them up (the
     * log pattern limit before the 5-minute counts): an append is one small read and write, and one
     * partial per member and slot goes on instead of every one. A job restored from a savepoint of
     * the {@link #LISTS} layout emits the held lists too, in every layout (read once, at the slot's end).
     */
    public enum Held {
        LISTS, RECORDS, MERGED
    }

    /**
     * Merges two partials of one member and slot into one that the next operator counts exactly as
     * it counts both. {@code into} is null for a member's first partial: return a new value, never
     * {@code p} itself, since the result is changed by later merges.
     */
    public interface Merger<P> extends Serializable {
        P merge(P into, P p);
    }

    private final LimitSubject<P> subject;
    private final int limit;
    private final long slotMillis;
    private final long allowedLatenessMillis;
    private final String metricGroup;
    private final MapStateDescriptor<Long, AdmittedSlot> slotsDescriptor;
    private final MapStateDescriptor<String, List<P>> heldDescriptor;
    private final Held layout;
    private boolean foldLate = true;
    private final MapStateDescriptor<String, P> heldRecordsDescriptor;
    private final MapStateDescriptor<String, Integer> heldCountsDescriptor;
    private final MapStateDescriptor<String, Tuple2<Integer, P>> heldMergedDescriptor;
    private final Merger<P> merger;
    private transient WatermarkHorizon horizon;
    private transient KeyContext keys;
    private transient boolean backendCopies;
    private transient KeyedWindows<AdmittedSlot> windows;
    private transient AdmittedSlotCache slots;
    private transient MapState<String, List<P>> held;
    private transient MapState<String, P> heldRecords;
    private transient MapState<String, Integer> heldCounts;
    private transient MapState<String, Tuple2<Integer, P>> heldMerged;
    private transient Counter folded;
    private transient Counter evicted;
    private transient Counter late;

    /**
     * @param limit members kept per scope and slot; 0 = no limit
     * @param slotMillis the slot of the partials (their pre-aggregation window)
     * @param metricGroup the name of this limit's metric group ({@code tenantLimiter}, ...)
     */
    public CardinalityLimiter(LimitSubject<P> subject, TypeInformation<P> type, int limit, long slotMillis,
            long allowedLatenessMillis, String metricGroup) {
        this(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup, Held.LISTS);
    }

    /** As above, with the held partials kept as {@code layout} says ({@link Held#LISTS} or {@link Held#RECORDS}). */
    public CardinalityLimiter(LimitSubject<P> subject, TypeInformation<P> type, int limit, long slotMillis,
            long allowedLatenessMillis, String metricGroup, Held layout) {
        this(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup, layout, null);
    }

    /** As above, the held partials of a member and slot merged into one by {@code merger} ({@link Held#MERGED}). */
    public CardinalityLimiter(LimitSubject<P> subject, TypeInformation<P> type, int limit, long slotMillis,
            long allowedLatenessMillis, String metricGroup, Merger<P> merger) {
        this(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup, Held.MERGED, merger);
    }

    private CardinalityLimiter(LimitSubject<P> subject, TypeInformation<P> type, int limit, long slotMillis,
            long allowedLatenessMillis, String metricGroup, Held layout, Merger<P> merger) {
        if ((layout == Held.MERGED) != (merger != null)) {
            throw new IllegalArgumentException("the held layout MERGED, and only it, takes a merger");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("a cardinality limit must be >= 0 (0 = none), got " + limit);
        }
        this.subject = subject;
        this.limit = limit;
        this.slotMillis = slotMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.metricGroup = metricGroup;
        this.slotsDescriptor = new MapStateDescriptor<>(SLOTS, LongSerializer.INSTANCE, new AdmittedSlot.Serializer());
        this.heldDescriptor = new MapStateDescriptor<>(HELD, Types.STRING, Types.LIST(type));
        this.layout = layout;
        this.heldRecordsDescriptor = new MapStateDescriptor<>(HELD_RECORDS, Types.STRING, type);
        this.heldCountsDescriptor = new MapStateDescriptor<>(HELD_COUNTS, Types.STRING, Types.INT);
        this.heldMergedDescriptor = new MapStateDescriptor<>(HELD_MERGED, Types.STRING, new TupleTypeInfo<>(Types.INT, type));
        this.merger = merger;
    }

    /**
     * Passes partials after their slot was purged on unchanged (still counted in
     * {@code partialsLateFolded}) instead of folding them: for an aggregator behind that
     * dead-letters late input under its own key (metrics), where a fold would move the late input
     * to a key that has no window yet.
     */
    public CardinalityLimiter<P> passLateUnfolded() {
        foldLate = false;
        return this;
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void setKeyContext(KeyContext keys, boolean backendCopies) {
        this.keys = keys;
        this.backendCopies = backendCopies;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // keyed state only, read as needed
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (slots != null) {
            slots.flush();
        }
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new KeyedWindows<>(new EpochWindows(slotMillis, allowedLatenessMillis),
                getRuntimeContext().getMapState(slotsDescriptor), horizon);
        slots = new AdmittedSlotCache(windows, keys, backendCopies, AdmittedSlotCache.DEFAULT_MAX_MEMBERS);
        // every layout reads the lists: what a savepoint of the LISTS layout held
        held = getRuntimeContext().getMapState(heldDescriptor);
        if (layout == Held.RECORDS) {
            heldRecords = getRuntimeContext().getMapState(heldRecordsDescriptor);
            heldCounts = getRuntimeContext().getMapState(heldCountsDescriptor);
        } else if (layout == Held.MERGED) {
            heldMerged = getRuntimeContext().getMapState(heldMergedDescriptor);
        }
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(metricGroup);
        folded = g.counter(LimiterMetrics.PARTIALS_FOLDED);
        evicted = g.counter(LimiterMetrics.MEMBERS_EVICTED);
        late = g.counter(LimiterMetrics.PARTIALS_LATE_FOLDED);
    }

    @Override
    public void processElement(P p, Context ctx, Collector<P> out) throws Exception {
        if (limit == 0 || subject.isOverflow(p)) {
            out.collect(p);
            return;
        }
        long slot = windows.assign(subject.slotStartMillis(p), ctx.timerService());
        if (slot == KeyedWindows.LATE) {
            late.inc();
            if (foldLate) {
                subject.fold(p);
            }
            out.collect(p);
            return;
        }
        String scope = ctx.getCurrentKey();
        AdmittedSlot w = slots.get(scope, slot);
        boolean created = w == null;
        if (created) {
            w = new AdmittedSlot();
        }
        String member = subject.member(p);
        // a 64-bit collision of two members is treated as one slot: the newcomer folds
        BottomK.Offer offer = BottomK.offer(w.admitted, StableHash.of(member), member, limit, !w.fired);
        boolean admitted = offer.admitted();
        boolean changed = offer.changed();
        if (offer.pushedOut != null) {
            foldHeld(slot, offer.pushedOut, out);
            evicted.inc();
        }
        if (!admitted) {
            folded.inc();
            subject.fold(p);
            out.collect(p);
        } else if (w.fired) {
            // within the allowed lateness after the slot was emitted: passes at once
            out.collect(p);
        } else {
            hold(heldKey(slot, member), p);
        }
        if (created) {
            slots.create(scope, slot, w, ctx.timerService());
        } else if (changed) {
            slots.update(scope, slot, w);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<P> out) throws Exception {
        // the timer reads and writes the sets it fires and purges in keyed state
        slots.writeBack(ctx.getCurrentKey(), windows.spec().firedAt(timestamp));
        slots.writeBack(ctx.getCurrentKey(), windows.spec().purgedAt(timestamp));
        windows.onTimer(timestamp, (slot, w) -> {
            for (String member : w.admitted.values()) {
                take(heldKey(slot, member), out::collect);
            }
        }, (slot, w) -> {
            // nothing to drop: take() emptied the held maps with remove(), which leaves no emptied map
            // as an entry of the key on either backend (KeyedWindowsTest); isEmpty() would be a seek on RocksDB
        });
    }

    /** Folds and passes on the held partials of a member pushed out of {@code slot}. */
    private void foldHeld(long slot, String member, Collector<P> out) throws Exception {
        folded.inc(take(heldKey(slot, member), p -> {
            subject.fold(p);
            out.collect(p);
        }));
    }

    /** Holds {@code p} under {@code k} (slot and member). */
    private void hold(String k, P p) throws Exception {
        if (layout == Held.LISTS) {
            List<P> list = held.get(k);
            if (list == null) {
                list = new ArrayList<>(2);
            }
            list.add(p);
            held.put(k, list);
            return;
        }
        if (layout == Held.MERGED) {
            Tuple2<Integer, P> m = heldMerged.get(k);
            if (m == null) {
                m = Tuple2.of(1, merger.merge(null, p));
            } else {
                m.f0 = m.f0 + 1;
                m.f1 = merger.merge(m.f1, p);
            }
            heldMerged.put(k, m);
            return;
        }
        Integer n = heldCounts.get(k);
        int i = n == null ? 0 : n;
        heldRecords.put(CompositeKey.of(k, Integer.toString(i)), p);
        heldCounts.put(k, i + 1);
    }

    /**
     * Removes what is held under {@code k} and passes it to {@code out}, in the order it came;
     * returns the number of partials it stands for (with {@link Held#MERGED}, those merged).
     */
    private long take(String k, Consumer<P> out) throws Exception {
        long taken = 0;
        List<P> list = held.get(k);
        if (list != null) {
            held.remove(k);
            list.forEach(out);
            taken += list.size();
        }
        if (layout == Held.LISTS) {
            return taken;
        }
        if (layout == Held.MERGED) {
            Tuple2<Integer, P> m = heldMerged.get(k);
            if (m != null) {
                heldMerged.remove(k);
                out.accept(m.f1);
                taken += m.f0;
            }
            return taken;
        }
        Integer n = heldCounts.get(k);
        if (n == null) {
            return taken;
        }
        for (int i = 0; i < n; i++) {
            String ki = CompositeKey.of(k, Integer.toString(i));
            out.accept(heldRecords.get(ki));
            heldRecords.remove(ki);
        }
        heldCounts.remove(k);
        return taken + n;
    }

    private static String heldKey(long slot, String member) {
        return CompositeKey.of(Long.toString(slot), member);
    }
}
