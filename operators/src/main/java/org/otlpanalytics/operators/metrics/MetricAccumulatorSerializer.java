package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.metrics.MetricType;

/**
 * Checkpoint form of a {@link MetricAccumulator}: the samples and summands themselves (the KLL
 * sketch is rebuilt from the samples when a row is made).
 * Works on any {@link DataOutput}/{@link DataInput}, so a Flink {@code TypeSerializer} (e.g. a
 * {@code CodecSerializer} subclass) can delegate to it.
 */
public final class MetricAccumulatorSerializer {
    static final int VERSION = 2;
    private static final MetricType[] TYPES = MetricType.values();
    private static final AggregateKind[] KINDS = AggregateKind.values();

    public void serialize(MetricAccumulator a, DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(a.kllK);
        out.writeByte(a.kind == null ? -1 : a.kind.ordinal());
        a.range.write(out);
        out.writeLong(a.ignored);
        if (a.kind == null) {
            return;
        }
        VarInts.writeNullableString(out, a.tenant);
        VarInts.writeNullableString(out, a.resourceUrn);
        VarInts.writeNullableString(out, a.metric);
        VarInts.writeNullableString(out, a.unit);
        out.writeByte(a.type.ordinal());
        out.writeLong(a.labelsHash);
        VarInts.writeVarLong(out, a.attributeKeys.length);
        for (int i = 0; i < a.attributeKeys.length; i++) {
            out.writeUTF(a.attributeKeys[i]);
            out.writeUTF(a.attributeValues[i]);
        }
        VarInts.writeVarLong(out, a.points);
        VarInts.writeVarLong(out, a.layoutMismatches);
        a.samples.write(out);
        out.writeDouble(a.sampleMin);
        out.writeDouble(a.sampleMax);
        out.writeDouble(a.last);
        out.writeLong(a.lastTimeNanos);
        a.deltas.write(out);
        out.writeLong(a.intervalNanos);
        VarInts.writeVarLong(out, a.count);
        a.sums.write(out);
        out.writeDouble(a.min);
        out.writeDouble(a.max);
        out.writeBoolean(a.bounds != null);
        if (a.bounds != null) {
            VarInts.writeDoubles(out, a.bounds);
            VarInts.writeCounts(out, a.buckets);
        }
        out.writeBoolean(a.exp != null);
        if (a.exp != null) {
            VarInts.writeExp(out, a.exp);
        }
        out.writeDouble(a.summaryP95);
        out.writeDouble(a.summaryMax);
    }

    public MetricAccumulator deserialize(DataInput in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown MetricAccumulator version " + version);
        }
        int k = in.readInt();
        int kind = in.readByte();
        MetricAccumulator a = new MetricAccumulator(k, KafkaRange.read(in));
        a.ignored = in.readLong();
        if (kind < 0) {
            return a;
        }
        if (kind >= KINDS.length) {
            throw new IOException("unknown aggregate kind " + kind + " in MetricAccumulator");
        }
        a.kind = KINDS[kind];
        a.tenant = VarInts.readNullableString(in);
        a.resourceUrn = VarInts.readNullableString(in);
        a.metric = VarInts.readNullableString(in);
        a.unit = VarInts.readNullableString(in);
        int type = in.readByte();
        if (type < 0 || type >= TYPES.length) {
            throw new IOException("unknown metric type " + type + " in MetricAccumulator");
        }
        a.type = TYPES[type];
        a.labelsHash = in.readLong();
        int n = (int) VarInts.readVarLong(in);
        if (n < 0 || n > 4096) {
            throw new IOException("implausible attribute count " + n + " in MetricAccumulator");
        }
        a.attributeKeys = new String[n];
        a.attributeValues = new String[n];
        for (int i = 0; i < n; i++) {
            a.attributeKeys[i] = in.readUTF();
            a.attributeValues[i] = in.readUTF();
        }
        a.points = VarInts.readVarLong(in);
        a.layoutMismatches = VarInts.readVarLong(in);
        a.samples = Summands.read(in);
        a.sampleMin = in.readDouble();
        a.sampleMax = in.readDouble();
        a.last = in.readDouble();
        a.lastTimeNanos = in.readLong();
        a.deltas = Summands.read(in);
        a.intervalNanos = in.readLong();
        a.count = VarInts.readVarLong(in);
        a.sums = Summands.read(in);
        a.min = in.readDouble();
        a.max = in.readDouble();
        if (in.readBoolean()) {
            a.bounds = VarInts.readDoubles(in);
            a.buckets = VarInts.readCounts(in);
        }
        if (in.readBoolean()) {
            a.exp = VarInts.readExp(in);
        }
        a.summaryP95 = in.readDouble();
        a.summaryMax = in.readDouble();
        return a;
    }

    /** A deep copy through the serialized form. */
    public MetricAccumulator copy(MetricAccumulator a) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256);
            serialize(a, new java.io.DataOutputStream(bytes));
            return deserialize(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy metric accumulator", e);
        }
    }
}
