package org.otlpanalytics.tests.support;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * Passes records through about 0.1 ms apart: a bounded run then reads its input over a few
 * seconds, with periodic watermarks (every 200 ms) emitted along the way, instead of most of it
 * before the first watermark, which makes lateness depend on timing. Use with the same pause in
 * the run it is compared with ({@code new FailOnce<>(marker, n, true)}).
 */
public class Throttle<T> implements MapFunction<T, T> {
    private static final long serialVersionUID = 1L;

    @Override
    public T map(T value) {
        pause();
        return value;
    }

    /** About 0.1 ms. */
    static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
    }
}
