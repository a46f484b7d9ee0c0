package org.otlpanalytics.operators.topology;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.otlpanalytics.operators.edges.DurationStats;
import org.otlpanalytics.operators.edges.EdgeCalls;

/**
 * The calls of one edge over the live window, in slots of the refresh interval: counts, errors,
 * first/last call, connection types and durations per slot, so that the window's totals at any
 * slot boundary are a sum of whole slots. Plain Java, no Flink; the same calls give the same
 * summary in any arrival order. {@link EdgeTopologyTracker} keeps each {@link Slot} as its own
 * map-state entry (a call touches one slot) and summarizes them here at each refresh.
 */
public final class LiveWindow {
    /** One slot: calls starting in [start, start + slot width). */
    public static final class Slot {
        long calls;
        long errors;
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
        int typeMask;
        final DurationStats durations;

        public Slot() {
            this(new DurationStats());
        }

        Slot(DurationStats durations) {
            this.durations = durations;
        }

        /** Adds the calls of a partial; durations from the side the edge's quantiles are read from. */
        public void add(EdgeCalls c) {
            calls += c.calls();
            errors += c.errors();
            minTime = Math.min(minTime, c.firstMillis());
            maxTime = Math.max(maxTime, c.lastMillis());
            typeMask |= c.typeMask();
            durations.merge(c.mainSide());
        }

        public long maxTime() {
            return maxTime;
        }

        public void write(DataOutput out) throws IOException {
            out.writeLong(calls);
            out.writeLong(errors);
            out.writeLong(minTime);
            out.writeLong(maxTime);
            out.writeByte(typeMask);
            durations.write(out);
        }

        public static Slot read(DataInput in) throws IOException {
            long calls = in.readLong();
            long errors = in.readLong();
            long min = in.readLong();
            long max = in.readLong();
            int mask = in.readByte();
            Slot s = new Slot(DurationStats.read(in));
            s.calls = calls;
            s.errors = errors;
            s.minTime = min;
            s.maxTime = max;
            s.typeMask = mask;
            return s;
        }
    }

    /** Totals of the window ending at a refresh boundary. */
    public static final class Summary {
        public long calls;
        public long errors;
        public long firstMillis = Long.MAX_VALUE;
        public long lastMillis = Long.MIN_VALUE;
        public int typeMask;
        public double p95Ms;
    }

    private final TreeMap<Long, Slot> slots;

    public LiveWindow() {
        this(new TreeMap<>());
    }

    /** A window over the given slots by start; {@link #summarize} drops the old ones from it. */
    public LiveWindow(TreeMap<Long, Slot> slots) {
        this.slots = slots;
    }

    /**
     * The totals of the calls in {@code [asOf - window, asOf)}, after dropping the slots older
     * than that window (they can never count again). p95 from a KLL sketch built
     * deterministically from the merged duration histograms.
     */
    public Summary summarize(long asOf, long windowMillis, int kllK) {
        slots.headMap(asOf - windowMillis, false).clear();
        Summary sum = new Summary();
        DurationStats durations = new DurationStats();
        for (Map.Entry<Long, Slot> e : slots.headMap(asOf, false).entrySet()) {
            Slot s = e.getValue();
            sum.calls += s.calls;
            sum.errors += s.errors;
            sum.firstMillis = Math.min(sum.firstMillis, s.minTime);
            sum.lastMillis = Math.max(sum.lastMillis, s.maxTime);
            sum.typeMask |= s.typeMask;
            durations.merge(s.durations);
        }
        if (!durations.isEmpty()) {
            KllDoublesSketch kll = durations.kll(kllK);
            sum.p95Ms = kll.getQuantile(0.95);
        }
        return sum;
    }

    /** The slots by start. */
    public NavigableMap<Long, Slot> slots() {
        return slots;
    }

    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** The latest call in the window's slots; only meaningful when not {@link #isEmpty()}. */
    public long lastCallMillis() {
        long last = Long.MIN_VALUE;
        for (Slot s : slots.values()) {
            last = Math.max(last, s.maxTime);
        }
        return last;
    }

    /** The version-1 state layout of the whole window (read when restoring older checkpoints). */
    public void write(DataOutput out) throws IOException {
        out.writeInt(slots.size());
        for (Map.Entry<Long, Slot> e : slots.entrySet()) {
            out.writeLong(e.getKey());
            e.getValue().write(out);
        }
    }

    public static LiveWindow read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("corrupt LiveWindow state: " + n + " slots");
        }
        TreeMap<Long, Slot> slots = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long start = in.readLong();
            slots.put(start, Slot.read(in));
        }
        return new LiveWindow(slots);
    }
}
