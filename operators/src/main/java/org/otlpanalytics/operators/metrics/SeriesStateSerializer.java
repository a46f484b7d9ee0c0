package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.otlpanalytics.schemas.metrics.MetricType;

/**
 * Checkpoint form of a {@link SeriesState}: a version byte, the type, start and last time, then
 * only the fields of that type, with counts as varints. Works on any {@link DataOutput}, so a
 * Flink {@code TypeSerializer} (e.g. a {@code CodecSerializer} subclass) can delegate to it with
 * {@code DataOutputView}/{@code DataInputView}. A cumulative sum takes about 27 bytes.
 */
public final class SeriesStateSerializer {
    static final int VERSION = 1;
    private static final MetricType[] TYPES = MetricType.values();

    public void serialize(SeriesState s, DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte(s.type == null ? -1 : s.type.ordinal());
        if (s.type == null) {
            return;
        }
        out.writeLong(s.startTimeNanos);
        out.writeLong(s.lastTimeNanos);
        switch (s.type) {
            case SUM:
                out.writeBoolean(s.valueIsInt);
                if (s.valueIsInt) {
                    out.writeLong(s.longValue);
                } else {
                    out.writeDouble(s.value);
                }
                break;
            case HISTOGRAM:
                writeCountSumMinMax(s, out);
                VarInts.writeDoubles(out, s.bounds);
                VarInts.writeCounts(out, s.buckets);
                break;
            case EXPONENTIAL_HISTOGRAM:
                writeCountSumMinMax(s, out);
                VarInts.writeExp(out, s.exp);
                break;
            case SUMMARY:
                writeCountSumMinMax(s, out);
                break;
            default:
                break;
        }
    }

    public SeriesState deserialize(DataInput in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown SeriesState version " + version);
        }
        SeriesState s = new SeriesState();
        int type = in.readByte();
        if (type < 0) {
            return s;
        }
        if (type >= TYPES.length) {
            throw new IOException("unknown metric type " + type + " in SeriesState");
        }
        s.type = TYPES[type];
        s.startTimeNanos = in.readLong();
        s.lastTimeNanos = in.readLong();
        switch (s.type) {
            case SUM:
                s.valueIsInt = in.readBoolean();
                if (s.valueIsInt) {
                    s.longValue = in.readLong();
                    s.value = s.longValue;
                } else {
                    s.value = in.readDouble();
                }
                break;
            case HISTOGRAM:
                readCountSumMinMax(s, in);
                s.bounds = VarInts.readDoubles(in);
                s.buckets = VarInts.readCounts(in);
                break;
            case EXPONENTIAL_HISTOGRAM:
                readCountSumMinMax(s, in);
                s.exp = VarInts.readExp(in);
                break;
            case SUMMARY:
                readCountSumMinMax(s, in);
                break;
            default:
                break;
        }
        return s;
    }

    /** A deep copy through the serialized form (what a Flink serializer's copy() needs). */
    public SeriesState copy(SeriesState s) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64);
            serialize(s, new java.io.DataOutputStream(bytes));
            return deserialize(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy series state", e);
        }
    }

    private static void writeCountSumMinMax(SeriesState s, DataOutput out) throws IOException {
        VarInts.writeVarLong(out, s.count);
        out.writeDouble(s.sum);
        out.writeDouble(s.min);
        out.writeDouble(s.max);
    }

    private static void readCountSumMinMax(SeriesState s, DataInput in) throws IOException {
        s.count = VarInts.readVarLong(in);
        s.sum = in.readDouble();
        s.min = in.readDouble();
        s.max = in.readDouble();
    }
}
