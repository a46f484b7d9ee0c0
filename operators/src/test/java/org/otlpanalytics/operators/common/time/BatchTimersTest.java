package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionInternalTimeServiceManager;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchTimers} against Flink's own batch timer service: a timer registered while a key's input
 * is read fires; one registered while that key's timers fire is dropped, and that is exactly when
 * {@link BatchTimers#ignoresNewTimers} says so.
 */
class BatchTimersTest {
    @Test
    void saysATimerRegisteredWhileAKeysTimersFireIsDroppedAndOtherwiseNot() throws Exception {
        BatchExecutionInternalTimeServiceManager<String> manager =
                new BatchExecutionInternalTimeServiceManager<>(new TestProcessingTimeService(), false);
        List<String> fired = new ArrayList<>();
        List<Boolean> ignoredWhileFiring = new ArrayList<>();
        @SuppressWarnings("unchecked")
        InternalTimerService<VoidNamespace>[] service = new InternalTimerService[1];
        Triggerable<String, VoidNamespace> target = new Triggerable<>() {
            @Override
            public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
                fired.add(timer.getKey() + "@" + timer.getTimestamp());
                ignoredWhileFiring.add(BatchTimers.ignoresNewTimers(service[0]));
                service[0].registerEventTimeTimer(VoidNamespace.INSTANCE, timer.getTimestamp() + 1_000); // dropped
            }

            @Override
            public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
        };
        service[0] = manager.getInternalTimerService("t", StringSerializer.INSTANCE, VoidNamespaceSerializer.INSTANCE, target);

        manager.keySelected("a");
        assertThat(BatchTimers.ignoresNewTimers(service[0])).as("reading key a's input").isFalse();
        service[0].registerEventTimeTimer(VoidNamespace.INSTANCE, 10);
        service[0].registerEventTimeTimer(VoidNamespace.INSTANCE, 20);
        manager.keySelected("b"); // key a's timers fire now
        assertThat(BatchTimers.ignoresNewTimers(service[0])).as("reading key b's input").isFalse();
        manager.keySelected("c");

        assertThat(fired).containsExactly("a@10", "a@20");
        assertThat(ignoredWhileFiring).containsExactly(true, true);
    }
}
