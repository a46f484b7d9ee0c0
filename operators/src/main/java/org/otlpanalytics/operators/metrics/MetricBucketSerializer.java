package org.otlpanalytics.operators.metrics;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.KafkaRange;

/** Checkpoint form of a {@link MetricBucket}; accumulators in {@link MetricAccumulatorSerializer}'s format. */
public final class MetricBucketSerializer extends CodecSerializer<MetricBucket> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final MetricAccumulatorSerializer ACCUMULATORS = new MetricAccumulatorSerializer();

    @Override
    public MetricBucket createInstance() {
        return new MetricBucket();
    }

    @Override
    protected void write(MetricBucket b, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(b.bucketStartMillis);
        writeNullableString(out, b.tenant);
        writeNullableString(out, b.resourceUrn);
        writeNullableString(out, b.serviceUrn);
        writeNullableString(out, b.serviceName);
        writeNullableString(out, b.serviceNamespace);
        out.writeBoolean(b.fired);
        out.writeInt(b.series.size());
        for (Map.Entry<String, MetricAccumulator> e : b.series.entrySet()) {
            out.writeUTF(e.getKey());
            ACCUMULATORS.serialize(e.getValue(), out);
        }
        out.writeInt(b.admitted.size());
        for (Map.Entry<Long, String> e : b.admitted.entrySet()) {
            out.writeLong(e.getKey());
            out.writeUTF(e.getValue());
        }
        b.range.write(out);
    }

    @Override
    protected MetricBucket read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown MetricBucket state version " + version);
        }
        long start = in.readLong();
        String tenant = readNullableString(in);
        String resource = readNullableString(in);
        String serviceUrn = readNullableString(in);
        String serviceName = readNullableString(in);
        String serviceNamespace = readNullableString(in);
        boolean fired = in.readBoolean();
        int n = in.readInt();
        TreeMap<String, MetricAccumulator> series = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String key = in.readUTF();
            series.put(key, ACCUMULATORS.deserialize(in));
        }
        int m = in.readInt();
        TreeMap<Long, String> admitted = new TreeMap<>();
        for (int i = 0; i < m; i++) {
            admitted.put(in.readLong(), in.readUTF());
        }
        MetricBucket b = new MetricBucket(series, admitted, KafkaRange.read(in));
        b.bucketStartMillis = start;
        b.tenant = tenant;
        b.resourceUrn = resource;
        b.serviceUrn = serviceUrn;
        b.serviceName = serviceName;
        b.serviceNamespace = serviceNamespace;
        b.fired = fired;
        return b;
    }

    @Override
    public TypeSerializerSnapshot<MetricBucket> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MetricBucket> {
        public Snapshot() {
            super(MetricBucketSerializer::new);
        }
    }
}
