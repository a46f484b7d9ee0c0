package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;
import org.otlpanalytics.operators.metrics.UseRow;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.schemas.metrics.Temporality;

/** The metrics pipeline's limits: on one-minute batches of deltas, bottom-k per minute whatever the order, points kept. */
class MetricLimitSubjectsTest {
    static MetricPoint point(String tenant, String service, String metric, long timeMillis) {
        MetricPoint p = new MetricPoint();
        p.tenant = tenant;
        p.serviceName = service;
        p.serviceNamespace = "ns";
        p.serviceUrn = "urn:svc:ns/" + service;
        p.resourceUrn = p.serviceUrn;
        p.name = metric;
        p.unit = "1";
        p.type = MetricType.SUM;
        p.temporality = Temporality.DELTA;
        p.monotonic = true;
        p.startTimeNanos = (timeMillis - 1_000L) * 1_000_000L;
        p.timeNanos = timeMillis * 1_000_000L;
        p.value = 1;
        return p;
    }

    static MetricBatch batch(String tenant, String service, long... timesMillis) {
        List<MetricPoint> points = new ArrayList<>();
        for (long t : timesMillis) {
            points.add(point(tenant, service, "requests", t));
        }
        return MetricBatch.of(points);
    }

    @Test
    void shouldCountTenantsInOneScopePerMinuteAndMoveTheWholeBatchIntoTheOverflowTenant() {
        LimitSubject<MetricBatch> s = MetricLimitSubjects.tenants();
        MetricBatch b = batch("acme", "api", 125_000L, 130_000L);
        assertThat(s.scope(b)).isEqualTo(LimitSubjects.ALL_TENANTS);
        assertThat(s.member(b)).isEqualTo("acme");
        assertThat(s.slotStartMillis(b)).isEqualTo(120_000L);
        assertThat(s.isOverflow(b)).isFalse();
        s.fold(b);
        assertThat(s.isOverflow(b)).isTrue();
        assertThat(b.resourceKey()).as("the key follows the fold").isEqualTo(new MetricBatch(Overflow.TENANT,
                "urn:svc:ns/api").resourceKey());
        assertThat(b.points).extracting(p -> p.tenant).containsOnly(Overflow.TENANT);
        assertThat(b.points).extracting(p -> p.resourceUrn).as("only the tenant folds").containsOnly("urn:svc:ns/api");
        assertThat(b.pointCount()).isEqualTo(2);
    }

    @Test
    void shouldCountResourcesPerTenantAndMoveTheBatchIntoTheOverflowResourceKeepingMetricsAndLabels() {
        LimitSubject<MetricBatch> s = MetricLimitSubjects.resources();
        MetricBatch b = batch("acme", "pod-7", -1L);
        b.points.get(0).hostName = "node-1";
        assertThat(s.scope(b)).isEqualTo("acme");
        assertThat(s.member(b)).isEqualTo("urn:svc:ns/pod-7");
        assertThat(s.slotStartMillis(b)).as("floor, also before 1970").isEqualTo(-60_000L);
        s.fold(b);
        assertThat(s.isOverflow(b)).isTrue();
        MetricPoint p = b.points.get(0);
        assertThat(p.resourceUrn).isEqualTo(Overflow.SERVICE_URN);
        assertThat(p.serviceUrn).isEqualTo(Overflow.SERVICE_URN);
        assertThat(p.serviceName).isEqualTo(Overflow.NAME);
        assertThat(p.serviceNamespace).isEqualTo(Overflow.NAMESPACE);
        assertThat(p.hostName).isNull();
        assertThat(p.tenant).isEqualTo("acme");
        assertThat(p.name).isEqualTo("requests");
        assertThat(p.value).isEqualTo(1.0);
    }

    static MetricPoint labelled(MetricPoint p, String key, String value) {
        p.attributeKeys = new String[] {key};
        p.attributeValues = new String[] {value};
        p.labelsHash = org.otlpanalytics.schemas.metrics.LabelsHash.of(p.attributeKeys, p.attributeValues);
        return p;
    }

    @Test
    void shouldSplitAMinuteIntoOneBatchPerSeriesAndFoldASeriesIntoItsMetricsOverflowLabels() {
        List<MetricPoint> points = new ArrayList<>();
        for (String pod : List.of("a", "b", "a")) {
            points.add(labelled(point("acme", "api", "requests", 125_000L), "pod", pod));
        }
        points.add(labelled(point("acme", "api", "errors", 126_000L), "pod", "a"));
        List<MetricBatch> series = MetricBatch.of(points).bySeries();
        assertThat(series).hasSize(3);
        assertThat(series).extracting(b -> b.points.size()).containsExactly(2, 1, 1);
        LimitSubject<MetricBatch> s = MetricLimitSubjects.series();
        MetricBatch first = series.get(0);
        assertThat(s.scope(first)).isEqualTo("acme");
        assertThat(s.member(first)).isNotEqualTo(s.member(series.get(1))).isNotEqualTo(s.member(series.get(2)));
        assertThat(s.slotStartMillis(first)).isEqualTo(120_000L);
        assertThat(s.isOverflow(first)).isFalse();
        s.fold(first);
        s.fold(series.get(1));
        assertThat(s.isOverflow(first)).isTrue();
        assertThat(s.member(first)).as("one overflow series per resource and metric").isEqualTo(s.member(series.get(1)));
        assertThat(first.points).allSatisfy(p -> {
            assertThat(p.attributes()).containsExactly(Map.entry(MetricBatch.OVERFLOW_LABEL, "true"));
            assertThat(p.name).isEqualTo("requests");
            assertThat(p.resourceUrn).isEqualTo("urn:svc:ns/api");
        });
        assertThat(first.pointCount() + series.get(1).pointCount()).isEqualTo(3);
    }

