package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.metrics.MetricBatch;

/** Kept resources' batches stay on the subtask whose key groups hold their resource; overflow resources' are re-keyed. */
class LimitedMetricRouterTest {
    static final int MAX_PARALLELISM = 128;
    static final int PARALLELISM = 3;
    static final long M = LimitedMetricAggregatorOperatorTest.M;

    static OneInputStreamOperatorTestHarness<MetricBatch, MetricBatch> harness(int subtask) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new LimitedMetricRouter()), MAX_PARALLELISM, PARALLELISM,
                subtask);
        h.open();
        return h;
    }

    /** The subtask whose key-group range holds {@code b}'s resource key (the oracle: ranges, not operator indexes). */
    static int owner(MetricBatch b) {
        int group = KeyGroupRangeAssignment.assignToKeyGroup(b.resourceKey(), MAX_PARALLELISM);
        for (int i = 0; i < PARALLELISM; i++) {
            KeyGroupRange range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(MAX_PARALLELISM, PARALLELISM, i);
            if (range.contains(group)) {
                return i;
            }
        }
        throw new AssertionError("no subtask holds key group " + group);
    }

    /** Batches of two tenants' hosts, each resource's one after the other and interleaved, as a limiter releases them. */
    static List<MetricBatch> batches() {
        List<MetricBatch> in = new ArrayList<>();
        long offset = 0;
        for (int round = 0; round < 3; round++) {
            for (String tenant : List.of("acme", "globex")) {
                for (int h = 0; h < 12; h++) {
                    in.add(LimitedMetricAggregatorOperatorTest.batch(tenant, "urn:host:h-" + h, M, 1, offset++));
                    in.add(LimitedMetricAggregatorOperatorTest.batch(tenant, "urn:host:h-" + h, M, 1, offset++));
                    in.add(LimitedMetricAggregatorOperatorTest.batch(tenant, "urn:host:h-" + (11 - h), M, 1, offset++));
                }
            }
        }
        MetricBatch nullTenant = LimitedMetricAggregatorOperatorTest.batch("acme", "urn:host:h-1", M, 1, offset);
        nullTenant.tenant = null;
        in.add(nullTenant);
        return in;
    }

    static long offset(MetricBatch b) {
        return b.points.get(0).kafkaOffset;
    }

    @Test
    void shouldKeepEachKeptBatchOnExactlyTheSubtaskThatAggregatesItsResource() throws Exception {
        List<MetricBatch> in = batches();
        List<List<Long>> kept = new ArrayList<>();
        for (int subtask = 0; subtask < PARALLELISM; subtask++) {
            int i = subtask;
            var h = harness(i);
            for (MetricBatch b : in) {
                h.processElement(new StreamRecord<>(b, M));
            }
            List<Long> local = h.extractOutputValues().stream().map(LimitedMetricRouterTest::offset).toList();
            assertThat(local).as("batches kept on subtask %d, in their order", i)
                    .isEqualTo(in.stream().filter(b -> owner(b) == i).map(LimitedMetricRouterTest::offset).toList());
            List<Long> rekeyed = new ArrayList<>();
            h.getSideOutput(LimitedMetricRouter.REKEYED).forEach(r -> rekeyed.add(offset(r.getValue())));
            assertThat(rekeyed).as("batches of resources aggregated elsewhere")
                    .isEqualTo(in.stream().filter(b -> owner(b) != i).map(LimitedMetricRouterTest::offset).toList());
            kept.add(local);
        }
        assertThat(kept.stream().mapToInt(List::size).sum()).as("each batch kept on one subtask").isEqualTo(in.size());
        assertThat(kept).as("the resources spread over the subtasks").allSatisfy(l -> assertThat(l).isNotEmpty());
    }

    @Test
    void shouldRekeyEveryBatchOfAnOverflowResourceOnEverySubtask() throws Exception {
        List<MetricBatch> in = new ArrayList<>();
        for (int h = 0; h < 12; h++) {
            in.add(LimitedMetricAggregatorOperatorTest.batch(Overflow.TENANT, "urn:host:h-" + h, M, 1, h));
            MetricBatch folded = LimitedMetricAggregatorOperatorTest.batch("acme", "urn:host:h-" + h, M, 1, 100 + h);
            MetricLimitSubjects.resources().fold(folded);
            in.add(folded);
        }
        assertThat(in).allMatch(b -> LimitedMetricRouter.isOverflowResource(b.tenant, b.resourceUrn));
        for (int i = 0; i < PARALLELISM; i++) {
            var h = harness(i);
            for (MetricBatch b : in) {
                h.processElement(new StreamRecord<>(b, M));
            }
            h.processWatermark(new Watermark(M + 60_000));
            assertThat(h.extractOutputValues()).as("overflow batches kept on subtask %d", i).isEmpty();
            assertThat(h.getSideOutput(LimitedMetricRouter.REKEYED)).as("overflow batches re-keyed on subtask %d", i).hasSize(in.size());
            assertThat(h.getOutput()).as("the watermark goes on").contains(new Watermark(M + 60_000));
        }
    }
}
