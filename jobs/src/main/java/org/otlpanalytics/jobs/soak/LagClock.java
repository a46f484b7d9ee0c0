package org.otlpanalytics.jobs.soak;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * When the generator's messages of one topic were produced, to turn a consumer lag in messages
 * into seconds: the lag in seconds is the age of the oldest message not yet consumed. That is
 * exact at any offered rate (also while {@code --find-max} changes it), unlike lag divided by a
 * rate. Samples are (time, messages produced so far), appended in order; old ones are dropped
 * once they can no longer be the answer.
 */
final class LagClock {
    private final Deque<long[]> samples = new ArrayDeque<>();
    private final long horizonMillis;

    /** Keeps samples for {@code horizonMillis}; older consumer positions read as that old. */
    LagClock(long horizonMillis) {
        this.horizonMillis = horizonMillis;
    }

    /** {@code total} messages had been produced at {@code atMillis}. */
    synchronized void produced(long atMillis, long total) {
        long[] last = samples.peekLast();
        if (last != null && last[1] == total) {
            return; // only moves matter: the first time a count was reached is when that message was produced
        }
        samples.addLast(new long[] {atMillis, total});
        while (samples.size() > 2 && samples.peekFirst()[0] < atMillis - horizonMillis) {
            samples.pollFirst();
        }
    }

    /** Messages produced by {@code atMillis} (the last sample at or before it). */
    synchronized long producedBy(long atMillis) {
        long n = 0;
        for (long[] s : samples) {
            if (s[0] > atMillis) {
                break;
            }
            n = s[1];
        }
        return n;
    }

    /**
     * The lag in milliseconds at {@code atMillis} when {@code pending} messages were not yet
     * consumed: {@code atMillis} minus the time the first unconsumed message was produced; 0
     * when nothing is pending.
     */
    synchronized long lagMillis(long pending, long atMillis) {
        if (pending <= 0) {
            return 0;
        }
        long position = producedBy(atMillis) - pending; // messages consumed
        Long producedAt = null;
        for (long[] s : samples) {
            if (s[1] > position) {
                producedAt = s[0];
                break;
            }
        }
        if (producedAt == null || producedAt > atMillis) {
            return 0;
        }
        return atMillis - producedAt;
    }
}
