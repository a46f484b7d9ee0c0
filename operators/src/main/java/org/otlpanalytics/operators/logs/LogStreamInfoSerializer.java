package org.otlpanalytics.operators.logs;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * Checkpoint form of a {@link LogStreamInfo}. Version 2 adds per-partition counts and over-cap
 * counts per pending second, the late records' match times and the last activity; version 1
 * (identity and records per pending second) is still read: its seconds get no per-partition counts,
 * so they take up to the cap from each partition again.
 */
public final class LogStreamInfoSerializer extends CodecSerializer<LogStreamInfo> {
    private static final long serialVersionUID = 1L;
    static final int VERSION_1 = 1;
    private static final int VERSION = 2;

    @Override
    public LogStreamInfo createInstance() {
        return new LogStreamInfo(null, null, null, null);
    }

    @Override
    protected void write(LogStreamInfo s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        writeNullableString(out, s.tenant);
        writeNullableString(out, s.serviceName);
        writeNullableString(out, s.serviceNamespace);
        writeNullableString(out, s.serviceUrn);
        out.writeInt(s.pending.size());
        for (Map.Entry<Long, LogStreamInfo.PendingSecond> e : s.pending.entrySet()) {
            out.writeLong(e.getKey());
            LogStreamInfo.PendingSecond p = e.getValue();
            out.writeInt(p.records);
            out.writeInt(p.partitions.length);
            for (int i = 0; i < p.partitions.length; i++) {
                out.writeInt(p.partitions[i]);
                out.writeInt(p.counts[i]);
            }
            out.writeBoolean(p.overCapStats != null);
            if (p.overCapStats != null) {
                out.writeLong(p.overCapTotal);
                out.writeLong(p.overCapErrors);
                p.overCapRange.write(out);
                LogMinerStateSerializer.writeStats(p.overCapStats, out);
            }
        }
        out.writeInt(s.late.size());
        for (Map.Entry<Long, Integer> e : s.late.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue());
        }
        out.writeLong(s.lastActivityMillis);
        out.writeLong(s.expiryTimerMillis);
    }

    @Override
    protected LogStreamInfo read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION && version != VERSION_1) {
            throw new IOException("unknown LogStreamInfo state version " + version);
        }
        String tenant = readNullableString(in);
        String name = readNullableString(in);
        String ns = readNullableString(in);
        String urn = readNullableString(in);
        int n = in.readInt();
        TreeMap<Long, LogStreamInfo.PendingSecond> pending = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long bucket = in.readLong();
            LogStreamInfo.PendingSecond p = new LogStreamInfo.PendingSecond();
            p.records = in.readInt();
            if (version == VERSION) {
                int parts = in.readInt();
                p.partitions = new int[parts];
                p.counts = new int[parts];
                for (int k = 0; k < parts; k++) {
                    p.partitions[k] = in.readInt();
                    p.counts[k] = in.readInt();
                }
                if (in.readBoolean()) {
                    p.overCapTotal = in.readLong();
                    p.overCapErrors = in.readLong();
                    p.overCapRange = KafkaRange.read(in);
                    p.overCapStats = LogMinerStateSerializer.readStats(in);
                }
            }
            pending.put(bucket, p);
        }
        TreeMap<Long, Integer> late = new TreeMap<>();
        LogStreamInfo s = new LogStreamInfo(tenant, name, ns, urn, pending, late);
        if (version == VERSION) {
            int m = in.readInt();
            for (int i = 0; i < m; i++) {
                late.put(in.readLong(), in.readInt());
            }
            s.lastActivityMillis = in.readLong();
            s.expiryTimerMillis = in.readLong();
        }
        return s;
    }

    @Override
    public TypeSerializerSnapshot<LogStreamInfo> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogStreamInfo> {
        public Snapshot() {
            super(LogStreamInfoSerializer::new);
        }
    }
}
