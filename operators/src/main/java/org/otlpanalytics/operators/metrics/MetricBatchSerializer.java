package org.otlpanalytics.operators.metrics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.SerializerTypeInfo;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Wire form of a {@link MetricBatch}: a version, then points in {@link MetricPointSerializer}'s
 * layout and partials in {@link MetricAccumulatorSerializer}'s, all strings through one
 * {@link StringCodec#table() string table} per batch, so the tenant, resource, service, metric
 * names and attribute keys repeated by every point are written once, and a point's attribute set
 * seen earlier in the batch is an index. Used for the shuffle by resource and for the points
 * waiting in {@link MetricDeltaConverter}'s state (so format 1 is still read).
 */
public final class MetricBatchSerializer extends CodecSerializer<MetricBatch> {
    private static final long serialVersionUID = 1L;
    /** The type of batch streams (before and after the cumulative-to-delta conversion). */
    public static final TypeInformation<MetricBatch> TYPE = new SerializerTypeInfo<>(MetricBatch.class, new MetricBatchSerializer());
    /** 2: attribute sets repeated within the batch are referred to by index ({@link StringCodec}); 1 is still read. */
    private static final int VERSION = 2;
    private static final int VERSION_STRING_ATTRIBUTES = 1;
    private static final int MAX_ELEMENTS = 1 << 24;
    private static final MetricAccumulatorSerializer ACCUMULATORS = new MetricAccumulatorSerializer();

    @Override
    public MetricBatch createInstance() {
        return new MetricBatch();
    }

    @Override
    protected void write(MetricBatch b, DataOutputView out) throws IOException {
        StringCodec strings = StringCodec.table();
        out.writeByte(VERSION);
        strings.writeNullable(out, b.tenant);
        strings.writeNullable(out, b.resourceUrn);
        VarInts.writeVarLong(out, b.points.size());
        for (MetricPoint p : b.points) {
            MetricPointSerializer.write(p, out, strings);
        }
        VarInts.writeVarLong(out, b.partials.size());
        for (MetricPartial q : b.partials) {
            out.writeLong(q.minuteStartMillis);
            strings.writeNullable(out, q.serviceUrn);
            strings.writeNullable(out, q.serviceName);
            strings.writeNullable(out, q.serviceNamespace);
            ACCUMULATORS.serialize(q.accumulator, out, strings);
        }
    }

    @Override
    protected MetricBatch read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION && version != VERSION_STRING_ATTRIBUTES) {
            throw new IOException("unknown MetricBatch format version " + version);
        }
        StringCodec strings = version == VERSION ? StringCodec.table() : StringCodec.legacyTable();
        String tenant = strings.readNullable(in);
        String resource = strings.readNullable(in);
        int n = count(in);
        List<MetricPoint> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            points.add(MetricPointSerializer.read(in, strings));
        }
        int m = count(in);
        List<MetricPartial> partials = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            MetricPartial q = new MetricPartial();
            q.minuteStartMillis = in.readLong();
            q.serviceUrn = strings.readNullable(in);
            q.serviceName = strings.readNullable(in);
            q.serviceNamespace = strings.readNullable(in);
            q.accumulator = ACCUMULATORS.deserialize(in, strings);
            partials.add(q);
        }
        return new MetricBatch(tenant, resource, points, partials);
    }

    private static int count(DataInputView in) throws IOException {
        long n = VarInts.readVarLong(in);
        if (n < 0 || n > MAX_ELEMENTS) {
            throw new IOException("implausible element count " + n + " in a MetricBatch");
        }
        return (int) n;
    }

    @Override
    public TypeSerializerSnapshot<MetricBatch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MetricBatch> {
        public Snapshot() {
            super(MetricBatchSerializer::new);
        }
    }
}
