package org.otlpanalytics.operators.topology;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The times an edge was called, folded into runs: maximal sets of calls in which consecutive
 * calls are less than the idle timeout apart. A run is a validity interval of
 * {@code topo_edge_time}. The runs depend on the set of call times only, never on their order,
 * which is what makes replays give the same intervals: adding a call either extends the run it
 * falls into, starts a new one, or bridges (merges) its two neighbours.
 *
 * <p>Plain Java, no Flink; {@link EdgeTopologyTracker} decides when a run is final.
 */
public final class EdgeRuns {
    /** One run: first and last call (epoch ms), the connection types seen, and whether its open row was written. */
    public static final class Run {
        long start;
        long end;
        int typeMask;
        boolean openEmitted;

        Run(long start, long end, int typeMask, boolean openEmitted) {
            this.start = start;
            this.end = end;
            this.typeMask = typeMask;
            this.openEmitted = openEmitted;
        }

        public long start() {
            return start;
        }

        public long end() {
            return end;
        }

        public int typeMask() {
            return typeMask;
        }

        public boolean openEmitted() {
            return openEmitted;
        }

        @Override
        public String toString() {
            return "[" + start + "," + end + "]";
        }
    }

    /** Sorted by start; neighbours are at least the idle timeout apart. */
    private final List<Run> runs;

    public EdgeRuns() {
        this.runs = new ArrayList<>(2);
    }

    private EdgeRuns(List<Run> runs) {
        this.runs = runs;
    }

    /**
     * Adds a call at {@code t}: it joins every run it is less than {@code idleMillis} away from
     * (at most two, which then become one), or starts a run of its own. Returns its run.
     */
    public Run add(long t, int typeBit, long idleMillis) {
        int i = 0;
        while (i < runs.size() && runs.get(i).end <= t - idleMillis) {
            i++;
        }
        Run merged = null;
        while (i < runs.size() && runs.get(i).start - idleMillis < t) {
            Run r = runs.get(i);
            if (merged == null) {
                merged = r;
                if (t < r.start) {
                    r.start = t;
                    r.openEmitted = false; // a new lower bound is a new row
                }
                r.end = Math.max(r.end, t);
                r.typeMask |= typeBit;
                i++;
            } else {
                merged.end = Math.max(merged.end, r.end);
                merged.typeMask |= r.typeMask;
                runs.remove(i);
            }
        }
        if (merged == null) {
            merged = new Run(t, t, typeBit, false);
            runs.add(i, merged);
        }
        return merged;
    }

    public List<Run> runs() {
        return runs;
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    /** Removes and returns the runs {@code ended} says are over. */
    public List<Run> removeIf(java.util.function.Predicate<Run> ended) {
        List<Run> out = new ArrayList<>(1);
        for (Iterator<Run> it = runs.iterator(); it.hasNext();) {
            Run r = it.next();
            if (ended.test(r)) {
                out.add(r);
                it.remove();
            }
        }
        return out;
    }

    /** Removes and returns the runs whose last call is at or before {@code lastCallAtOrBefore}. */
    public List<Run> removeEndedBy(long lastCallAtOrBefore) {
        List<Run> out = new ArrayList<>(1);
        for (Iterator<Run> it = runs.iterator(); it.hasNext();) {
            Run r = it.next();
            if (r.end <= lastCallAtOrBefore) {
                out.add(r);
                it.remove();
            }
        }
        return out;
    }

    public void write(DataOutput out) throws IOException {
        out.writeInt(runs.size());
        for (Run r : runs) {
            out.writeLong(r.start);
            out.writeLong(r.end);
            out.writeByte(r.typeMask);
            out.writeBoolean(r.openEmitted);
        }
    }

    public static EdgeRuns read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("corrupt EdgeRuns state: " + n + " runs");
        }
        List<Run> runs = new ArrayList<>(Math.max(2, n));
        for (int i = 0; i < n; i++) {
            runs.add(new Run(in.readLong(), in.readLong(), in.readByte(), in.readBoolean()));
        }
        return new EdgeRuns(runs);
    }

    @Override
    public String toString() {
        return runs.toString();
    }
}
