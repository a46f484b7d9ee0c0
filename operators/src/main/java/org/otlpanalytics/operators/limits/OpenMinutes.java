package org.otlpanalytics.operators.limits;

import java.util.HashMap;
import java.util.Map;
import org.otlpanalytics.operators.common.time.EpochWindows;

/**
 * Per key, the minute whose window a {@link TenantRecordLimiter} subtask last saw open (created and
 * not fired), so that the key's next records of that minute are held without reading its minute
 * windows ({@code record-limit-slots}) again: on RocksDB that read is a point lookup and a
 * deserialization per record once the key's minute has left the heap ({@code BatchedListState}
 * spills past its bound).
 *
 * <p>A mark is trusted only while the watermark is before the minute's end: the window fires only when
 * the watermark reaches it, and is purged later still. Heap only and never snapshotted: a restore or a
 * rescale starts empty and reads the windows again. Bounded: past {@code maxKeys} keys every mark is
 * dropped (the next record of each key reads its window once more).
 */
final class OpenMinutes {
    /** Keys marked per subtask before every mark is dropped (a key's mark weighs about 100 bytes). */
    static final int DEFAULT_MAX_KEYS = 100_000;

    private final EpochWindows spec;
    private final int maxKeys;
    private final Map<Object, Long> open = new HashMap<>();

    OpenMinutes(EpochWindows spec, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1, got " + maxKeys);
        }
        this.spec = spec;
        this.maxKeys = maxKeys;
    }

    /** Whether {@code key}'s window of {@code minute} was seen open and cannot have fired at {@code watermark}. */
    boolean isOpen(Object key, long minute, long watermark) {
        Long m = open.get(key);
        return m != null && m == minute && watermark < spec.maxTimestamp(minute);
    }

    /** Marks {@code key}'s window of {@code minute} as seen open (it exists and has not fired). */
    void markOpen(Object key, long minute) {
        if (open.size() >= maxKeys && !open.containsKey(key)) {
            open.clear();
        }
        open.put(key, minute);
    }

    /** Keys marked now. */
    int size() {
        return open.size();
    }
}
