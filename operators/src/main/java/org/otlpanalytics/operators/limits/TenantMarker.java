package org.otlpanalytics.operators.limits;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.EpochWindows;

/**
 * Passes every record on and tells {@link TenantAdmission} (side output {@link #MARKS}) which
 * tenants, and which of their services, this subtask has seen per minute: one small
 * {@link TenantMark} per tenant and minute, and one per service only while that service is among
 * the tenant's {@code maxServices} smallest stable hashes seen here in the minute (a service
 * outside them here is outside them in the union too, so the admission decides the same as from
 * every record). Chained behind the records' source, so no record crosses the network for the
 * tenant limit. What was sent is kept on the heap until the minute's lateness has passed, not in
 * state: after a restore a mark is sent again, which changes nothing (the admission keeps sets).
 */
public class TenantMarker<P> extends ProcessFunction<P, P> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<TenantMark> MARKS = new OutputTag<>("tenant-marks", TenantMark.TYPE);

    private final LimitSubject<P> tenants;
    private final LimitSubject<P> resources;
    private final int maxServices;
    private final EpochWindows windows;
    /** minute -> tenant -> services sent (stable hash -> service), at most {@code maxServices}. */
    private transient Map<Long, Map<String, TreeMap<Long, String>>> sent;

    public TenantMarker(LimitSubject<P> tenants, LimitSubject<P> resources, int maxServices, long slotMillis,
            long allowedLatenessMillis) {
        this.tenants = tenants;
        this.resources = resources;
        this.maxServices = maxServices;
        this.windows = new EpochWindows(slotMillis, allowedLatenessMillis);
    }

    @Override
    public void processElement(P p, Context ctx, Collector<P> out) {
        if (sent == null) {
            sent = new HashMap<>();
        }
        long minute = tenants.slotStartMillis(p);
        long watermark = ctx.timerService().currentWatermark();
        forgetPurged(watermark);
        // a record late here may not be late where it is held (another watermark): marked all the same
        mark(minute, p, ctx);
        out.collect(p);
    }

    private void mark(long minute, P p, Context ctx) {
        Map<String, TreeMap<Long, String>> byTenant = sent.computeIfAbsent(minute, m -> new HashMap<>());
        String tenant = tenants.member(p);
        TreeMap<Long, String> services = byTenant.get(tenant);
        boolean newTenant = services == null;
        if (newTenant) {
            services = new TreeMap<>();
            byTenant.put(tenant, services);
        }
        String service = maxServices == 0 || resources.isOverflow(p) ? null : resources.member(p);
        if (service != null) {
            // a mark only for a service that enters this subtask's bottom-k (a collision shares its place)
            if (!BottomK.offer(services, StableHash.of(service), service, maxServices, true).changed()) {
                service = null;
            }
        }
        if (newTenant || service != null) {
            ctx.output(MARKS, new TenantMark(minute, tenant, service));
        }
    }

    private void forgetPurged(long watermark) {
        for (Iterator<Long> it = sent.keySet().iterator(); it.hasNext(); ) {
            if (windows.isLate(it.next(), watermark)) {
                it.remove();
            }
        }
    }
}
