package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricMinuteAggregator;
import org.otlpanalytics.operators.metrics.MetricOptions;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.metrics.LabelsHash;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.schemas.metrics.Temporality;

/**
 * A savepoint of the former wiring (one aggregator for every resource) holds minutes of overflow
 * resources in {@code metric-minute-aggregator}; restored into the chained aggregator, which sees only
 * kept resources now, those minutes are handed over whole at the first watermark, a fired one too,
 * and the overflow aggregator that takes them (with the batches read after the restore) writes the
 * rows of a run that never stopped; the kept resource's minute stays and fires where it was.
 */
class LimitedMetricAggregatorOperatorTest {
    static final long M = 1_772_791_200_000L; // a minute start
    static final MetricOptions OPTIONS = MetricOptions.builder().build();
    static final String KEPT = "urn:host:kept";
    static final String FOLDED_TENANT_RESOURCE = "urn:host:other-tenants";

    static MetricPoint gauge(String tenant, String resourceUrn, String metric, long timeMillis, double value, long offset) {
        MetricPoint p = new MetricPoint();
        p.tenant = tenant;
        p.resourceUrn = resourceUrn;
        p.serviceUrn = "urn:svc:infra/node";
        p.serviceName = "node";
        p.serviceNamespace = "infra";
        p.name = metric;
        p.unit = "1";
        p.type = MetricType.GAUGE;
        p.temporality = Temporality.NONE;
        p.labelsHash = LabelsHash.of(p.attributeKeys, p.attributeValues);
        p.timeNanos = timeMillis * 1_000_000L;
        p.value = value;
        p.kafkaOffset = offset;
        return p;
    }

