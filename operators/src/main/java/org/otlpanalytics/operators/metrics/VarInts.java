package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Variable-length encoding (protobuf style) for the counts in metrics state: most are small. */
final class VarInts {
    private static final long[] NO_LONGS = new long[0];
    private static final double[] NO_DOUBLES = new double[0];

    private VarInts() {}

    /** Unsigned LEB128; negative values take 10 bytes but still round-trip. */
    static void writeVarLong(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("malformed varint in metrics state");
    }

    /** Zig-zag, for values that may be negative (offsets, scales). */
    static void writeSignedVarInt(DataOutput out, int v) throws IOException {
        writeVarLong(out, ((v << 1) ^ (v >> 31)) & 0xFFFFFFFFL);
    }

    static int readSignedVarInt(DataInput in) throws IOException {
        int v = (int) readVarLong(in);
        return (v >>> 1) ^ -(v & 1);
    }

    static void writeCounts(DataOutput out, long[] counts) throws IOException {
        writeVarLong(out, counts.length);
        for (long c : counts) {
            writeVarLong(out, c);
        }
    }

    static long[] readCounts(DataInput in) throws IOException {
        int n = length(in);
        if (n == 0) {
            return NO_LONGS; // shared: an empty array cannot change
        }
        long[] c = new long[n];
        for (int i = 0; i < c.length; i++) {
            c[i] = readVarLong(in);
        }
        return c;
    }

    static void writeDoubles(DataOutput out, double[] d) throws IOException {
        writeVarLong(out, d.length);
        for (double x : d) {
            out.writeDouble(x);
        }
    }

    static double[] readDoubles(DataInput in) throws IOException {
        int n = length(in);
        if (n == 0) {
            return NO_DOUBLES; // shared: an empty array cannot change
        }
        double[] d = new double[n];
        for (int i = 0; i < d.length; i++) {
            d[i] = in.readDouble();
        }
        return d;
    }

    static void writeExp(DataOutput out, ExponentialBuckets b) throws IOException {
        writeSignedVarInt(out, b.scale);
        writeVarLong(out, b.zeroCount);
        writeSignedVarInt(out, b.positiveOffset);
        writeCounts(out, b.positive);
        writeSignedVarInt(out, b.negativeOffset);
        writeCounts(out, b.negative);
    }

    static ExponentialBuckets readExp(DataInput in) throws IOException {
        int scale = readSignedVarInt(in);
        long zero = readVarLong(in);
        int po = readSignedVarInt(in);
        long[] p = readCounts(in);
        int no = readSignedVarInt(in);
        long[] n = readCounts(in);
        return new ExponentialBuckets(scale, zero, po, p, no, n);
    }

    static void writeNullableString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullableString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static int length(DataInput in) throws IOException {
        long n = readVarLong(in);
        if (n < 0 || n > 1 << 20) {
            throw new IOException("implausible array length " + n + " in metrics state");
        }
        return (int) n;
    }
}
