package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Doubles to be added up, kept until the sum is needed and then added in ascending order, so
 * the sum is the same bits whatever order the values arrived in (floating-point addition is not
 * associative; a running sum would differ in its last bits between a run and its replay).
 */
final class Summands {
    private static final double[] NONE = new double[0];

    private double[] values = NONE;
    private int size;
    /** The values are in ascending order (sorted in place when first read; adding clears it). */
    private boolean ascending = true;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.max(4, size * 2));
        }
        ascending = ascending && (size == 0 || Double.compare(values[size - 1], v) <= 0);
        values[size++] = v;
    }

    void addAll(Summands o) {
        for (int i = 0; i < o.size; i++) {
            add(o.values[i]);
        }
    }

    int size() {
        return size;
    }

    /** The values, sorted ascending (NaN last), in a new array. */
    double[] sorted() {
        sortInPlace();
        return Arrays.copyOf(values, size);
    }

    /** Sum in ascending order: 0 when empty, NaN when any value is NaN. */
    double sortedSum() {
        sortInPlace();
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum;
    }

    /**
     * Sorts the values once for every read until the next add (a minute's row reads them up to
     * three times: mean, sketch, value histogram). Their order is not part of what they mean.
     */
    private void sortInPlace() {
        if (!ascending) {
            Arrays.sort(values, 0, size);
            ascending = true;
        }
    }

    /** A copy holding the same values. */
    Summands copy() {
        Summands c = new Summands();
        c.values = size == 0 ? NONE : Arrays.copyOf(values, size);
        c.size = size;
        c.ascending = ascending;
        return c;
    }

    void write(DataOutput out) throws IOException {
        VarInts.writeVarLong(out, size);
        for (int i = 0; i < size; i++) {
            out.writeDouble(values[i]);
        }
    }

    static Summands read(DataInput in) throws IOException {
        long n = VarInts.readVarLong(in);
        if (n < 0 || n > MetricAccumulator.MAX_POINTS * 2L) {
            throw new IOException("implausible number of values " + n + " in metrics state");
        }
        Summands s = new Summands();
        s.values = n == 0 ? NONE : new double[(int) n];
        for (int i = 0; i < n; i++) {
            s.values[i] = in.readDouble();
        }
        s.size = (int) n;
        s.ascending = false;
        return s;
    }
}
