package org.otlpanalytics.operators.limits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * The tenant limit and the resources-per-tenant limit of one pipeline in one operator, for records
 * that wait for their slot's end anyway (the log records): what two {@link CardinalityLimiter}s in a
 * row give, tenants (one scope, {@link LimitSubjects#ALL_TENANTS}) and then resources of each tenant
 * the first one leaves (the overflow tenant's included), with one network shuffle and one held copy
 * of each record instead of two. Keyed by the tenant limit's scope.
 *
 * <p>Per slot, tenants are admitted bottom-k by stable hash as {@link CardinalityLimiter} does; a
 * refused or pushed-out tenant's records are folded at once and held under the overflow tenant.
 * At the slot's end, per (final) tenant, the resources of its held records are admitted bottom-k
 * the same way, and each record is emitted folded or not by that set, which does not depend on
 * arrival order; so a record costs one state write, and no resource state is kept before the slot's
 * end. The counters are those of the two limiters ({@code tenantGroup}, {@code resourceGroup}); a
 * resource's records are counted folded when they are emitted.
 *
 * <p>After the slot was emitted, within the allowed lateness, a record passes at once: its tenant and
 * then its resource admitted when known or when the slot has room, else folded (a tenant without a
 * resource slot yet gets one). After the lateness it is folded into both overflows and passed on.
 *
 * <p>State: the tenant slots ({@code limiter-slots}) and held records ({@code limiter-held-records},
 * {@code limiter-held-counts}) are the tenant {@link CardinalityLimiter}'s, under the same keys, so
 * its savepoints restore here; the resource slots per slot and tenant are {@code limiter-resource-slots}.
 * Run it in a {@link org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator}.
 *
 * <p>The logs pipeline no longer runs it (one subtask held every record of a minute): the limits are
 * decided by {@link TenantAdmission} and applied by {@link TenantRecordLimiter}; it stays as the oracle of
 * their tests and as {@link RestoredTenantLimitDrain}, which emits what a savepoint of it held.
 */
public class TenantResourceLimiter<P> extends KeyedProcessFunction<String, P, P> implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    // state names: never change, savepoints depend on them (the first three are CardinalityLimiter's)
    static final String RESOURCE_SLOTS = "limiter-resource-slots";
    /** A take of more held records than this reads them in one pass ({@link #take(List)}). */
    static final int POINT_READS_MAX = 256;

    private final LimitSubject<P> tenants;
    private final LimitSubject<P> resources;
    private final int maxTenants;
    private final int maxResources;
    private final long slotMillis;
    private final long allowedLatenessMillis;
    private final String tenantGroup;
    private final String resourceGroup;
    private final MapStateDescriptor<Long, AdmittedSlot> slotsDescriptor;
    private final MapStateDescriptor<String, AdmittedSlot> resourceSlotsDescriptor;
    private final MapStateDescriptor<String, P> heldRecordsDescriptor;
    private final MapStateDescriptor<String, Integer> heldCountsDescriptor;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<AdmittedSlot> windows;
    private transient MapState<String, AdmittedSlot> resourceSlots;
    private transient MapState<String, P> heldRecords;
    private transient MapState<String, Integer> heldCounts;
    private transient Counter tenantsFolded;
    private transient Counter tenantsEvicted;
    private transient Counter tenantsLate;
    private transient Counter resourcesFolded;
    private transient Counter resourcesEvicted;
    private transient Counter resourcesLate;

    /**
     * @param tenants the tenant limit (scope: all tenants); {@code maxTenants} 0 = none
     * @param resources the resource limit (scope: a tenant); {@code maxResources} 0 = none
     */
    public TenantResourceLimiter(LimitSubject<P> tenants, LimitSubject<P> resources, TypeInformation<P> type, int maxTenants,
            int maxResources, long slotMillis, long allowedLatenessMillis, String tenantGroup, String resourceGroup) {
        if (maxTenants < 0 || maxResources < 0) {
            throw new IllegalArgumentException("a cardinality limit must be >= 0 (0 = none), got " + maxTenants + " and "
                    + maxResources);
        }
        this.tenants = tenants;
        this.resources = resources;
        this.maxTenants = maxTenants;
        this.maxResources = maxResources;
        this.slotMillis = slotMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.tenantGroup = tenantGroup;
        this.resourceGroup = resourceGroup;
        this.slotsDescriptor = new MapStateDescriptor<>(CardinalityLimiter.SLOTS, LongSerializer.INSTANCE, new AdmittedSlot.Serializer());
        this.resourceSlotsDescriptor = new MapStateDescriptor<>(RESOURCE_SLOTS, StringSerializer.INSTANCE, new AdmittedSlot.Serializer());
        this.heldRecordsDescriptor = new MapStateDescriptor<>(CardinalityLimiter.HELD_RECORDS, Types.STRING, type);
        this.heldCountsDescriptor = new MapStateDescriptor<>(CardinalityLimiter.HELD_COUNTS, Types.STRING, Types.INT);
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new KeyedWindows<>(new EpochWindows(slotMillis, allowedLatenessMillis),
                getRuntimeContext().getMapState(slotsDescriptor), horizon);
        resourceSlots = getRuntimeContext().getMapState(resourceSlotsDescriptor);
        heldRecords = getRuntimeContext().getMapState(heldRecordsDescriptor);
        heldCounts = getRuntimeContext().getMapState(heldCountsDescriptor);
        MetricGroup t = getRuntimeContext().getMetricGroup().addGroup(tenantGroup);
        tenantsFolded = t.counter(LimiterMetrics.PARTIALS_FOLDED);
        tenantsEvicted = t.counter(LimiterMetrics.MEMBERS_EVICTED);
        tenantsLate = t.counter(LimiterMetrics.PARTIALS_LATE_FOLDED);
        MetricGroup r = getRuntimeContext().getMetricGroup().addGroup(resourceGroup);
        resourcesFolded = r.counter(LimiterMetrics.PARTIALS_FOLDED);
        resourcesEvicted = r.counter(LimiterMetrics.MEMBERS_EVICTED);
        resourcesLate = r.counter(LimiterMetrics.PARTIALS_LATE_FOLDED);
    }

    @Override
    public void processElement(P p, Context ctx, Collector<P> out) throws Exception {
        if (maxTenants == 0 && maxResources == 0) {
            out.collect(p);
            return;
        }
        long slot = windows.assign(tenants.slotStartMillis(p), ctx.timerService());
        if (slot == KeyedWindows.LATE) {
            if (maxTenants > 0 && !tenants.isOverflow(p)) {
                tenantsLate.inc();
                tenants.fold(p);
            }
            if (maxResources > 0 && !resources.isOverflow(p)) {
                resourcesLate.inc();
                resources.fold(p);
            }
            out.collect(p);
            return;
        }
        AdmittedSlot w = windows.get(slot);
        boolean created = w == null;
        if (created) {
            w = new AdmittedSlot();
        }
        boolean changed = admitTenant(slot, w, p);
        if (w.fired) {
            // within the allowed lateness after the slot was emitted: passes at once
            admitLateResource(slot, p);
            out.collect(p);
        } else {
            hold(heldKey(slot, resources.scope(p)), p);
        }
        if (created) {
            windows.create(slot, w, ctx.timerService());
        } else if (changed) {
            windows.update(slot, w);
        }
    }

    /**
     * The tenant limit, as {@link CardinalityLimiter} decides it: folds {@code p}'s tenant when it is
     * refused; a tenant pushed out moves its held records to the overflow tenant. Returns whether
     * {@code w} changed.
     */
    private boolean admitTenant(long slot, AdmittedSlot w, P p) throws Exception {
        if (tenants.isOverflow(p)) {
            return false;
        }
        String member = tenants.member(p);
        long h = StableHash.of(member);
        if (maxTenants == 0) {
            // no tenant limit: every tenant is kept, so that the slot's end finds its held records
            return w.admitted.putIfAbsent(h, member) == null;
        }
        // a 64-bit collision of two tenants is treated as one: the newcomer folds
        BottomK.Offer offer = BottomK.offer(w.admitted, h, member, maxTenants, !w.fired);
        if (offer.pushedOut != null) {
            // a smaller hash at the limit: the admitted tenant with the largest hash is pushed out
            tenantsEvicted.inc();
            evictTenant(slot, offer.pushedOut);
        }
        if (!offer.admitted()) {
            tenantsFolded.inc();
            tenants.fold(p);
        }
        return offer.changed();
    }

    /** Moves the held records of a tenant pushed out of {@code slot} to the overflow tenant, folded. */
    private void evictTenant(long slot, String tenant) throws Exception {
        List<P> moved = take(heldKey(slot, tenant));
        tenantsFolded.inc(moved.size());
        for (P p : moved) {
            tenants.fold(p);
            hold(heldKey(slot, resources.scope(p)), p);
        }
    }

    /**
     * The resources a tenant keeps in a slot: bottom-k by stable hash over its held records, in the
     * order they came (so a 64-bit collision keeps the first, and pushed-out resources are counted
     * as the resource limiter counted them).
     */
    private AdmittedSlot admitResources(List<P> held) {
        AdmittedSlot r = new AdmittedSlot();
        for (P p : held) {
            if (resources.isOverflow(p)) {
                continue;
            }
            String member = resources.member(p);
            if (BottomK.offer(r.admitted, StableHash.of(member), member, maxResources, true).pushedOut != null) {
                resourcesEvicted.inc();
            }
        }
        return r;
    }

    /** A record after its slot was emitted: its resource admitted when known or when there is room, else folded. */
    private void admitLateResource(long slot, P p) throws Exception {
        if (maxResources == 0 || resources.isOverflow(p)) {
            return;
        }
        String tenant = resources.scope(p);
        AdmittedSlot r = resourceSlot(slot, tenant);
        String member = resources.member(p);
        BottomK.Offer offer = BottomK.offer(r.admitted, StableHash.of(member), member, maxResources, false);
        if (offer.changed()) {
            r.fired = true;
            resourceSlots.put(resourceKey(slot, tenant), r);
        } else if (!offer.admitted()) {
            resourcesFolded.inc();
            resources.fold(p);
        }
    }

    private AdmittedSlot resourceSlot(long slot, String tenant) throws Exception {
        AdmittedSlot r = resourceSlots.get(resourceKey(slot, tenant));
        return r == null ? new AdmittedSlot() : r;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<P> out) throws Exception {
        windows.onTimer(timestamp, (slot, w) -> {
            List<String> keys = new ArrayList<>();
            for (String tenant : tenantsOf(w)) {
                keys.add(heldKey(slot, tenant));
            }
            Map<String, List<P>> heldByKey = take(keys);
            for (String tenant : tenantsOf(w)) {
                List<P> held = heldByKey.get(heldKey(slot, tenant));
                if (held.isEmpty() || maxResources == 0) {
                    held.forEach(out::collect);
                    continue;
                }
                AdmittedSlot r = admitResources(held);
                for (P p : held) {
                    if (!resources.isOverflow(p) && !isAdmitted(r, resources.member(p))) {
                        resourcesFolded.inc();
                        resources.fold(p);
                    }
                    out.collect(p);
                }
                // kept for the records that come after the slot was emitted
                r.fired = true;
                resourceSlots.put(resourceKey(slot, tenant), r);
            }
        }, (slot, w) -> {
            for (String tenant : tenantsOf(w)) {
                resourceSlots.remove(resourceKey(slot, tenant));
            }
            // remove() leaves no emptied map behind on either backend, but the heap keeps a map emptied
            // through its iterator (a large take) as an entry of the key; clear() drops it
            if (heldRecords.isEmpty()) {
                heldRecords.clear();
            }
        });
    }

    /** The tenants a slot may hold records or resource slots of: the admitted ones and the overflow tenant. */
    private List<String> tenantsOf(AdmittedSlot w) {
        List<String> out = new ArrayList<>(w.admitted.values());
        out.add(Overflow.TENANT);
        return out;
    }

    private static boolean isAdmitted(AdmittedSlot r, String member) {
        String known = r.admitted.get(StableHash.of(member));
        return known != null && known.equals(member);
    }

    /** Holds {@code p} under {@code k} (slot and tenant): one entry per record, as the tenant limiter's. */
    private void hold(String k, P p) throws Exception {
        Integer n = heldCounts.get(k);
        int i = n == null ? 0 : n;
        heldRecords.put(CompositeKey.of(k, Integer.toString(i)), p);
        heldCounts.put(k, i + 1);
    }

    /** Removes and returns what is held under {@code k}, in the order it came. */
    private List<P> take(String k) throws Exception {
        return take(List.of(k)).get(k);
    }

    /**
     * Removes and returns what is held under each of {@code keys}, each in the order it came (an
     * empty list for a key holding nothing). Up to {@value #POINT_READS_MAX} records are read one by
     * one; more in one pass over the held records (a slot's end: on RocksDB a read per record costs a
     * point lookup, tens of µs once the records left the memtable, where a pass reads on in key order).
     */
    private Map<String, List<P>> take(List<String> keys) throws Exception {
        Map<String, Object[]> byKey = new HashMap<>();
        long total = 0;
        for (String k : keys) {
            Integer n = heldCounts.get(k);
            byKey.put(k, new Object[n == null ? 0 : n]);
            total += n == null ? 0 : n;
        }
        if (total > POINT_READS_MAX) {
            Iterator<Map.Entry<String, P>> it = heldRecords.iterator();
            while (it.hasNext()) {
                Map.Entry<String, P> e = it.next();
                HeldKey held = HeldKey.parse(e.getKey());
                Object[] records = held == null ? null : byKey.get(held.key);
                if (records != null && held.index < records.length && records[held.index] == null) {
                    records[held.index] = e.getValue();
                    it.remove();
                }
            }
        }
        Map<String, List<P>> out = new HashMap<>();
        for (String k : keys) {
            Object[] records = byKey.get(k);
            List<P> list = new ArrayList<>(records.length);
            for (int i = 0; i < records.length; i++) {
                if (records[i] == null) {
                    // not read by a pass (few records, or not found in it): by its key, as it was held
                    String ki = CompositeKey.of(k, Integer.toString(i));
                    records[i] = heldRecords.get(ki);
                    heldRecords.remove(ki);
                }
                @SuppressWarnings("unchecked")
                P p = (P) records[i];
                list.add(p);
            }
            if (records.length > 0) {
                heldCounts.remove(k);
            }
            out.put(k, list);
        }
        return out;
    }

    /** A held record's key ({@code CompositeKey.of(heldKey, index)}) split, or null for any other form. */
    record HeldKey(String key, int index) {
        static HeldKey parse(String composite) {
            String[] parts = CompositeKey.split(composite, 2);
            if (parts == null) {
                return null;
            }
            try {
                int i = Integer.parseInt(parts[1]);
                // only the form hold() writes (Integer.toString): "01" or "+1" are not index 1
                return i < 0 || !Integer.toString(i).equals(parts[1]) ? null : new HeldKey(parts[0], i);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** The tenant limiter's key of held records. */
    static String heldKey(long slot, String tenant) {
        return CompositeKey.of(Long.toString(slot), tenant);
    }

    private static String resourceKey(long slot, String tenant) {
        return CompositeKey.of(Long.toString(slot), tenant);
    }
}
