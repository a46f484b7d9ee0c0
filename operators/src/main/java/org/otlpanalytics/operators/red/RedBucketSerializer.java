package org.otlpanalytics.operators.red;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.KafkaRange;

/** Checkpoint form of a {@link RedBucket}: sketches in their standard binary form. */
public final class RedBucketSerializer extends CodecSerializer<RedBucket> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public RedBucket createInstance() {
        return new RedBucket();
    }

    @Override
    protected void write(RedBucket b, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(b.bucketStartMillis);
        writeNullableString(out, b.tenant);
        writeNullableString(out, b.serviceName);
        writeNullableString(out, b.serviceNamespace);
        writeNullableString(out, b.serviceUrn);
        out.writeBoolean(b.fired);
        out.writeLong(b.foldedSpans);
        out.writeInt(b.series.size());
        for (Map.Entry<RedBucket.SeriesKey, RedAccumulator> e : b.series.entrySet()) {
            out.writeUTF(e.getKey().operation);
            out.writeByte(e.getKey().kind);
            out.writeByte(e.getKey().status);
            e.getValue().write(out);
        }
        out.writeInt(b.admitted.size());
        for (Map.Entry<Long, String> e : b.admitted.entrySet()) {
            out.writeLong(e.getKey());
            out.writeUTF(e.getValue());
        }
        b.range.write(out);
    }

    @Override
    protected RedBucket read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown RedBucket state version " + version);
        }
        long start = in.readLong();
        String tenant = readNullableString(in);
        String name = readNullableString(in);
        String ns = readNullableString(in);
        String urn = readNullableString(in);
        boolean fired = in.readBoolean();
        long folded = in.readLong();
        int n = in.readInt();
        Map<RedBucket.SeriesKey, RedAccumulator> series = new HashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            String op = in.readUTF();
            int kind = in.readByte();
            int status = in.readByte();
            series.put(new RedBucket.SeriesKey(op, kind, status), RedAccumulator.read(in));
        }
        int m = in.readInt();
        TreeMap<Long, String> admitted = new TreeMap<>();
        for (int i = 0; i < m; i++) {
            admitted.put(in.readLong(), in.readUTF());
        }
        KafkaRange range = KafkaRange.read(in);
        RedBucket b = new RedBucket(series, admitted, range);
        b.bucketStartMillis = start;
        b.tenant = tenant;
        b.serviceName = name;
        b.serviceNamespace = ns;
        b.serviceUrn = urn;
        b.fired = fired;
        b.foldedSpans = folded;
        return b;
    }

    @Override
    public TypeSerializerSnapshot<RedBucket> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RedBucket> {
        public Snapshot() {
            super(RedBucketSerializer::new);
        }
    }
}
