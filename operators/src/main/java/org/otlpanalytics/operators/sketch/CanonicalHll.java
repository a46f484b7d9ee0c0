package org.otlpanalytics.operators.sketch;

import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Distinct count of 64-bit ids (trace ids) whose serialized HLL does not depend on arrival
 * order: exact ids are kept up to {@link #EXACT_LIMIT} and fed to the sketch sorted when it is
 * written; past that, the HLL_8 registers (order-independent) are written with the HIP
 * accumulator cleared and the out-of-order flag set, so readers use the order-independent
 * composite estimator. Bytes are the standard DataSketches HLL_8 compact form.
 */
public final class CanonicalHll {
    public static final int EXACT_LIMIT = 1024;
    private static final int PREAMBLE_FLAGS = 5;
    private static final int FLAG_OUT_OF_ORDER = 16;
    private static final int HIP_ACCUM_OFFSET = 8;
    private static final int MODE_BYTE = 7;
    private static final int MODE_HLL = 2;
    private static final int CUR_MIN_BYTE = 6;
    private static final int NUM_AT_CUR_MIN_OFFSET = 32;
    private static final int REGISTERS_OFFSET = 40;

    private final int lgK;
    private long[] exact = new long[8];
    private int exactSize;
    private HllSketch sketch;

    public CanonicalHll(int lgK) {
        this.lgK = lgK;
    }

    public void update(long id) {
        if (sketch != null) {
            sketch.update(id);
            return;
        }
        int pos = Arrays.binarySearch(exact, 0, exactSize, id);
        if (pos >= 0) {
            return;
        }
        pos = -pos - 1;
        if (exactSize == EXACT_LIMIT) {
            sketch = new HllSketch(lgK, TgtHllType.HLL_8);
            for (int i = 0; i < exactSize; i++) {
                sketch.update(exact[i]);
            }
            sketch.update(id);
            exact = null;
            exactSize = 0;
            return;
        }
        if (exactSize == exact.length) {
            exact = Arrays.copyOf(exact, Math.min(EXACT_LIMIT, exact.length * 2));
        }
        System.arraycopy(exact, pos, exact, pos + 1, exactSize - pos);
        exact[pos] = id;
        exactSize++;
    }

    public void merge(CanonicalHll o) {
        if (o.sketch == null) {
            for (int i = 0; i < o.exactSize; i++) {
                update(o.exact[i]);
            }
            return;
        }
        if (sketch == null) {
            sketch = new HllSketch(lgK, TgtHllType.HLL_8);
            for (int i = 0; i < exactSize; i++) {
                sketch.update(exact[i]);
            }
            exact = null;
            exactSize = 0;
        }
        org.apache.datasketches.hll.Union u = new org.apache.datasketches.hll.Union(lgK);
        u.update(sketch);
        u.update(o.sketch);
        sketch = u.getResult(TgtHllType.HLL_8);
    }

    /** Exact while at most {@link #EXACT_LIMIT} ids were seen; otherwise the composite estimate. */
    public double estimate() {
        if (sketch == null) {
            return exactSize;
        }
        return HllSketch.heapify(toBytes()).getEstimate();
    }

    /** Canonical compact bytes. */
    public byte[] toBytes() {
        HllSketch s = sketch;
        if (s == null) {
            s = new HllSketch(lgK, TgtHllType.HLL_8);
            for (int i = 0; i < exactSize; i++) {
                s.update(exact[i]);
            }
        }
        byte[] b = s.toCompactByteArray();
        if ((b[MODE_BYTE] & 3) == MODE_HLL) {
            b[PREAMBLE_FLAGS] |= FLAG_OUT_OF_ORDER;
            Arrays.fill(b, HIP_ACCUM_OFFSET, HIP_ACCUM_OFFSET + 8, (byte) 0);
            // curMin / numAtCurMin are maintained lazily (a union computes them, updates do not):
            // recompute them from the registers so both paths give the same bytes
            int regs = 1 << lgK;
            int curMin = Integer.MAX_VALUE;
            int atMin = 0;
            for (int i = REGISTERS_OFFSET; i < REGISTERS_OFFSET + regs; i++) {
                int v = b[i] & 0xFF;
                if (v < curMin) {
                    curMin = v;
                    atMin = 1;
                } else if (v == curMin) {
                    atMin++;
                }
            }
            b[CUR_MIN_BYTE] = (byte) curMin;
            java.nio.ByteBuffer.wrap(b, NUM_AT_CUR_MIN_OFFSET, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(atMin);
        }
        return b;
    }

    /**
     * The 2^lgK registers (values 0..63) of {@link #toBytes()}, the form SQL merges by element-wise
     * max ({@link HllRegisters}); a pure function of the canonical bytes, so as deterministic.
     */
    public byte[] registers() {
        return HllRegisters.dense(toBytes());
    }

    public int lgK() {
        return lgK;
    }

    public void write(java.io.DataOutput out) throws java.io.IOException {
        out.writeByte(lgK);
        if (sketch == null) {
            out.writeBoolean(false);
            out.writeInt(exactSize);
            for (int i = 0; i < exactSize; i++) {
                out.writeLong(exact[i]);
            }
        } else {
            out.writeBoolean(true);
            byte[] b = sketch.toUpdatableByteArray();
            out.writeInt(b.length);
            out.write(b);
        }
    }

    public static CanonicalHll read(java.io.DataInput in) throws java.io.IOException {
        CanonicalHll h = new CanonicalHll(in.readByte());
        if (!in.readBoolean()) {
            int n = in.readInt();
            if (n < 0 || n > EXACT_LIMIT) {
                throw new java.io.IOException("corrupt CanonicalHll: " + n + " ids");
            }
            h.exact = new long[Math.max(8, n)];
            for (int i = 0; i < n; i++) {
                h.exact[i] = in.readLong();
            }
            h.exactSize = n;
        } else {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            h.sketch = HllSketch.heapify(b);
            h.exact = null;
        }
        return h;
    }
}
