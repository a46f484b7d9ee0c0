package org.otlpanalytics.operators.logs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Checkpoint form of a {@link LogMinerState}: the tree in {@link DrainTreeSerializer}'s format (which
 * keeps everything the next message depends on), then the dictionary entries in creation order.
 */
public final class LogMinerStateSerializer extends CodecSerializer<LogMinerState> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public LogMinerState createInstance() {
        return new LogMinerState(new DrainTree(DrainOptions.defaults(), "", ""));
    }

    @Override
    protected void write(LogMinerState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        DrainTreeSerializer.write(s.tree, out);
        out.writeInt(s.patterns.size());
        for (Map.Entry<Long, PatternStats> e : s.patterns.entrySet()) {
            out.writeLong(e.getKey());
            writeStats(e.getValue(), out);
        }
    }

    @Override
    protected LogMinerState read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown LogMinerState state version " + version);
        }
        DrainTree tree = DrainTreeSerializer.read(in);
        int n = in.readInt();
        LinkedHashMap<Long, PatternStats> patterns = new LinkedHashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            long id = in.readLong();
            PatternStats p = readStats(in);
            patterns.put(id, p);
        }
        return new LogMinerState(tree, patterns);
    }

    /** One dictionary entry (also used for the counts of unmined records in {@link LogStreamInfoSerializer}). */
    static void writeStats(PatternStats p, DataOutputView out) throws IOException {
        StringCodec.writeNullable(out, p.pattern);
        StringCodec.writeNullable(out, p.sample);
        out.writeLong(p.sampleTimeNanos);
        out.writeInt(p.samplePartition);
        out.writeLong(p.sampleOffset);
        out.writeByte(p.severityNumber);
        writeNullableString(out, p.severityText);
        out.writeLong(p.firstSeenMillis);
        out.writeLong(p.lastSeenMillis);
        out.writeInt(p.aliases.length);
        for (long a : p.aliases) {
            out.writeLong(a);
        }
        out.writeBoolean(p.dirty);
    }

    static PatternStats readStats(DataInputView in) throws IOException {
        PatternStats p = new PatternStats();
        p.pattern = StringCodec.readNullable(in);
        p.sample = StringCodec.readNullable(in);
        p.sampleTimeNanos = in.readLong();
        p.samplePartition = in.readInt();
        p.sampleOffset = in.readLong();
        p.severityNumber = in.readByte();
        p.severityText = readNullableString(in);
        p.firstSeenMillis = in.readLong();
        p.lastSeenMillis = in.readLong();
        long[] aliases = new long[in.readInt()];
        for (int k = 0; k < aliases.length; k++) {
            aliases[k] = in.readLong();
        }
        p.aliases = aliases;
        p.dirty = in.readBoolean();
        return p;
    }

    @Override
    public TypeSerializerSnapshot<LogMinerState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogMinerState> {
        public Snapshot() {
            super(LogMinerStateSerializer::new);
        }
    }
}
