package org.otlpanalytics.operators.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
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
 * The tenant limit of the log records, decided from {@link TenantMark}s instead of the records:
 * one subtask (keyed by one constant) admits per minute the {@code maxTenants} tenants with the
 * smallest stable hash, as {@link CardinalityLimiter} and {@link TenantResourceLimiter} do (a
 * smaller hash at the limit pushes out the largest, counted in {@code membersEvicted}), and per final
 * tenant the {@code maxServices} services with the smallest hash (the overflow tenant's over the
 * services of every tenant not admitted and of the tenant {@code overflow}). When the watermark passes the minute's end it emits the
 * {@link TenantDecision}, before that watermark goes on, so a {@link TenantRecordLimiter} has it
 * when its own watermark (the smaller of the records' and this one's) reaches the minute's end.
 *
 * <p>A mark after the minute's end, within the lateness, is decided as {@link TenantResourceLimiter}
 * decides a late record: its tenant is admitted when the minute has room, else it is the overflow
 * tenant's; its service is admitted when its final tenant's services have room. What that added is
 * sent as a delta of the decision.
 *
 * <p>State per minute: the admitted tenants ({@code admission-tenants}, the window) and each final
 * tenant's at most {@code maxServices} smallest services ({@code admission-services}; a pushed-out
 * tenant's go to the overflow tenant's). A limit of 0 is none: without a tenant limit every tenant
 * is admitted, without a service limit no service is kept.
 * Run it in a {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator} at
 * parallelism 1.
 */