    @Test
    void shouldSplitABatchIntoOneBatchPerMinuteKeepingEveryPoint() {
        MetricBatch b = batch("acme", "api", 185_000L, 61_000L, 119_999L, 120_000L);
        List<MetricBatch> minutes = b.byMinute();
        assertThat(minutes).extracting(MetricBatch::firstMinuteStartMillis).containsExactly(60_000L, 120_000L, 180_000L);
        assertThat(minutes).extracting(MetricBatch::pointCount).containsExactly(2L, 1L, 1L);
        assertThat(minutes).extracting(m -> m.resourceUrn).containsOnly("urn:svc:ns/api");
        MetricBatch one = batch("acme", "api", 61_000L, 62_000L);
        assertThat(one.byMinute()).containsExactly(one);
    }

    /** Points per tenant and resource over everything emitted by a resource limiter of {@code limit}. */
    static Map<String, Long> runResources(List<MetricBatch> in, int limit) throws Exception {
        LimitSubject<MetricBatch> s = MetricLimitSubjects.resources();
        var h = new KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch>(
                new HorizonKeyedProcessOperator<>(new CardinalityLimiter<>(s, MetricBatchSerializer.TYPE, limit, 60_000L,
                        120_000L, "metricResourceLimiter")), s::scope, Types.STRING);
        h.open();
        for (MetricBatch b : in) {
            h.processElement(new StreamRecord<>(b, b.firstMinuteStartMillis()));
        }
        h.processWatermark(new Watermark(10 * 60_000L));
        Map<String, Long> out = new TreeMap<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                MetricBatch b = (MetricBatch) r.getValue();
                for (MetricPoint p : b.points) {
                    assertThat(p.resourceUrn).isEqualTo(b.resourceUrn);
                }
                out.merge(b.tenant + " " + b.resourceUrn, b.pointCount(), Long::sum);
            }
        }
        h.close();
        return out;
    }

    /** Batches of 12 services of tenant acme in one minute, pod-i with 1 + i % 3 points, in an order given by {@code seed}. */
    static List<MetricBatch> twelveServices(long seed) {
        List<MetricBatch> in = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            for (int k = 0; k <= i % 3; k++) {
                in.add(batch("acme", "pod-" + i, 61_000L + k));
            }
        }
        if (seed != 0) {
            Collections.shuffle(in, new Random(seed));
        }
        return in;
    }

    @Test
    void shouldKeepTheResourcesWithTheSmallestHashesWhateverTheOrderAndFoldTheRestWithTheirPoints() throws Exception {
        List<String> services = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            services.add("pod-" + i);
        }
        services.sort((a, b) -> Long.compare(StableHash.of("urn:svc:ns/" + a), StableHash.of("urn:svc:ns/" + b)));
        Map<String, Long> expected = new TreeMap<>();
        long folded = 0;
        for (int i = 0; i < 12; i++) {
            long points = i % 3 + 1;
            if (services.indexOf("pod-" + i) < 4) {
                expected.put("acme urn:svc:ns/pod-" + i, points);
            } else {
                folded += points;
            }
        }
        expected.put("acme " + Overflow.SERVICE_URN, folded);
        assertThat(folded).isPositive();
        assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(24L);
        for (long seed = 0; seed < 4; seed++) {
            assertThat(runResources(twelveServices(seed), 4)).as("order %d", seed).isEqualTo(expected);
        }
        assertThat(runResources(twelveServices(1), 0)).as("0 = no limit").hasSize(12);
    }

    @Test
    void shouldPassALateBatchOnUnfoldedSoTheAggregatorDeadLettersItUnderItsOwnKey() throws Exception {
        LimitSubject<MetricBatch> s = MetricLimitSubjects.resources();
        var h = new KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch>(
                new HorizonKeyedProcessOperator<>(new CardinalityLimiter<>(s, MetricBatchSerializer.TYPE, 1, 60_000L,
                        120_000L, "metricResourceLimiter").passLateUnfolded()), s::scope, Types.STRING);
        h.open();
        h.processElement(new StreamRecord<>(batch("acme", "a", 61_000L), 60_000L));
        h.processWatermark(new Watermark(60 * 60_000L));
        MetricBatch late = batch("acme", "zz", 62_000L);
        h.processElement(new StreamRecord<>(late, 60_000L));
        assertThat(h.extractOutputValues()).extracting(b -> b.resourceUrn).containsExactly("urn:svc:ns/a", "urn:svc:ns/zz");
        h.close();
    }

    @Test
    void shouldDropOnlyTheUseRowsOfTheOverflowResource() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<UseRow, UseRow>(
                new StreamFilter<>(new OverflowUseFilter("metricResourceLimiter")));
        h.open();
        UseRow kept = new UseRow();
        kept.tenant = "acme";
        kept.resourceUrn = "urn:host:node-1";
        UseRow overflow = new UseRow();
        overflow.tenant = "acme";
        overflow.resourceUrn = Overflow.SERVICE_URN;
        h.processElement(new StreamRecord<>(kept, 0L));
        h.processElement(new StreamRecord<>(overflow, 0L));
        assertThat(h.extractOutputValues()).extracting(u -> u.resourceUrn).containsExactly("urn:host:node-1");
        h.close();
    }
}
