package org.otlpanalytics.operators.sketch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

class SketchDeterminismTest {
    static List<Double> values(int n) {
        Random r = new Random(5);
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add(Math.exp(r.nextGaussian() * 1.5 + 3));
        }
        return v;
    }

    @Test
    void kllBytesDoNotDependOnArrivalOrder() {
        List<Double> v = values(50_000);
        LogHistogram a = new LogHistogram();
        v.forEach(a::add);
        Collections.shuffle(v, new Random(1));
        LogHistogram b = new LogHistogram();
        // arrive in two halves merged, as after a restart
        LogHistogram b2 = new LogHistogram();
        for (int i = 0; i < v.size(); i++) {
            (i % 2 == 0 ? b : b2).add(v.get(i));
        }
        b.merge(b2);
        assertThat(b).isEqualTo(a);
        KllDoublesSketch ka = DeterministicKll.build(a, 200);
        KllDoublesSketch kb = DeterministicKll.build(b, 200);
        assertThat(DeterministicKll.isDeterministic()).isTrue();
        assertThat(kb.toByteArray()).isEqualTo(ka.toByteArray());
        assertThat(ka.getN()).isEqualTo(50_000);
    }

    @Test
    void quantilesAreWithinRelativeAccuracyPlusRankError() {
        List<Double> v = values(100_000);
        LogHistogram h = new LogHistogram();
        v.forEach(h::add);
        KllDoublesSketch k = DeterministicKll.build(h, 200);
        Collections.sort(v);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            double got = k.getQuantile(q);
            double eps = KllDoublesSketch.getNormalizedRankError(200, false) + 0.001;
            double lo = v.get((int) Math.max(0, (q - eps) * v.size())) * (1 - 2 * LogHistogram.RELATIVE_ACCURACY);
            double hi = v.get((int) Math.min(v.size() - 1, (q + eps) * v.size())) * (1 + 2 * LogHistogram.RELATIVE_ACCURACY);
            assertThat(got).as("q%s", q).isBetween(lo, hi);
        }
    }

    @Test
    void histogramSurvivesSerializationAndBoundsHostileSpread() throws Exception {
        LogHistogram h = new LogHistogram();
        h.add(0);
        h.add(1e-9);
        h.add(1e300);
        h.add(Double.NaN);
        h.add(-5);
        h.add(12.5);
        assertThat(h.count()).isEqualTo(4);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        h.write(new DataOutputStream(bo));
        assertThat(bo.size()).isLessThan(4 * LogHistogram.MAX_BUCKETS + 64);
        LogHistogram back = LogHistogram.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(back).isEqualTo(h);
        assertThat(back.max()).isEqualTo(1e300);
    }

    @Test
    void hllBytesDoNotDependOnArrivalOrderInEveryMode() throws Exception {
        for (int n : new int[] {3, 100, 1024, 1025, 50_000}) {
            List<Long> ids = new ArrayList<>();
            Random r = new Random(n);
            for (int i = 0; i < n; i++) {
                ids.add(r.nextLong());
            }
            CanonicalHll a = new CanonicalHll(11);
            ids.forEach(a::update);
            Collections.shuffle(ids, new Random(2));
            CanonicalHll b = new CanonicalHll(11);
            CanonicalHll c = new CanonicalHll(11);
            for (int i = 0; i < ids.size(); i++) {
                (i < ids.size() / 3 ? c : b).update(ids.get(i));
            }
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            b.write(new DataOutputStream(bo));
            CanonicalHll restored = CanonicalHll.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
            restored.merge(c);
            assertThat(restored.toBytes()).as("n=%d", n).isEqualTo(a.toBytes());
            if (n <= CanonicalHll.EXACT_LIMIT) {
                assertThat(a.estimate()).isEqualTo(n);
            } else {
                assertThat(a.estimate()).isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(8));
            }
            // a reader of the stored bytes gets an estimate within the HLL error (lgK 11: ~2.3% RSE)
            assertThat(HllSketch.heapify(a.toBytes()).getEstimate())
                    .isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(n <= 100 ? 0.01 : 8));
        }
    }
}
