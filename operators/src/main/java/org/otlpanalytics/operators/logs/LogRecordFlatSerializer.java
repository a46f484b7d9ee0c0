package org.otlpanalytics.operators.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.SerializerTypeInfo;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Wire form of a decoded {@link LogRecordFlat} on the logs shuffle (source → fingerprinter), instead
 * of Flink's reflective POJO serializer (which with its generic attribute maps cost about 40 % of the
 * source thread in the profile of {@code bench-logs}). Strings are length-prefixed UTF-8; the
 * resource identity (tenant, service, namespace, URN, host, severity text) repeats from record to
 * record, so each serializer instance (one per task thread: {@link #duplicate()} gives a fresh one)
 * remembers the last string read per field and returns that instance when the bytes are the same.
 *
 * <p>Layout, version 1: version byte; a null mask (one bit per nullable field); tenant, service name,
 * namespace, URN, host; time; severity number; severity text; body; trace id hi, lo; span id;
 * attribute maps (count, then key/value pairs); Kafka partition, offset, index in message. Change it
 * only with a new version number and a reader for the old one (unaligned checkpoints keep in-flight
 * records in this form).
 */
public final class LogRecordFlatSerializer extends CodecSerializer<LogRecordFlat> {
    private static final long serialVersionUID = 1L;
    /** The type of decoded log record streams. */
    public static final TypeInformation<LogRecordFlat> TYPE = new SerializerTypeInfo<>(LogRecordFlat.class, new LogRecordFlatSerializer());
    private static final int VERSION = 1;
    private static final int REPEATED_FIELDS = 6;

    /** The last string read per repeating field, and its bytes; per instance, so per thread. */
    private transient String[] lastStrings;
    private transient byte[][] lastBytes;
    private transient byte[] buffer;

    @Override
    public TypeSerializer<LogRecordFlat> duplicate() {
        return new LogRecordFlatSerializer();
    }

    @Override
    public LogRecordFlat createInstance() {
        return new LogRecordFlat();
    }

    @Override
    public LogRecordFlat copy(LogRecordFlat from) {
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = from.tenant;
        r.serviceName = from.serviceName;
        r.serviceNamespace = from.serviceNamespace;
        r.serviceUrn = from.serviceUrn;
        r.hostName = from.hostName;
        r.timeNanos = from.timeNanos;
        r.severityNumber = from.severityNumber;
        r.severityText = from.severityText;
        r.body = from.body;
        r.traceIdHi = from.traceIdHi;
        r.traceIdLo = from.traceIdLo;
        r.spanId = from.spanId;
        r.attributes = from.attributes == null ? null : new LinkedHashMap<>(from.attributes);
        r.resourceAttributes = from.resourceAttributes == null ? null : new LinkedHashMap<>(from.resourceAttributes);
        r.kafkaPartition = from.kafkaPartition;
        r.kafkaOffset = from.kafkaOffset;
        r.indexInMessage = from.indexInMessage;
        return r;
    }

    @Override
    protected void write(LogRecordFlat r, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        int nulls = (r.tenant == null ? 1 : 0) | (r.serviceName == null ? 2 : 0) | (r.serviceNamespace == null ? 4 : 0)
                | (r.serviceUrn == null ? 8 : 0) | (r.hostName == null ? 16 : 0) | (r.severityText == null ? 32 : 0)
                | (r.body == null ? 64 : 0) | (r.attributes == null ? 128 : 0) | (r.resourceAttributes == null ? 256 : 0);
        out.writeShort(nulls);
        writeString(out, r.tenant);
        writeString(out, r.serviceName);
        writeString(out, r.serviceNamespace);
        writeString(out, r.serviceUrn);
        writeString(out, r.hostName);
        out.writeLong(r.timeNanos);
        out.writeInt(r.severityNumber);
        writeString(out, r.severityText);
        writeString(out, r.body);
        out.writeLong(r.traceIdHi);
        out.writeLong(r.traceIdLo);
        out.writeLong(r.spanId);
        writeMap(out, r.attributes);
        writeMap(out, r.resourceAttributes);
        out.writeInt(r.kafkaPartition);
        out.writeLong(r.kafkaOffset);
        out.writeInt(r.indexInMessage);
    }

    @Override
    protected LogRecordFlat read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown LogRecordFlat wire version " + version);
        }
        int nulls = in.readUnsignedShort();
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = (nulls & 1) != 0 ? null : readRepeated(in, 0);
        r.serviceName = (nulls & 2) != 0 ? null : readRepeated(in, 1);
        r.serviceNamespace = (nulls & 4) != 0 ? null : readRepeated(in, 2);
        r.serviceUrn = (nulls & 8) != 0 ? null : readRepeated(in, 3);
        r.hostName = (nulls & 16) != 0 ? null : readRepeated(in, 4);
        r.timeNanos = in.readLong();
        r.severityNumber = in.readInt();
        r.severityText = (nulls & 32) != 0 ? null : readRepeated(in, 5);
        r.body = (nulls & 64) != 0 ? null : readString(in);
        r.traceIdHi = in.readLong();
        r.traceIdLo = in.readLong();
        r.spanId = in.readLong();
        r.attributes = (nulls & 128) != 0 ? null : readMap(in);
        r.resourceAttributes = (nulls & 256) != 0 ? null : readMap(in);
        r.kafkaPartition = in.readInt();
        r.kafkaOffset = in.readLong();
        r.indexInMessage = in.readInt();
        return r;
    }

    private static void writeString(DataOutputView out, String s) throws IOException {
        if (s != null) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static String readString(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A string of a field that mostly repeats: the previous instance when the bytes are the same. */
    private String readRepeated(DataInputView in, int field) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative string length " + n);
        }
        if (lastStrings == null) {
            lastStrings = new String[REPEATED_FIELDS];
            lastBytes = new byte[REPEATED_FIELDS][];
            buffer = new byte[256];
        }
        if (buffer.length < n) {
            buffer = new byte[Math.max(n, buffer.length * 2)];
        }
        in.readFully(buffer, 0, n);
        byte[] last = lastBytes[field];
        if (last != null && last.length == n && Arrays.equals(last, 0, n, buffer, 0, n)) {
            return lastStrings[field];
        }
        byte[] copy = Arrays.copyOf(buffer, n);
        String s = new String(copy, StandardCharsets.UTF_8);
        lastBytes[field] = copy;
        lastStrings[field] = s;
        return s;
    }

    private static void writeMap(DataOutputView out, Map<String, String> m) throws IOException {
        if (m == null) {
            return;
        }
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            out.writeBoolean(e.getKey() != null);
            writeString(out, e.getKey());
            out.writeBoolean(e.getValue() != null);
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative map size " + n);
        }
        Map<String, String> m = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            String k = in.readBoolean() ? readString(in) : null;
            String v = in.readBoolean() ? readString(in) : null;
            m.put(k, v);
        }
        return m;
    }

    @Override
    public TypeSerializerSnapshot<LogRecordFlat> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogRecordFlat> {
        public Snapshot() {
            super(LogRecordFlatSerializer::new);
        }
    }
}
