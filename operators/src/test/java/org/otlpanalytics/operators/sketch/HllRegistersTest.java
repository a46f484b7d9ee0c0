package org.otlpanalytics.operators.sketch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;

class HllRegistersTest {
    private static final int LG_K = 11;
    /** DataSketches' default update seed: the hash its {@code update(long)} uses. */
    private static final long SEED = 9001L;

    /** The registers DataSketches reaches for {@code ids}, computed here from its coupon definition. */
    static byte[] expectedRegisters(long[] ids, int lgK) {
        byte[] regs = new byte[1 << lgK];
        for (long id : ids) {
            long[] h = MurmurHash3.hash(new long[] {id}, SEED);
            int slot = (int) (h[0] & ((1 << lgK) - 1));
            int value = Math.min(62, Long.numberOfLeadingZeros(h[1])) + 1;
            regs[slot] = (byte) Math.max(regs[slot], value);
        }
        return regs;
    }

    static long[] ids(int n, long seed) {
        Random r = new Random(seed);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextLong();
        }
        return ids;
    }

    @Test
    void registersOfEveryModeAreThoseOfTheSketch() {
        // exact ids (LIST/SET images), a SET-mode HLL_8 sketch just past the exact limit, HLL mode
        for (int n : new int[] {0, 1, 7, 100, 1024, 1025, 1300, 3000, 50_000}) {
            long[] ids = ids(n, n);
            CanonicalHll h = new CanonicalHll(LG_K);
            for (long id : ids) {
                h.update(id);
            }
            assertThat(h.registers()).as("n=%d", n).isEqualTo(expectedRegisters(ids, LG_K));
            // an updatable (non-compact) image gives the same registers
            HllSketch s = new HllSketch(LG_K, TgtHllType.HLL_8);
            for (long id : ids) {
                s.update(id);
            }
            assertThat(HllRegisters.dense(s.toUpdatableByteArray())).as("updatable n=%d", n)
                    .isEqualTo(expectedRegisters(ids, LG_K));
        }
    }

    @Test
    void elementWiseMaxIsTheUnion() {
        long[] a = ids(700, 1);
        long[] b = ids(40_000, 2);
        CanonicalHll ha = new CanonicalHll(LG_K);
        CanonicalHll hb = new CanonicalHll(LG_K);
        for (long id : a) {
            ha.update(id);
        }
        for (long id : b) {
            hb.update(id);
        }
        byte[] merged = ha.registers();
        HllRegisters.mergeInto(merged, hb.registers());
        Union u = new Union(LG_K);
        u.update(HllSketch.heapify(ha.toBytes()));
        u.update(HllSketch.heapify(hb.toBytes()));
        assertThat(merged).isEqualTo(HllRegisters.dense(u.getResult(TgtHllType.HLL_8).toCompactByteArray()));
        ha.merge(hb);
        assertThat(ha.registers()).isEqualTo(merged);
    }

    @Test
    void packedFormRoundTrips() {
        byte[] regs = expectedRegisters(ids(5000, 3), LG_K);
        int[] p = HllRegisters.packed(regs);
        assertThat(HllRegisters.unpack(p, LG_K)).isEqualTo(regs);
        for (int i = 1; i < p.length; i++) {
            assertThat(p[i]).isGreaterThan(p[i - 1]);
        }
    }

    /**
     * The error bound the SQL tests use: over 20 independent id sets at each of 28 cardinalities
     * from 10 to 1,000,000 (the small-range, transition and large ranges), the standard estimate
     * stays within 3 standard errors (3 × 1.04/√2048 = 6.9%) of the exact count, and within 2% of
     * DataSketches' own estimate of the same sketch... or 3 standard errors of it where the raw
     * estimator's known bias near 2.5·m shows.
     */
    @Test
    void standardEstimateIsWithinThreeStandardErrors() {
        double se = 1.04 / Math.sqrt(1 << LG_K);
        double worst = 0;
        for (int step = 0; step < 28; step++) {
            int n = (int) Math.round(10 * Math.pow(10, step * 5.0 / 27));
            for (int trial = 0; trial < 20; trial++) {
                long[] ids = ids(n, 1000L * step + trial);
                byte[] regs = expectedRegisters(ids, LG_K);
                double rel = Math.abs(HllRegisters.estimate(regs) - n) / n;
                worst = Math.max(worst, rel);
                assertThat(rel).as("n=%d trial=%d", n, trial).isLessThanOrEqualTo(3 * se);
            }
        }
        System.out.printf("HLL lgK=%d: worst relative error %.4f (standard error %.4f)%n", LG_K, worst, se);
    }
}
