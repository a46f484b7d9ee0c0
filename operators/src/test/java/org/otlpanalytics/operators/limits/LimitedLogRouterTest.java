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
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/** Kept records stay on the subtask whose key groups hold their stream; overflow streams and misplaced records are re-keyed. */
class LimitedLogRouterTest {
    static final int MAX_PARALLELISM = 128;
    static final int PARALLELISM = 3;

    static OneInputStreamOperatorTestHarness<LogRecordFlat, LogRecordFlat> harness(int subtask) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new LimitedLogRouter()), MAX_PARALLELISM, PARALLELISM,
                subtask);
        h.open();
        return h;
    }

    /** The subtask whose key-group range holds {@code r}'s fingerprinter key (the oracle: ranges, not operator indexes). */
    static int owner(LogRecordFlat r) {
        int group = KeyGroupRangeAssignment.assignToKeyGroup(LogFingerprinter.serviceKey(r), MAX_PARALLELISM);
        for (int i = 0; i < PARALLELISM; i++) {
            KeyGroupRange range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(MAX_PARALLELISM, PARALLELISM, i);
            if (range.contains(group)) {
                return i;
            }
        }
        throw new AssertionError("no subtask holds key group " + group);
    }

    static List<LogRecordFlat> records() {
        List<LogRecordFlat> in = new ArrayList<>();
        int id = 0;
        // services of two tenants, each stream's records one after the other and interleaved, as a limiter releases them
        for (int round = 0; round < 3; round++) {
            for (String tenant : List.of("acme", "globex")) {
                for (int s = 0; s < 12; s++) {
                    in.add(TenantResourceLimiterTest.record(tenant, "s-" + s, 1_000, id++));
                    in.add(TenantResourceLimiterTest.record(tenant, "s-" + s, 1_000, id++));
                    in.add(TenantResourceLimiterTest.record(tenant, "s-" + (11 - s), 1_000, id++));
                }
            }
        }
        LogRecordFlat nullTenant = TenantResourceLimiterTest.record("acme", "s-1", 1_000, id++);
        nullTenant.tenant = null;
        in.add(nullTenant);
        return in;
    }

    @Test
    void shouldKeepEachKeptRecordOnExactlyTheSubtaskThatMinesItsStream() throws Exception {
        List<LogRecordFlat> in = records();
        List<List<Long>> kept = new ArrayList<>();
        for (int subtask = 0; subtask < PARALLELISM; subtask++) {
            int i = subtask;
            var h = harness(i);
            for (LogRecordFlat r : in) {
                h.processElement(new StreamRecord<>(r, r.timeMillis()));
            }
            List<Long> local = h.extractOutputValues().stream().map(r -> r.kafkaOffset).toList();
            List<Long> expected = in.stream().filter(r -> owner(r) == i).map(r -> r.kafkaOffset).toList();
            assertThat(local).as("records kept on subtask %d, in their order", i).isEqualTo(expected);
            List<Long> rekeyed = new ArrayList<>();
            h.getSideOutput(LimitedLogRouter.REKEYED).forEach(r -> rekeyed.add(r.getValue().kafkaOffset));
            assertThat(rekeyed).as("records of streams mined elsewhere (held under another key)")
                    .isEqualTo(in.stream().filter(r -> owner(r) != i).map(r -> r.kafkaOffset).toList());
            kept.add(local);
        }
        assertThat(kept.stream().mapToInt(List::size).sum()).as("each record kept on one subtask").isEqualTo(in.size());
        assertThat(kept).as("the streams spread over the subtasks").allSatisfy(l -> assertThat(l).isNotEmpty());
    }

    @Test
    void shouldRekeyEveryRecordOfAnOverflowStreamOnEverySubtask() throws Exception {
        List<LogRecordFlat> in = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            in.add(TenantResourceLimiterTest.record(Overflow.TENANT, "s-" + s, 1_000, s));
            LogRecordFlat folded = TenantResourceLimiterTest.record("acme", "s-" + s, 1_000, 100 + s);
            LogLimitSubjects.resources().fold(folded);
            in.add(folded);
        }
        for (int i = 0; i < PARALLELISM; i++) {
            var h = harness(i);
            for (LogRecordFlat r : in) {
                h.processElement(new StreamRecord<>(r, r.timeMillis()));
            }
            h.processWatermark(new Watermark(60_000));
            assertThat(h.extractOutputValues()).as("overflow records kept on subtask %d", i).isEmpty();
            assertThat(h.getSideOutput(LimitedLogRouter.REKEYED)).as("overflow records re-keyed on subtask %d", i).hasSize(in.size());
            assertThat(h.getOutput()).as("the watermark goes on").contains(new Watermark(60_000));
        }
    }
}
