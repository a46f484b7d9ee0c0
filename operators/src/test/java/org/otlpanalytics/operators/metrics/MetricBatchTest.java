package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/** Joining a resource's batches ({@link MetricBatch#combine}). */
class MetricBatchTest {
    static MetricBatch batch(String tenant, String resource, int... ids) {
        MetricBatch b = new MetricBatch(tenant, resource);
        for (int id : ids) {
            MetricPoint p = Points.gauge("system.cpu.utilization", id, id);
            p.tenant = tenant;
            p.resourceUrn = resource;
            b.points.add(p);
            MetricPartial q = new MetricPartial(60_000, new MetricAccumulator());
            q.accumulator.add(p);
            b.partials.add(q);
        }
        return b;
    }

    @Test
    void consecutiveBatchesOfOneResourceBecomeOneInOrderAndOthersStayApart() {
        MetricBatch a1 = batch("t", "urn:host:a", 1, 2);
        MetricBatch a2 = batch("t", "urn:host:a", 3);
        MetricBatch b = batch("t", "urn:host:b", 4);
        MetricBatch other = batch("u", "urn:host:a", 5);
        List<MetricBatch> out = MetricBatch.combine(List.of(a1, a2, b, other));
        assertThat(out).hasSize(3);
        assertThat(out.get(0).points).containsExactly(a1.points.get(0), a1.points.get(1), a2.points.get(0));
        assertThat(out.get(0).partials).containsExactly(a1.partials.get(0), a1.partials.get(1), a2.partials.get(0));
        assertThat(out.get(0).resourceKey()).isEqualTo(a1.resourceKey());
        assertThat(out.get(1).points).containsExactly(b.points.get(0));
        assertThat(out.get(2).tenant).isEqualTo("u");
        assertThat(a1.points).as("inputs untouched").hasSize(2);
        assertThat(MetricBatch.combine(List.of(a1))).containsExactly(a1);
    }
}
