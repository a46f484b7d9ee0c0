package org.otlpanalytics.operators.sketch;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a KLL sketch from a {@link LogHistogram} so that the same histogram always gives the
 * same sketch bytes: values are fed in increasing order, with DataSketches' compaction coin
 * (a static {@code Random} of datasketches-java 6.2) reseeded under a lock for each build.
 * If that field cannot be reached (another DataSketches version), sketches are still correct but
 * may differ in their last bits between runs; this is logged once.
 */
public final class DeterministicKll {
    private static final Logger LOG = LoggerFactory.getLogger(DeterministicKll.class);
    private static final long SEED = 0x5eed_0f_4b11L;
    private static final Object LOCK = KllSketch.class;
    private static final Random COIN = coin();

    private DeterministicKll() {}

    private static Random coin() {
        try {
            Field f = KllSketch.class.getDeclaredField("random");
            f.setAccessible(true);
            return (Random) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("KLL compaction cannot be seeded ({}); sketch bytes may differ between replays", e.toString());
            return null;
        }
    }

    public static boolean isDeterministic() {
        return COIN != null;
    }

    public static KllDoublesSketch build(LogHistogram h, int k) {
        KllDoublesSketch s = KllDoublesSketch.newHeapInstance(k);
        synchronized (LOCK) {
            if (COIN != null) {
                COIN.setSeed(SEED);
            }
            h.forEachBucket((v, n) -> s.update(v, n));
        }
        return s;
    }
}
