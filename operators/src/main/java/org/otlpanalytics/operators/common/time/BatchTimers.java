package org.otlpanalytics.operators.common.time;

import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionInternalTimeService;

/**
 * Whether a timer registered now would be dropped by Flink's BATCH execution. A batch job
 * ({@code --mode batch}) fires a key's timers when its input moves to the next key, at watermark
 * {@code Long.MAX_VALUE}, and ignores every timer registered meanwhile, logging "Timer service is
 * quiesced" for each. An operator that re-arms timers in its callbacks (a follow-up window end, an
 * idle-expiry scan) asks this first: in a batch run those timers could never fire, so skipping them
 * changes no result and keeps the log clean; in streaming mode, where a timer registered while the
 * watermark is at its end still fires, this is always false.
 */
public final class BatchTimers {
    private BatchTimers() {}

    /** True exactly when {@code timers} is Flink's batch timer service and is firing a key's timers now. */
    public static boolean ignoresNewTimers(InternalTimerService<?> timers) {
        return timers instanceof BatchExecutionInternalTimeService && timers.currentWatermark() == Long.MAX_VALUE;
    }
}