public class TenantAdmission extends KeyedProcessFunction<String, TenantMark, TenantDecision>
        implements WatermarkHorizon.Aware, HorizonKeyedProcessOperator.KeyContextAware, CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    // state names: never change, savepoints depend on them
    static final String TENANTS = "admission-tenants";
    static final String SERVICES = "admission-services";
    static final String LATE_SERVICES = "admission-late-services";

    private final int maxTenants;
    private final int maxServices;
    private final long slotMillis;
    private final long allowedLatenessMillis;
    private final String tenantGroup;
    private final String resourceGroup;
    private boolean lateServiceSetsBottomK;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<AdmittedSlot> windows;
    private transient ServiceSetCache services;
    private transient KeyContext keys;
    private transient boolean backendCopies;
    /** The one key the admission runs under (for writing the cached sets at a checkpoint). */
    private transient String lastKey;
    /** minute -> the service sets of final tenants first seen after the minute's end, not yet sent. */
    private transient MapState<Long, TenantDecision> lateServices;
    private transient Counter tenantsEvicted;
    private transient Counter servicesEvicted;

    public TenantAdmission(int maxTenants, int maxServices, long slotMillis, long allowedLatenessMillis, String tenantGroup,
            String resourceGroup) {
        if (maxTenants < 0 || maxServices < 0) {
            throw new IllegalArgumentException("a cardinality limit must be >= 0 (0 = none), got " + maxTenants + " and "
                    + maxServices);
        }
        this.maxTenants = maxTenants;
        this.maxServices = maxServices;
        this.slotMillis = slotMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.tenantGroup = tenantGroup;
        this.resourceGroup = resourceGroup;
    }

    /**
     * Decides a final tenant's services first marked after the minute's end (no set of its own in the
     * decision yet) as a {@link CardinalityLimiter} of services per tenant decides a scope whose
     * window opens after the slot's end: bottom-k over the marks that come until the next watermark,
     * sent then as one delta ({@code admission-late-services} until then); later marks are admitted
     * into room as before. What the metrics' former layout, a tenant and a resource limiter in a row,
     * did; without it such a set admits in arrival order, as {@link TenantResourceLimiter} (the logs').
     */
    public TenantAdmission lateServiceSetsBottomK() {
        lateServiceSetsBottomK = true;
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
        if (services != null && lastKey != null) {
            keys.setCurrentKey(lastKey);
            services.flush();
        }
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new KeyedWindows<>(new EpochWindows(slotMillis, allowedLatenessMillis),
                getRuntimeContext().getMapState(new MapStateDescriptor<>(TENANTS, LongSerializer.INSTANCE, new AdmittedSlot.Serializer())),
                horizon);
        services = new ServiceSetCache(getRuntimeContext().getMapState(
                new MapStateDescriptor<>(SERVICES, StringSerializer.INSTANCE, new AdmittedSlot.Serializer())),
                backendCopies && keys != null, AdmittedSlotCache.DEFAULT_MAX_MEMBERS);
        if (lateServiceSetsBottomK) {
            lateServices = getRuntimeContext().getMapState(
                    new MapStateDescriptor<>(LATE_SERVICES, LongSerializer.INSTANCE, new TenantDecision.Serializer()));
        }
        MetricGroup g = getRuntimeContext().getMetricGroup();
        tenantsEvicted = g.addGroup(tenantGroup).counter(LimiterMetrics.MEMBERS_EVICTED);
        servicesEvicted = g.addGroup(resourceGroup).counter(LimiterMetrics.MEMBERS_EVICTED);
    }

    @Override
    public void processElement(TenantMark m, Context ctx, Collector<TenantDecision> out) throws Exception {
        lastKey = ctx.getCurrentKey();
        long minute = windows.assign(m.minute, ctx.timerService());
        if (minute == KeyedWindows.LATE) {
            return;
        }
        AdmittedSlot w = windows.get(minute);
        boolean created = w == null;
        if (created) {
            w = new AdmittedSlot();
        }
        boolean changed;
        if (w.fired) {
            TenantDecision delta = admitLate(minute, w, m, ctx);
            changed = delta != null;
            if (delta != null) {
                out.collect(delta);
            }
        } else {
            changed = admit(minute, w, m);
        }
        if (created) {
            windows.create(minute, w, ctx.timerService());
        } else if (changed) {
            windows.update(minute, w);
        }
    }

    /** Before the minute's end: bottom-k of tenants, and the services each brings. Returns whether {@code w} changed. */
    private boolean admit(long minute, AdmittedSlot w, TenantMark m) throws Exception {
        if (maxTenants == 0 || Overflow.TENANT.equals(m.tenant)) {
            // no tenant limit: every tenant is kept (so that the minute's end finds its services)
            boolean changed = maxTenants == 0 && w.admitted.putIfAbsent(StableHash.of(m.tenant), m.tenant) == null;
            addService(minute, m.tenant, m.service);
            return changed;
        }
        // a 64-bit collision of two tenants is treated as one: the other one's records fold
        BottomK.Offer offer = BottomK.offer(w.admitted, StableHash.of(m.tenant), m.tenant, maxTenants, true);
        if (offer.pushedOut != null) {
            // a smaller hash at the limit: the admitted tenant with the largest hash is pushed out, its services to overflow
            tenantsEvicted.inc();
            String key = key(minute, offer.pushedOut);
            AdmittedSlot moved = services.get(key);
            if (moved != null) {
                services.remove(key);
                for (String s : moved.admitted.values()) {
                    addService(minute, Overflow.TENANT, s);
                }
            }
        }
        addService(minute, offer.admitted() ? m.tenant : Overflow.TENANT, m.service);
        return offer.changed();
    }

    /**
     * After the minute's end, as the limiter decided a late record: the tenant is admitted when the
     * minute has room, else it is the overflow tenant's; then its service is admitted into its final
     * tenant's services when they have room. Returns what was admitted, or null.
     */
    private TenantDecision admitLate(long minute, AdmittedSlot w, TenantMark m, Context ctx) throws Exception {
        TenantDecision delta = new TenantDecision(minute, new AdmittedSlot(), new TreeMap<>());
        String tenant = m.tenant;
        if (maxTenants == 0) {
            w.admitted.putIfAbsent(StableHash.of(tenant), tenant);
        } else if (!Overflow.TENANT.equals(tenant)) {
            long h = StableHash.of(tenant);
            BottomK.Offer offer = BottomK.offer(w.admitted, h, tenant, maxTenants, false);
            if (offer.changed()) {
                delta.tenants.admitted.put(h, tenant);
            } else if (!offer.admitted()) {
                tenant = Overflow.TENANT;
            }
        }
        if (maxServices > 0 && m.service != null) {
            String key = key(minute, tenant);
            AdmittedSlot s = services.get(key);
            if (s == null && lateServiceSetsBottomK) {
                addLateService(minute, tenant, m.service, ctx);
                return delta.tenants.admitted.isEmpty() ? null : delta;
            }
            if (s == null) {
                s = new AdmittedSlot();
            }
            long h = StableHash.of(m.service);
            if (BottomK.offer(s.admitted, h, m.service, maxServices, false).changed()) {
                services.put(key, s);
                AdmittedSlot added = new AdmittedSlot();
                added.admitted.put(h, m.service);
                delta.services.put(tenant, added);
            }
        }
        return delta.tenants.admitted.isEmpty() && delta.services.isEmpty() ? null : delta;
    }

    /** Adds a service to a tenant's bottom-k of the minute (a pushout is counted in {@code membersEvicted}). */
    private void addService(long minute, String tenant, String service) throws Exception {
        if (maxServices == 0 || service == null) {
            return;
        }
        String key = key(minute, tenant);
        AdmittedSlot s = services.get(key);
        if (s == null) {
            s = new AdmittedSlot();
        }
        if (addBottomK(s, service)) {
            services.put(key, s);
        }
    }

    /** Adds a service to a set first seen after the minute's end ({@link #lateServiceSetsBottomK}), sent at the next watermark. */
    private void addLateService(long minute, String tenant, String service, Context ctx) throws Exception {
        TenantDecision pending = lateServices.get(minute);
        if (pending == null) {
            pending = new TenantDecision(minute, new AdmittedSlot(), new TreeMap<>());
            // a time the watermark has passed: the timer fires at the next watermark
            ctx.timerService().registerEventTimeTimer(windows.spec().maxTimestamp(minute));
        }
        if (addBottomK(pending.services.computeIfAbsent(tenant, t -> new AdmittedSlot()), service)) {
            lateServices.put(minute, pending);
        }
    }

    /** Bottom-k: adds {@code service} to {@code s} when there is room or its hash is smaller than the largest; whether {@code s} changed. */
    private boolean addBottomK(AdmittedSlot s, String service) {
        BottomK.Offer offer = BottomK.offer(s.admitted, StableHash.of(service), service, maxServices, true);
        if (offer.pushedOut != null) {
            servicesEvicted.inc();
        }
        return offer.changed();
    }

    /** Sends the late-opened service sets of minutes that ended by {@code timestamp}, and keeps them as the minute's sets. */
    private void sendLateServices(long timestamp, Collector<TenantDecision> out) throws Exception {
        List<TenantDecision> due = new ArrayList<>();
        for (Map.Entry<Long, TenantDecision> e : lateServices.entries()) {
            if (windows.spec().maxTimestamp(e.getKey()) <= timestamp) {
                due.add(e.getValue());
            }
        }
        for (TenantDecision d : due) {
            lateServices.remove(d.minute);
            for (Map.Entry<String, AdmittedSlot> e : d.services.entrySet()) {
                AdmittedSlot copy = new AdmittedSlot();
                copy.admitted.putAll(e.getValue().admitted);
                services.put(key(d.minute, e.getKey()), copy);
            }
            out.collect(d);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TenantDecision> out) throws Exception {
        lastKey = ctx.getCurrentKey();
        if (lateServiceSetsBottomK) {
            sendLateServices(timestamp, out);
        }
        windows.onTimer(timestamp, (minute, w) -> {
            AdmittedSlot tenants = new AdmittedSlot();
            tenants.admitted.putAll(w.admitted);
            tenants.fired = true;
            Map<String, AdmittedSlot> kept = new TreeMap<>();
            for (String tenant : finalTenants(w)) {
                AdmittedSlot s = services.get(key(minute, tenant));
                if (s != null) {
                    // a copy: the state's own object grows with late admissions
                    AdmittedSlot copy = new AdmittedSlot();
                    copy.admitted.putAll(s.admitted);
                    kept.put(tenant, copy);
                }
            }
            out.collect(new TenantDecision(minute, tenants, kept));
        }, (minute, w) -> {
            for (String tenant : finalTenants(w)) {
                services.remove(key(minute, tenant));
            }
        });
    }

    /** The tenants a minute may keep services of: the admitted ones and the overflow tenant. */
    private static List<String> finalTenants(AdmittedSlot w) {
        List<String> out = new ArrayList<>(w.admitted.values());
        out.add(Overflow.TENANT);
        return out;
    }

    private static String key(long minute, String tenant) {
        return CompositeKey.of(Long.toString(minute), tenant);
    }
}
