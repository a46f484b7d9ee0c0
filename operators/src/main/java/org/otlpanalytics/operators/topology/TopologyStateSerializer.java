package org.otlpanalytics.operators.topology;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Checkpoint form of a {@link TopologyState}. Layout, version 2: version byte; tenant, caller
 * URN/name/virtual, callee URN/name/virtual; the runs; the live runs; live shown, next refresh,
 * scheduled timer; live slot count and last call. Version 1 had the whole live window between
 * the runs and the live runs (and no slot count); it is still read, into
 * {@link TopologyState#legacyLive}, which the tracker moves into its map state. Change the layout
 * only with a new version and a reader for the old ones.
 */
public final class TopologyStateSerializer extends CodecSerializer<TopologyState> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 2;
    private static final int VERSION_WHOLE_WINDOW = 1;

    @Override
    public TopologyState createInstance() {
        return new TopologyState(new EdgeRuns(), new EdgeRuns());
    }

    @Override
    protected void write(TopologyState s, DataOutputView out) throws IOException {
        // a value restored from version 1 and not yet migrated is written as it was read
        boolean legacy = s.legacyLive != null;
        out.writeByte(legacy ? VERSION_WHOLE_WINDOW : VERSION);
        writeNullableString(out, s.tenant);
        writeNullableString(out, s.callerUrn);
        writeNullableString(out, s.callerName);
        out.writeBoolean(s.callerVirtual);
        writeNullableString(out, s.calleeUrn);
        writeNullableString(out, s.calleeName);
        out.writeBoolean(s.calleeVirtual);
        s.runs.write(out);
        if (legacy) {
            s.legacyLive.write(out);
        }
        s.liveRuns.write(out);
        out.writeBoolean(s.liveShown);
        out.writeLong(s.nextLiveRefresh);
        out.writeLong(s.scheduledTimer);
        if (!legacy) {
            out.writeInt(s.liveSlots);
            out.writeLong(s.liveLastCall);
        }
    }

    @Override
    protected TopologyState read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION && version != VERSION_WHOLE_WINDOW) {
            throw new IOException("unknown TopologyState state version " + version);
        }
        String tenant = readNullableString(in);
        String callerUrn = readNullableString(in);
        String callerName = readNullableString(in);
        boolean callerVirtual = in.readBoolean();
        String calleeUrn = readNullableString(in);
        String calleeName = readNullableString(in);
        boolean calleeVirtual = in.readBoolean();
        EdgeRuns runs = EdgeRuns.read(in);
        LiveWindow legacy = version == VERSION_WHOLE_WINDOW ? LiveWindow.read(in) : null;
        TopologyState s = new TopologyState(runs, EdgeRuns.read(in));
        s.legacyLive = legacy;
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
        if (version == VERSION) {
            s.liveSlots = in.readInt();
            s.liveLastCall = in.readLong();
        }
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
