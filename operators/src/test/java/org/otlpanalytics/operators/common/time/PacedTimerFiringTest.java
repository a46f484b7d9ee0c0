package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * {@link PacedTimerFiring} through {@link HorizonKeyedProcessOperator#firesTimersInSteps}: a watermark's
 * timers fire a step at a time with input between the steps, the watermark after the last; a
 * snapshot between two steps keeps the rest; the end of input fires everything at once.
 */
class PacedTimerFiringTest {
    /** "key@timer" per record ("key:timestamp"); each timer takes 30 ms, longer than a step, and emits "fired key". */
    static final class SlowTimers extends KeyedProcessFunction<String, String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) {
            ctx.timerService().registerEventTimeTimer(Long.parseLong(value.substring(value.indexOf(':') + 1)));
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
            Thread.sleep(30);
            out.collect("fired " + ctx.getCurrentKey() + "@" + timestamp);
        }
    }

    static HorizonKeyedProcessOperator<String, String, String> stepped() {
        return new HorizonKeyedProcessOperator<>(new SlowTimers()) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean firesTimersInSteps() {
                return true;
            }
        };
    }

    static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(stepped(), v -> v.substring(0, v.indexOf(':')), Types.STRING);
    }

    static List<String> drain(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        List<String> seen = new ArrayList<>();
        for (Object o : h.getOutput()) {
            seen.add(o instanceof Watermark w ? "w" + w.getTimestamp() : (String) ((StreamRecord<?>) o).getValue());
        }
        h.getOutput().clear();
        return seen;
    }

    @Test
    void shouldFireAWatermarksTimersAStepAtATimeWithInputBetweenAndTheWatermarkAfterTheLast() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>("a:100"));
            h.processElement(new StreamRecord<>("b:100"));
            h.processElement(new StreamRecord<>("c:200"));
            h.processWatermark(new Watermark(150));
            assertThat(drain(h)).as("one timer per step: the first now").containsExactly("fired a@100");
            // input between two steps: a timer at or before the new watermark fires in the same advance
            h.processElement(new StreamRecord<>("d:120"));
            h.setProcessingTime(h.getProcessingTime() + HorizonKeyedProcessOperator.TIMER_PAUSE_MILLIS);
            assertThat(drain(h)).containsExactly("fired b@100");
            h.setProcessingTime(h.getProcessingTime() + HorizonKeyedProcessOperator.TIMER_PAUSE_MILLIS);
            assertThat(drain(h)).containsExactly("fired d@120");
            // a step that ran out of time after the last timer leaves the watermark to the next
            h.setProcessingTime(h.getProcessingTime() + HorizonKeyedProcessOperator.TIMER_PAUSE_MILLIS);
            assertThat(drain(h)).containsExactly("w150");
            // nothing due: the watermark passes at once
            h.processWatermark(new Watermark(160));
            assertThat(drain(h)).containsExactly("w160");
            // the end of input: everything at once
            h.processElement(new StreamRecord<>("e:300"));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(drain(h)).containsExactly("fired c@200", "fired e@300", "w" + Long.MAX_VALUE);
        }
    }

    @Test
    void shouldKeepTheTimersNotFiredYetAcrossASnapshotBetweenTwoSteps() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>("a:100"));
            h.processElement(new StreamRecord<>("b:100"));
            h.processElement(new StreamRecord<>("c:100"));
            h.processWatermark(new Watermark(100));
            assertThat(drain(h)).containsExactly("fired a@100");
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(new Watermark(100));
            for (int i = 0; i < 3; i++) {
                h.setProcessingTime(h.getProcessingTime() + HorizonKeyedProcessOperator.TIMER_PAUSE_MILLIS);
            }
            List<String> seen = drain(h);
            assertThat(seen).hasSize(3).endsWith("w100");
            assertThat(seen.subList(0, 2)).as("the timers of the same time in either order").containsExactlyInAnyOrder("fired b@100", "fired c@100");
        }
    }

    @Test
    void shouldFireWhatIsPendingAtFinish() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>("a:100"));
            h.processElement(new StreamRecord<>("b:100"));
            h.processWatermark(new Watermark(100));
            assertThat(drain(h)).containsExactly("fired a@100");
            h.endInput();
            h.getOperator().finish();
            assertThat(drain(h)).containsExactly("fired b@100", "w100");
        }
    }
}