    static MetricBatch batch(String tenant, String resourceUrn, long minute, int n, long offset) {
        List<MetricPoint> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(gauge(tenant, resourceUrn, i % 2 == 0 ? "queue.depth" : "open.files", minute + 1_000 * (i + 1), i * 3 + offset,
                    offset + i));
        }
        return MetricBatch.of(points);
    }

    /** Before the savepoint: the fired minute M-1 and the open minute M of two overflow resources and a kept one. */
    static List<MetricBatch> before() {
        return List.of(batch(Overflow.TENANT, FOLDED_TENANT_RESOURCE, M - 60_000, 4, 0),
                batch("acme", Overflow.SERVICE_URN, M - 60_000, 3, 10),
                batch("acme", KEPT, M, 4, 20),
                batch("acme", Overflow.SERVICE_URN, M, 5, 30),
                batch(Overflow.TENANT, FOLDED_TENANT_RESOURCE, M, 2, 40));
    }

    /** After it: more of the overflow resources' minutes, M-1 within the lateness, and the kept one's. */
    static List<MetricBatch> after() {
        return List.of(batch("acme", Overflow.SERVICE_URN, M - 60_000, 6, 50),
                batch("acme", Overflow.SERVICE_URN, M, 4, 60),
                batch(Overflow.TENANT, FOLDED_TENANT_RESOURCE, M, 3, 70));
    }

    static List<MetricBatch> afterKept() {
        return List.of(batch("acme", KEPT, M, 3, 80));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> harness(
            HorizonKeyedProcessOperator<String, MetricBatch, MetricRow> op, StateBackends backend, OperatorSubtaskState snapshot)
            throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(op, MetricBatch::resourceKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static HorizonKeyedProcessOperator<String, MetricBatch, MetricRow> aggregator() {
        return new HorizonKeyedProcessOperator<>(new MetricMinuteAggregator(OPTIONS));
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> h, List<MetricBatch> batches)
            throws Exception {
        for (MetricBatch b : batches) {
            h.processElement(new StreamRecord<>(b, b.points.isEmpty() ? b.partials.get(0).minuteStartMillis : b.points.get(0).timeMillis()));
        }
    }

    /** The last row per (tenant, resource, minute, series), as the sinks' upserts leave them, as text. */
    static List<String> upserted(List<MetricRow> rows) {
        java.util.TreeMap<String, String> last = new java.util.TreeMap<>();
        for (MetricRow r : rows) {
            last.put(r.tenant + " " + r.resourceUrn + " " + r.bucketStartMillis + " " + r.metric,
                    r + " last=" + r.last + " min=" + r.min + " service=" + r.serviceUrn + " range=" + r.kafkaRange.timeFromMillis
                            + "-" + r.kafkaRange.timeToMillis + java.util.Arrays.toString(r.kafkaRange.to));
        }
        return last.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).toList();
    }

    static boolean isOverflow(MetricRow r) {
        return LimitedMetricRouter.isOverflowResource(r.tenant, r.resourceUrn);
    }

    @ParameterizedTest
    @MethodSource("org.otlpanalytics.operators.testing.StateBackends#all")
    void restoredOverflowMinutesAreHandedOverWholeAndWrittenOnceByTheOverflowAggregator(StateBackends backend) throws Exception {
        // the oracle: the former wiring, never stopped
        var clean = harness(aggregator(), backend, null);
        feed(clean, before());
        clean.processWatermark(new Watermark(M));
        feed(clean, after());
        feed(clean, afterKept());
        clean.processWatermark(new Watermark(M + 10 * 60_000));
        List<MetricRow> cleanRows = clean.extractOutputValues();

        // the former wiring until the savepoint, the minute M-1 fired
        var former = harness(aggregator(), backend, null);
        feed(former, before());
        former.processWatermark(new Watermark(M));
        List<MetricRow> rowsBefore = new ArrayList<>(former.extractOutputValues());
        assertThat(rowsBefore).as("M-1 fired before the savepoint").isNotEmpty().allMatch(r -> r.bucketStartMillis == M - 60_000);
        OperatorSubtaskState snapshot = former.snapshot(1, 1);
        former.close();

        // restored into the chained aggregator: the overflow resources' minutes leave at the first watermark
        var chained = harness(new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(OPTIONS)), backend, snapshot);
        var overflow = harness(aggregator(), backend, null);
        feed(chained, afterKept());
        feed(overflow, after());
        chained.processWatermark(new Watermark(M + 1));
        List<MetricBatch> handed = new ArrayList<>();
        chained.getSideOutput(LimitedMetricAggregatorOperator.RESTORED_ELSEWHERE).forEach(r -> handed.add(r.getValue()));
        assertThat(handed).as("one batch per overflow resource").hasSize(2)
                .allMatch(b -> LimitedMetricRouter.isOverflowResource(b.tenant, b.resourceUrn));
        assertThat(handed.stream().mapToLong(MetricBatch::pointCount).sum()).as("every restored point of them")
                .isEqualTo(before().stream().filter(b -> LimitedMetricRouter.isOverflowResource(b.tenant, b.resourceUrn))
                        .mapToLong(MetricBatch::pointCount).sum());
        feed(overflow, handed);
        chained.processWatermark(new Watermark(M + 10 * 60_000));
        overflow.processWatermark(new Watermark(M + 10 * 60_000));
        assertThat(chained.getSideOutput(LimitedMetricAggregatorOperator.RESTORED_ELSEWHERE)).as("handed over once").hasSize(2);
        List<MetricRow> keptRows = chained.extractOutputValues();
        assertThat(keptRows).as("the chained aggregator writes the kept resource only").isNotEmpty().noneMatch(
                LimitedMetricAggregatorOperatorTest::isOverflow);

        List<MetricRow> resumed = new ArrayList<>(rowsBefore);
        resumed.addAll(keptRows);
        resumed.addAll(overflow.extractOutputValues());
        assertThat(upserted(resumed)).as("the rows the sinks hold after the restore").isEqualTo(upserted(cleanRows));
        assertThat(upserted(cleanRows)).as("overflow rows of both minutes and both kinds of folding")
                .anyMatch(r -> r.startsWith(Overflow.TENANT + " " + FOLDED_TENANT_RESOURCE + " " + M + " "))
                .anyMatch(r -> r.startsWith("acme " + Overflow.SERVICE_URN + " " + (M - 60_000) + " "));
        chained.close();
        overflow.close();
        clean.close();
    }

    /**
     * A checkpoint of the chained aggregator itself carries the marker: its restore skips the scan of
     * every key. Shown with an overflow resource's minute put in its state by hand (the router never
     * sends one there), which stays and fires in place, where a former-wiring savepoint's is handed over.
     */
    @ParameterizedTest
    @MethodSource("org.otlpanalytics.operators.testing.StateBackends#all")
    void aCheckpointOfTheChainedAggregatorIsRestoredWithoutTheHandOver(StateBackends backend) throws Exception {
        var first = harness(new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(OPTIONS)), backend, null);
        feed(first, afterKept());
        feed(first, List.of(batch("acme", Overflow.SERVICE_URN, M, 5, 30)));
        OperatorSubtaskState snapshot = first.snapshot(1, 1);
        first.close();

        LimitedMetricAggregatorOperator op = new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(OPTIONS));
        var restored = harness(op, backend, snapshot);
        assertThat(op.isHandOverPending()).isFalse();
        restored.processWatermark(new Watermark(M + 10 * 60_000));
        assertThat(restored.getSideOutput(LimitedMetricAggregatorOperator.RESTORED_ELSEWHERE)).isNullOrEmpty();
        assertThat(restored.extractOutputValues()).as("both minutes fire where they were").hasSize(4)
                .anyMatch(LimitedMetricAggregatorOperatorTest::isOverflow);
        // and its own checkpoint again (a second restore) keeps the marker
        OperatorSubtaskState again = restored.snapshot(2, 2);
        restored.close();
        LimitedMetricAggregatorOperator op2 = new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(OPTIONS));
        harness(op2, backend, again).close();
        assertThat(op2.isHandOverPending()).isFalse();

        // the former wiring's savepoint of the same state: handed over
        var former = harness(aggregator(), backend, null);
        feed(former, afterKept());
        feed(former, List.of(batch("acme", Overflow.SERVICE_URN, M, 5, 30)));
        OperatorSubtaskState formerSnapshot = former.snapshot(1, 1);
        former.close();
        LimitedMetricAggregatorOperator op3 = new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(OPTIONS));
        var fromFormer = harness(op3, backend, formerSnapshot);
        assertThat(op3.isHandOverPending()).isTrue();
        // a checkpoint taken before that first watermark still holds the overflow minute: not marked done
        OperatorSubtaskState beforeHandOver = fromFormer.snapshot(2, 2);
        fromFormer.processWatermark(new Watermark(M + 10 * 60_000));
        assertThat(fromFormer.getSideOutput(LimitedMetricAggregatorOperator.RESTORED_ELSEWHERE)).hasSize(1);
        fromFormer.close();
        LimitedMetricAggregatorOperator op4 = new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(OPTIONS));
        var fromEarly = harness(op4, backend, beforeHandOver);
        assertThat(op4.isHandOverPending()).isTrue();
        fromEarly.processWatermark(new Watermark(M + 10 * 60_000));
        assertThat(fromEarly.getSideOutput(LimitedMetricAggregatorOperator.RESTORED_ELSEWHERE)).hasSize(1);
        fromEarly.close();
    }

    @ParameterizedTest
    @MethodSource("org.otlpanalytics.operators.testing.StateBackends#all")
    void aStartWithoutStateHandsNothingOver(StateBackends backend) throws Exception {
        var chained = harness(new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(OPTIONS)), backend, null);
        feed(chained, afterKept());
        chained.processWatermark(new Watermark(M + 10 * 60_000));
        assertThat(chained.getSideOutput(LimitedMetricAggregatorOperator.RESTORED_ELSEWHERE)).isNullOrEmpty();
        assertThat(chained.extractOutputValues()).hasSize(2).noneMatch(LimitedMetricAggregatorOperatorTest::isOverflow);
        chained.close();
    }
}
