package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class HorizonStreamOperatorTest {
    /** Emits, for each record, what lateness is judged against; records what {@link #onWatermark} saw. */
    static final class Probe extends HorizonStreamOperator<Long> implements OneInputStreamOperator<String, Long> {
        private static final long serialVersionUID = 1L;
        final List<String> calls = new ArrayList<>();

        @Override
        public void processElement(StreamRecord<String> element) {
            output.collect(new StreamRecord<>(lateBehind()));
        }

        @Override
        protected void onWatermark(long watermark) {
            calls.add(watermark + " seen, last was " + currentWatermark());
        }
    }

    private static List<Object> outputOf(OneInputStreamOperatorTestHarness<String, Long> h) {
        List<Object> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            out.add(o instanceof StreamRecord<?> r ? r.getValue() : o);
        }
        return out;
    }

    @Test
    void judgesLatenessAgainstTheLastWatermarkAndActsBeforeForwardingIt() throws Exception {
        Probe p = new Probe();
        try (var h = new OneInputStreamOperatorTestHarness<String, Long>(p)) {
            h.open();
            h.processElement(new StreamRecord<>("a", 1));
            h.processWatermark(new Watermark(100));
            h.processElement(new StreamRecord<>("b", 150));
            h.processWatermark(new Watermark(200));
            assertThat(outputOf(h)).containsExactly(Long.MIN_VALUE, new Watermark(100), 100L, new Watermark(200));
            assertThat(p.calls).containsExactly("100 seen, last was " + Long.MIN_VALUE, "200 seen, last was 100");
        }
    }

    @Test
    void aRestoredOperatorJudgesAgainstTheHorizonItWasSnapshottedWith() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snap;
        try (var h = new OneInputStreamOperatorTestHarness<String, Long>(new Probe())) {
            h.open();
            h.processWatermark(new Watermark(5_000));
            snap = h.snapshot(1, 1);
        }
        try (var restored = new OneInputStreamOperatorTestHarness<String, Long>(new Probe())) {
            restored.initializeState(snap);
            restored.open();
            restored.processElement(new StreamRecord<>("before any watermark", 10));
            restored.processWatermark(new Watermark(7_000));
            restored.processElement(new StreamRecord<>("after one", 7_500));
            assertThat(outputOf(restored)).containsExactly(5_000L, new Watermark(7_000), 7_000L);
        }
        try (var fresh = new OneInputStreamOperatorTestHarness<String, Long>(new Probe())) {
            fresh.open();
            fresh.processElement(new StreamRecord<>("no state", 10));
            assertThat(outputOf(fresh)).containsExactly(Long.MIN_VALUE);
        }
    }
}
