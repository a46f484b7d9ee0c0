package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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

    /** Keyed by the record: registers an event-time timer at each record's timestamp and emits "fired t" when it fires. */
    static final class TimerProbe extends HorizonStreamOperator<String>
            implements OneInputStreamOperator<String, String>, Triggerable<String, VoidNamespace> {
        private static final long serialVersionUID = 1L;
        private transient InternalTimerService<VoidNamespace> timers;

        @Override
        public void open() throws Exception {
            super.open();
            timers = getInternalTimerService("probe-timers", VoidNamespaceSerializer.INSTANCE, this);
        }

        @Override
        public void processElement(StreamRecord<String> element) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, element.getTimestamp());
            output.collect(new StreamRecord<>(element.getValue() + " judged against " + lateBehind()));
        }

        @Override
        public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
            output.collect(new StreamRecord<>("fired " + timer.getTimestamp() + " " + timer.getKey()));
        }

        @Override
        public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> keyed(TimerProbe p) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(p, r -> r, Types.STRING);
    }

    private static List<Object> outputOfKeyed(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        List<Object> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            out.add(o instanceof StreamRecord<?> r ? r.getValue() : o);
        }
        return out;
    }

    @Test
    void pacedTimersFireInStepsWithTheInputReadBetweenAndTheWatermarkAfterTheLast() throws Exception {
        TimerProbe p = new TimerProbe();
        p.pacedTimers(0, 10); // a step fires one timer
        try (var h = keyed(p)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>("a", 10));
            h.processElement(new StreamRecord<>("b", 20));
            h.processElement(new StreamRecord<>("c", 30));
            h.getOutput().clear();
            h.processWatermark(new Watermark(100));
            assertThat(outputOfKeyed(h)).containsExactly("fired 10 a");
            // read between the steps, and judged against the new watermark, as after an unpaced one
            h.processElement(new StreamRecord<>("d", 150));
            h.setProcessingTime(10);
            assertThat(outputOfKeyed(h)).containsExactly("fired 10 a", "d judged against 100", "fired 20 b");
            h.setProcessingTime(20);
            h.setProcessingTime(30);
            assertThat(outputOfKeyed(h)).containsExactly("fired 10 a", "d judged against 100", "fired 20 b", "fired 30 c",
                    new Watermark(100));
            // a later watermark while nothing waits: its timers at once when they fit a step
            h.processWatermark(new Watermark(200));
            h.setProcessingTime(40);
            h.setProcessingTime(50);
            assertThat(outputOfKeyed(h)).endsWith("fired 150 d", new Watermark(200));
        }
    }

    @Test
    void theEndOfInputFiresEveryTimerAtOnceAndTheWatermarkOnce() throws Exception {
        TimerProbe p = new TimerProbe();
        p.pacedTimers(0, 10);
        try (var h = keyed(p)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>("a", 10));
            h.processElement(new StreamRecord<>("b", 20));
            h.processElement(new StreamRecord<>("c", 30));
            h.getOutput().clear();
            h.processWatermark(new Watermark(100));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            h.setProcessingTime(10);
            h.setProcessingTime(20);
            assertThat(outputOfKeyed(h)).containsExactly("fired 10 a", "fired 20 b", "fired 30 c", new Watermark(Long.MAX_VALUE));
        }
    }

    @Test
    void timersStillDueAtASnapshotFireInOrderAfterTheRestore() throws Exception {
        OperatorSubtaskState snap;
        TimerProbe p = new TimerProbe();
        p.pacedTimers(0, 10);
        try (var h = keyed(p)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>("a", 10));
            h.processElement(new StreamRecord<>("b", 20));
            h.processElement(new StreamRecord<>("c", 30));
            h.processWatermark(new Watermark(100));
            snap = h.snapshot(1, 1);
        }
        try (var restored = keyed(new TimerProbe())) {
            restored.initializeState(snap);
            restored.open();
            restored.processElement(new StreamRecord<>("e", 50));
            restored.processWatermark(new Watermark(200));
            assertThat(outputOfKeyed(restored)).containsExactly("e judged against 100", "fired 20 b", "fired 30 c",
                    "fired 50 e", new Watermark(200));
        }
    }
}
