package org.otlpanalytics.operators.sketch;

/**
 * The registers of a DataSketches HLL sketch as plain numbers, the form SQL merges without an
 * extension: register {@code j} of a union is the maximum of register {@code j} of its parts
 * (element-wise max), and the distinct count is estimated from the registers alone with the
 * standard HyperLogLog formula and its small-range correction ({@link #estimate}).
 *
 * <p>The registers are read from the sketch's serialized form (a pure function of the bytes,
 * hence as deterministic as {@link CanonicalHll#toBytes()}): in LIST and SET mode the sketch
 * holds coupons (value {@code << 26 |} 26 hash bits), whose low lgK bits name the register; in
 * HLL mode (HLL_8) the register bytes follow the 40-byte preamble. These are the registers
 * DataSketches itself would reach by converting to HLL mode, so the SQL estimate is that of the
 * same sketch.
 *
 * <p>Error: the standard HLL estimate has a relative standard error of about 1.04/√m (m =
 * 2^lgK registers; 2.3% at lgK 11), with linear counting below 2.5·m where it is more accurate.
 */
public final class HllRegisters {
    private static final int LG_K_BYTE = 3;
    private static final int FLAGS_BYTE = 5;
    private static final int LIST_COUNT_BYTE = 6;
    private static final int MODE_BYTE = 7;
    private static final int EMPTY_FLAG = 4;
    private static final int LIST_START = 8;
    private static final int SET_COUNT_INT = 8;
    private static final int SET_START = 12;
    private static final int HLL_START = 40;
    private static final int KEY_BITS = 26;
    private static final int MODE_LIST = 0;
    private static final int MODE_SET = 1;
    private static final int TYPE_HLL_8 = 2;
    /** One element of the packed sparse form is {@code register * PACK + value}. */
    public static final int PACK = 64;

    private HllRegisters() {}

    /** The 2^lgK registers (values 0..63) of an HLL_8 sketch image, compact or updatable. */
    public static byte[] dense(byte[] sketch) {
        int lgK = sketch[LG_K_BYTE] & 0xFF;
        int k = 1 << lgK;
        byte[] regs = new byte[k];
        if ((sketch[FLAGS_BYTE] & EMPTY_FLAG) != 0) {
            return regs;
        }
        int mode = sketch[MODE_BYTE] & 3;
        int type = (sketch[MODE_BYTE] >>> 2) & 3;
        if (mode == MODE_LIST || mode == MODE_SET) {
            int from = mode == MODE_LIST ? LIST_START : SET_START;
            int n = mode == MODE_LIST ? sketch[LIST_COUNT_BYTE] & 0xFF : intAt(sketch, SET_COUNT_INT);
            // a compact image holds exactly n coupons, an updatable one a table with empty (0) slots
            int seen = 0;
            for (int at = from; at + 4 <= sketch.length && seen < n; at += 4) {
                int coupon = intAt(sketch, at);
                if (coupon == 0) {
                    continue;
                }
                seen++;
                int slot = coupon & (k - 1);
                int value = coupon >>> KEY_BITS;
                if (value > (regs[slot] & 0xFF)) {
                    regs[slot] = (byte) value;
                }
            }
            return regs;
        }
        if (type != TYPE_HLL_8) {
            throw new IllegalArgumentException("only HLL_8 sketches are read here, got type " + type);
        }
        System.arraycopy(sketch, HLL_START, regs, 0, k);
        return regs;
    }

    /**
     * The packed sparse form stored in PostgreSQL ({@code red_1m.trace_hll_regs}): one int per
     * non-zero register, {@code register * 64 + value}, in increasing order; empty for a row
     * without registers (the column's default: no distinct count to add).
     */
    public static int[] packed(byte[] dense) {
        if (dense == null) {
            return new int[0];
        }
        int n = 0;
        for (byte b : dense) {
            if (b != 0) {
                n++;
            }
        }
        int[] out = new int[n];
        int j = 0;
        for (int i = 0; i < dense.length; i++) {
            if (dense[i] != 0) {
                out[j++] = i * PACK + (dense[i] & 0xFF);
            }
        }
        return out;
    }

    /** The registers of a packed sparse form ({@link #packed}) for 2^lgK registers. */
    public static byte[] unpack(int[] packed, int lgK) {
        byte[] regs = new byte[1 << lgK];
        for (int p : packed) {
            int slot = p / PACK;
            regs[slot] = (byte) Math.max(regs[slot] & 0xFF, p % PACK);
        }
        return regs;
    }

    /** Element-wise max of {@code from} into {@code into} (the union of two sketches' registers). */
    public static void mergeInto(byte[] into, byte[] from) {
        for (int i = 0; i < into.length; i++) {
            if ((from[i] & 0xFF) > (into[i] & 0xFF)) {
                into[i] = from[i];
            }
        }
    }

    /**
     * The standard HyperLogLog estimate α·m²/Σ2^(−M[j]) with α = 0.7213/(1 + 1.079/m), replaced by
     * linear counting m·ln(m/V) when it is at most 2.5·m and V registers are zero. The SQL
     * functions ({@code hll_estimate} in PostgreSQL, the ClickHouse expression) compute the same.
     */
    public static double estimate(byte[] regs) {
        int m = regs.length;
        double sum = 0;
        int zeros = 0;
        for (byte b : regs) {
            int v = b & 0xFF;
            sum += Math.scalb(1.0, -v);
            if (v == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / m);
        double e = alpha * m * (double) m / sum;
        if (e <= 2.5 * m && zeros > 0) {
            return m * Math.log((double) m / zeros);
        }
        return e;
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
