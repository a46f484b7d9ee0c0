package org.otlpanalytics.operators.topology;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Checkpoint form of a {@link TopologyState}. Layout, version 1: version byte; tenant, caller
 * URN/name/virtual, callee URN/name/virtual; the runs; the live window; the live runs; live
 * shown, next refresh, scheduled timer. Change it only with a new version and a reader for the old one.
 */
public final class TopologyStateSerializer extends CodecSerializer<TopologyState> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public TopologyState createInstance() {
        return new TopologyState(new EdgeRuns(), new LiveWindow(), new EdgeRuns());
    }

    @Override
    protected void write(TopologyState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        writeNullableString(out, s.tenant);
        writeNullableString(out, s.callerUrn);
        writeNullableString(out, s.callerName);
        out.writeBoolean(s.callerVirtual);
        writeNullableString(out, s.calleeUrn);
        writeNullableString(out, s.calleeName);
        out.writeBoolean(s.calleeVirtual);
        s.runs.write(out);
        s.live.write(out);
        s.liveRuns.write(out);
        out.writeBoolean(s.liveShown);
        out.writeLong(s.nextLiveRefresh);
        out.writeLong(s.scheduledTimer);
    }

    @Override
    protected TopologyState read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown TopologyState state version " + version);
        }
        String tenant = readNullableString(in);
        String callerUrn = readNullableString(in);
        String callerName = readNullableString(in);
        boolean callerVirtual = in.readBoolean();
        String calleeUrn = readNullableString(in);
        String calleeName = readNullableString(in);
        boolean calleeVirtual = in.readBoolean();
        TopologyState s = new TopologyState(EdgeRuns.read(in), LiveWindow.read(in), EdgeRuns.read(in));
        s.tenant = tenant;
        s.callerUrn = callerUrn;
        s.callerName = callerName;
        s.callerVirtual = callerVirtual;
        s.calleeUrn = calleeUrn;
        s.calleeName = calleeName;
        s.calleeVirtual = calleeVirtual;
        s.liveShown = in.readBoolean();
        s.nextLiveRefresh = in.readLong();
        s.scheduledTimer = in.readLong();
        return s;
    }

    @Override
    public TypeSerializerSnapshot<TopologyState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TopologyState> {
        public Snapshot() {
            super(TopologyStateSerializer::new);
        }
    }
}
