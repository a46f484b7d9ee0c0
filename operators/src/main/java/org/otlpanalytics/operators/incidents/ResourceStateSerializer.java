package org.otlpanalytics.operators.incidents;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/** Checkpoint form of a {@link ResourceState}; the format version is the first byte of every value. */
public final class ResourceStateSerializer extends CodecSerializer<ResourceState> {
    private static final long serialVersionUID = 1L;
    static final int VERSION = 1;

    @Override
    public ResourceState createInstance() {
        return new ResourceState();
    }

    @Override
    protected void write(ResourceState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        writeNullableString(out, s.tenant);
        writeNullableString(out, s.urn);
        writeNullableString(out, s.name);
        out.writeLong(s.lastMinute);
        out.writeLong(s.lastUseMinute);
        for (SignalDetector d : new SignalDetector[] {s.rate, s.errors, s.latency, s.utilization, s.saturation}) {
            writeDetector(out, d);
        }
        out.writeInt(s.callees.size());
        for (Map.Entry<String, ResourceState.EdgeTrack> e : s.callees.entrySet()) {
            out.writeUTF(e.getKey());
            writeNullableString(out, e.getValue().name);
            out.writeLong(e.getValue().lastBucket);
            writeDetector(out, e.getValue().errors);
            writeDetector(out, e.getValue().latency);
        }
        out.writeInt(s.patterns.size());
        for (Map.Entry<Long, ResourceState.PatternTrack> e : s.patterns.entrySet()) {
            out.writeLong(e.getKey());
            out.writeLong(e.getValue().lastWindow);
            writeBaseline(out, e.getValue().errors);
        }
        out.writeInt(s.recent.size());
        for (ResourceState.MinuteRefs m : s.recent) {
            out.writeLong(m.minute);
            out.writeLong(m.locatorId);
            out.writeInt(m.rows.size());
            for (String r : m.rows) {
                out.writeUTF(r);
            }
        }
        out.writeInt(s.episodes.size());
        for (Map.Entry<String, ResourceState.Episode> e : s.episodes.entrySet()) {
            out.writeUTF(e.getKey());
            ResourceState.Episode x = e.getValue();
            out.writeLong(x.eventId);
            out.writeLong(x.opened);
            out.writeLong(x.closed);
            out.writeDouble(x.culpritScore);
            writeNullableString(out, x.culprit);
        }
    }

    @Override
    protected ResourceState read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown incident detector state version " + version + " (this build reads " + VERSION + ")");
        }
        String tenant = readNullableString(in);
        String urn = readNullableString(in);
        String name = readNullableString(in);
        long lastMinute = in.readLong();
        long lastUse = in.readLong();
        SignalDetector[] d = new SignalDetector[5];
        for (int i = 0; i < d.length; i++) {
            d[i] = readDetector(in);
        }
        TreeMap<String, ResourceState.EdgeTrack> callees = new TreeMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String k = in.readUTF();
            String nm = readNullableString(in);
            long last = in.readLong();
            ResourceState.EdgeTrack t = new ResourceState.EdgeTrack(readDetector(in), readDetector(in));
            t.name = nm;
            t.lastBucket = last;
            callees.put(k, t);
        }
        TreeMap<Long, ResourceState.PatternTrack> patterns = new TreeMap<>();
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            long fp = in.readLong();
            long last = in.readLong();
            ResourceState.PatternTrack t = new ResourceState.PatternTrack(readBaseline(in));
            t.lastWindow = last;
            patterns.put(fp, t);
        }
        ArrayDeque<ResourceState.MinuteRefs> recent = new ArrayDeque<>();
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            long minute = in.readLong();
            long locator = in.readLong();
            int m = in.readInt();
            List<String> rows = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                rows.add(in.readUTF());
            }
            recent.add(new ResourceState.MinuteRefs(minute, locator, rows));
        }
        TreeMap<String, ResourceState.Episode> episodes = new TreeMap<>();
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            String k = in.readUTF();
            ResourceState.Episode x = new ResourceState.Episode();
            x.eventId = in.readLong();
            x.opened = in.readLong();
            x.closed = in.readLong();
            x.culpritScore = in.readDouble();
            x.culprit = readNullableString(in);
            episodes.put(k, x);
        }
        ResourceState s = new ResourceState(d[0], d[1], d[2], d[3], d[4], callees, patterns, recent, episodes);
        s.tenant = tenant;
        s.urn = urn;
        s.name = name;
        s.lastMinute = lastMinute;
        s.lastUseMinute = lastUse;
        return s;
    }

    static void writeBaseline(DataOutputView out, EwmaBaseline b) throws IOException {
        out.writeDouble(b.mean());
        out.writeDouble(b.deviation());
        out.writeLong(b.samples());
    }

    static EwmaBaseline readBaseline(DataInputView in) throws IOException {
        return new EwmaBaseline(in.readDouble(), in.readDouble(), in.readLong());
    }

    static void writeDetector(DataOutputView out, SignalDetector d) throws IOException {
        writeBaseline(out, d.baseline);
        out.writeLong(d.history);
        out.writeInt(d.quiet);
        out.writeBoolean(d.open);
        out.writeLong(d.openedAt);
        out.writeLong(d.lastBreachAt);
        out.writeDouble(d.peakValue);
        out.writeDouble(d.peakBaseline);
        out.writeDouble(d.peakScore);
        out.writeLong(d.steps);
        out.writeInt(d.pendingValues.length);
        for (int i = 0; i < d.pendingValues.length; i++) {
            out.writeDouble(d.pendingValues[i]);
            out.writeLong(d.pendingSteps[i]);
        }
    }

    static SignalDetector readDetector(DataInputView in) throws IOException {
        SignalDetector d = new SignalDetector(readBaseline(in));
        d.history = in.readLong();
        d.quiet = in.readInt();
        d.open = in.readBoolean();
        d.openedAt = in.readLong();
        d.lastBreachAt = in.readLong();
        d.peakValue = in.readDouble();
        d.peakBaseline = in.readDouble();
        d.peakScore = in.readDouble();
        d.steps = in.readLong();
        int n = in.readInt();
        d.pendingValues = new double[n];
        d.pendingSteps = new long[n];
        for (int i = 0; i < n; i++) {
            d.pendingValues[i] = in.readDouble();
            d.pendingSteps[i] = in.readLong();
        }
        return d;
    }

    @Override
    public TypeSerializerSnapshot<ResourceState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ResourceState> {
        public Snapshot() {
            super(ResourceStateSerializer::new);
        }
    }
}
