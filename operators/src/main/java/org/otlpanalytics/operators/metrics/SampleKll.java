package org.otlpanalytics.operators.metrics;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the KLL sketch of a series-minute's samples so that the same samples always give the
 * same bytes: values go in ascending order, and when there are more than k of them (the only
 * case in which KLL compacts and flips its coin) DataSketches' static compaction coin is
 * reseeded under the same lock {@code sketch.DeterministicKll} uses. Exact samples rather than a
 * {@code LogHistogram} are fed because gauges may be negative and p95 of a few points should be
 * one of the points.
 */
final class SampleKll {
    private static final Logger LOG = LoggerFactory.getLogger(SampleKll.class);
    private static final long SEED = 0x5eed_0f_3e7cL;
    private static final Object LOCK = KllSketch.class;
    private static final Random COIN = coin();

    private SampleKll() {}

    private static Random coin() {
        try {
            Field f = KllSketch.class.getDeclaredField("random");
            f.setAccessible(true);
            return (Random) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("KLL compaction cannot be seeded ({}); metric sketches of more than k samples may differ "
                    + "between replays", e.toString());
            return null;
        }
    }

    /** The sketch of {@code sortedValues} (ascending). */
    static KllDoublesSketch build(double[] sortedValues, int k) {
        KllDoublesSketch s = KllDoublesSketch.newHeapInstance(k);
        if (sortedValues.length <= k) {
            for (double v : sortedValues) {
                s.update(v); // no compaction below k items: no coin involved
            }
            return s;
        }
        synchronized (LOCK) {
            if (COIN != null) {
                COIN.setSeed(SEED);
            }
            for (double v : sortedValues) {
                s.update(v);
            }
        }
        return s;
    }
}
