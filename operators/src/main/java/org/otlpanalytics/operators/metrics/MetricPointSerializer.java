package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.schemas.metrics.Temporality;

/**
 * Compact serializer of {@link MetricPoint} for the shuffle by resource and the points waiting
 * for the watermark: every field, written directly (arrays as varint-counted runs). Flink's POJO
 * serializer, which sets 40 fields by reflection, was the largest single cost of the metrics
 * pipeline in the benchmark's profile.
 */
public final class MetricPointSerializer extends CodecSerializer<MetricPoint> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final MetricType[] TYPES = MetricType.values();
    private static final Temporality[] TEMPORALITIES = Temporality.values();

    @Override
    public MetricPoint createInstance() {
        return new MetricPoint();
    }

    @Override
    public MetricPoint copy(MetricPoint from) {
        return from.copy();
    }

    @Override
    protected void write(MetricPoint p, DataOutputView out) throws IOException {
        write(p, out, StringCodec.PLAIN);
    }

    @Override
    protected MetricPoint read(DataInputView in) throws IOException {
        return read(in, StringCodec.PLAIN);
    }

    /** Writes {@code p} with its strings through {@code strings} (plain for state, a table on the wire). */
    static void write(MetricPoint p, DataOutput out, StringCodec strings) throws IOException {
        out.writeByte(VERSION);
        writeIdentity(p, out, strings);
        writeValues(p, out);
    }

    /** The series part of a point (resource, metric, kind, attributes, labels hash): the first half of format 1. */
    static void writeIdentity(MetricPoint p, DataOutput out, StringCodec strings) throws IOException {
        strings.writeNullable(out, p.tenant, 0);
        strings.writeNullable(out, p.serviceName, 1);
        strings.writeNullable(out, p.serviceNamespace, 2);
        strings.writeNullable(out, p.serviceUrn, 3);
        strings.writeNullable(out, p.hostName, 4);
        strings.writeNullable(out, p.resourceUrn, 5);
        strings.writeNullable(out, p.name, 6);
        strings.writeNullable(out, p.unit, 7);
        out.writeByte(p.type == null ? -1 : p.type.ordinal());
        out.writeByte(p.temporality == null ? -1 : p.temporality.ordinal());
        out.writeBoolean(p.monotonic);
        strings.writeAttributes(out, p);
        VarInts.writeVarLong(out, p.attributesDropped);
        out.writeLong(p.labelsHash);
    }

    /** The point's own part (times, values, Kafka position): the second half of format 1. */
    static void writeValues(MetricPoint p, DataOutput out) throws IOException {
        out.writeLong(p.startTimeNanos);
        out.writeLong(p.timeNanos);
        out.writeDouble(p.value);
        out.writeBoolean(p.valueIsInt);
        out.writeLong(p.longValue);
        VarInts.writeVarLong(out, p.count);
        out.writeDouble(p.sum);
        out.writeDouble(p.min);
        out.writeDouble(p.max);
        VarInts.writeDoubles(out, p.explicitBounds);
        VarInts.writeCounts(out, p.bucketCounts);
        VarInts.writeSignedVarInt(out, p.scale);
        VarInts.writeVarLong(out, p.zeroCount);
        out.writeDouble(p.zeroThreshold);
        VarInts.writeSignedVarInt(out, p.positiveOffset);
        VarInts.writeCounts(out, p.positiveBucketCounts);
        VarInts.writeSignedVarInt(out, p.negativeOffset);
        VarInts.writeCounts(out, p.negativeBucketCounts);
        VarInts.writeDoubles(out, p.quantiles);
        VarInts.writeDoubles(out, p.quantileValues);
        VarInts.writeVarLong(out, p.kafkaPartition);
        out.writeLong(p.kafkaOffset);
    }

    static MetricPoint read(DataInput in, StringCodec strings) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown MetricPoint format version " + version);
        }
        MetricPoint p = new MetricPoint();
        readIdentity(in, strings, p);
        readValues(in, p);
        return p;
    }

    /** Reads what {@link #writeIdentity} wrote into {@code p}. */
    static void readIdentity(DataInput in, StringCodec strings, MetricPoint p) throws IOException {
        p.tenant = strings.readNullable(in);
        p.serviceName = strings.readNullable(in);
        p.serviceNamespace = strings.readNullable(in);
        p.serviceUrn = strings.readNullable(in);
        p.hostName = strings.readNullable(in);
        p.resourceUrn = strings.readNullable(in);
        p.name = strings.readNullable(in);
        p.unit = strings.readNullable(in);
        int type = in.readByte();
        p.type = type < 0 ? null : TYPES[type];
        int temporality = in.readByte();
        p.temporality = temporality < 0 ? null : TEMPORALITIES[temporality];
        p.monotonic = in.readBoolean();
        strings.readAttributes(in, p);
        p.attributesDropped = (int) VarInts.readVarLong(in);
        p.labelsHash = in.readLong();
    }

    /** Reads what {@link #writeValues} wrote into {@code p}. */
    static void readValues(DataInput in, MetricPoint p) throws IOException {
        p.startTimeNanos = in.readLong();
        p.timeNanos = in.readLong();
        p.value = in.readDouble();
        p.valueIsInt = in.readBoolean();
        p.longValue = in.readLong();
        p.count = VarInts.readVarLong(in);
        p.sum = in.readDouble();
        p.min = in.readDouble();
        p.max = in.readDouble();
        p.explicitBounds = VarInts.readDoubles(in);
        p.bucketCounts = VarInts.readCounts(in);
        p.scale = VarInts.readSignedVarInt(in);
        p.zeroCount = VarInts.readVarLong(in);
        p.zeroThreshold = in.readDouble();
        p.positiveOffset = VarInts.readSignedVarInt(in);
        p.positiveBucketCounts = VarInts.readCounts(in);
        p.negativeOffset = VarInts.readSignedVarInt(in);
        p.negativeBucketCounts = VarInts.readCounts(in);
        p.quantiles = VarInts.readDoubles(in);
        p.quantileValues = VarInts.readDoubles(in);
        p.kafkaPartition = (int) VarInts.readVarLong(in);
        p.kafkaOffset = in.readLong();
    }

    /** Whether {@code a} and {@code b} have the same {@link #writeIdentity series part}, field for field. */
    static boolean sameIdentity(MetricPoint a, MetricPoint b) {
        return a.labelsHash == b.labelsHash && a.type == b.type && a.temporality == b.temporality
                && a.monotonic == b.monotonic && a.attributesDropped == b.attributesDropped
                && Objects.equals(a.name, b.name) && Objects.equals(a.resourceUrn, b.resourceUrn)
                && Objects.equals(a.tenant, b.tenant) && Objects.equals(a.serviceUrn, b.serviceUrn)
                && Objects.equals(a.serviceName, b.serviceName) && Objects.equals(a.serviceNamespace, b.serviceNamespace)
                && Objects.equals(a.hostName, b.hostName) && Objects.equals(a.unit, b.unit)
                && Arrays.equals(a.attributeKeys, b.attributeKeys) && Arrays.equals(a.attributeValues, b.attributeValues);
    }

    /** Sets {@code p}'s series part to {@code template}'s (strings and attribute arrays shared: never modified in place). */
    static void copyIdentity(MetricPoint template, MetricPoint p) {
        p.tenant = template.tenant;
        p.serviceName = template.serviceName;
        p.serviceNamespace = template.serviceNamespace;
        p.serviceUrn = template.serviceUrn;
        p.hostName = template.hostName;
        p.resourceUrn = template.resourceUrn;
        p.name = template.name;
        p.unit = template.unit;
        p.type = template.type;
        p.temporality = template.temporality;
        p.monotonic = template.monotonic;
        p.attributeKeys = template.attributeKeys;
        p.attributeValues = template.attributeValues;
        p.attributesDropped = template.attributesDropped;
        p.labelsHash = template.labelsHash;
    }

    @Override
    public TypeSerializerSnapshot<MetricPoint> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MetricPoint> {
        public Snapshot() {
            super(MetricPointSerializer::new);
        }
    }
}
