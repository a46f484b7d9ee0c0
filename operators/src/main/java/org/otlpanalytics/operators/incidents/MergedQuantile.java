package org.otlpanalytics.operators.incidents;

import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A quantile of the union of several KLL sketches without merging them (a KLL merge compacts with
 * a random coin, so its result would depend on the run): the value whose rank, summed over the
 * sketches weighted by their counts, is the wanted fraction, found by bisection in log space. As
 * accurate as the sketches' rank error, and the same on every run.
 */
final class MergedQuantile {
    private MergedQuantile() {}

    /** The {@code q}-quantile of the sketches' union; NaN when they are all empty. */
    static double of(List<byte[]> sketches, double q) {
        List<KllDoublesSketch> ks = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long total = 0;
        for (byte[] b : sketches) {
            if (b == null || b.length == 0) {
                continue;
            }
            KllDoublesSketch s = KllDoublesSketch.heapify(Memory.wrap(b));
            if (s.isEmpty()) {
                continue;
            }
            ks.add(s);
            lo = Math.min(lo, s.getMinItem());
            hi = Math.max(hi, s.getMaxItem());
            total += s.getN();
        }
        if (ks.isEmpty()) {
            return Double.NaN;
        }
        if (ks.size() == 1) {
            return ks.get(0).getQuantile(q);
        }
        double a = Math.log(Math.max(lo, 1e-9));
        double z = Math.log(Math.max(hi, 1e-9));
        for (int i = 0; i < 60 && z - a > 1e-9; i++) {
            double mid = (a + z) / 2;
            double v = Math.exp(mid);
            double rank = 0;
            for (KllDoublesSketch s : ks) {
                rank += s.getRank(v) * s.getN();
            }
            if (rank / total >= q) {
                z = mid;
            } else {
                a = mid;
            }
        }
        return Math.exp(z);
    }
}
