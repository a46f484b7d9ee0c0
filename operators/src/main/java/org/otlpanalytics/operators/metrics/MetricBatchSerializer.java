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
 * waiting in {@link MetricDeltaConverter}'s state (so formats 1 and 2 are still read).
 *
 * <p>Format 3 writes a point's series part (tenant, resource, service, metric, kind, attributes,
 * labels hash: {@link MetricPointSerializer#writeIdentity}) once per series and batch, and every
 * further point of the series as a reference to it and its own times and values
 * ({@link MetricPointSerializer#writeValues}): a cumulative series sends several points per
 * batch, and writing, and reading, its strings and attributes again for each was most of what the
 * source thread and the converter spent on the shuffle. The points read back share their series'
 * strings and attribute arrays.
 */
public final class MetricBatchSerializer extends CodecSerializer<MetricBatch> {
    private static final long serialVersionUID = 1L;
    /** The type of batch streams (before and after the cumulative-to-delta conversion). */
    public static final TypeInformation<MetricBatch> TYPE = new SerializerTypeInfo<>(MetricBatch.class, new MetricBatchSerializer());
    /** 3: a point's series part once per series ({@link SeriesRefs}); 2 and 1 are still read. */
    private static final int VERSION = 3;
    /** 2: attribute sets repeated within the batch are referred to by index ({@link StringCodec}). */
    private static final int VERSION_ATTRIBUTE_SETS = 2;
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
        SeriesRefs series = b.points.isEmpty() ? null : new SeriesRefs();
        for (MetricPoint p : b.points) {
            int ref = series.find(p);
            if (ref >= 0) {
                VarInts.writeVarLong(out, ref + 1L);
            } else {
                VarInts.writeVarLong(out, 0);
                MetricPointSerializer.writeIdentity(p, out, strings);
                series.add(p);
            }
            MetricPointSerializer.writeValues(p, out);
        }
        VarInts.writeVarLong(out, b.partials.size());
        for (MetricPartial q : b.partials) {
            out.writeLong(q.minuteStartMillis);
            strings.writeNullable(out, q.serviceUrn, 3);
            strings.writeNullable(out, q.serviceName, 1);
            strings.writeNullable(out, q.serviceNamespace, 2);
            ACCUMULATORS.serialize(q.accumulator, out, strings);
        }
    }

    @Override
    protected MetricBatch read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION && version != VERSION_ATTRIBUTE_SETS && version != VERSION_STRING_ATTRIBUTES) {
            throw new IOException("unknown MetricBatch format version " + version);
        }
        StringCodec strings = version == VERSION_STRING_ATTRIBUTES ? StringCodec.legacyTable() : StringCodec.table();
        String tenant = strings.readNullable(in);
        String resource = strings.readNullable(in);
        int n = count(in);
        List<MetricPoint> points = new ArrayList<>(n);
        if (version == VERSION) {
            List<MetricPoint> series = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long ref = VarInts.readVarLong(in);
                MetricPoint p = new MetricPoint();
                if (ref == 0) {
                    MetricPointSerializer.readIdentity(in, strings, p);
                    series.add(p);
                } else if (ref < 0 || ref > series.size()) {
                    throw new IOException("series " + (ref - 1) + " of " + series.size() + " in a MetricBatch");
                } else {
                    MetricPointSerializer.copyIdentity(series.get((int) (ref - 1)), p);
                }
                MetricPointSerializer.readValues(in, p);
                points.add(p);
            }
        } else {
            for (int i = 0; i < n; i++) {
                points.add(MetricPointSerializer.read(in, strings));
            }
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

    /**
     * The series written so far in one batch, found again by metric name and labels hash through a
     * small direct-mapped table (a collision costs only a series part written again) and checked
     * field by field ({@link MetricPointSerializer#sameIdentity}).
     */
    static final class SeriesRefs {
        private static final int SLOTS = 256;
        private final int[] slots = new int[SLOTS];
        private final List<MetricPoint> written = new ArrayList<>();

        /** The index of {@code p}'s series if written before in this batch, else -1. */
        int find(MetricPoint p) {
            int i = slots[slot(p)] - 1;
            return i >= 0 && MetricPointSerializer.sameIdentity(written.get(i), p) ? i : -1;
        }

        /** Remembers {@code p}'s series as the next index. */
        void add(MetricPoint p) {
            written.add(p);
            slots[slot(p)] = written.size();
        }

        private static int slot(MetricPoint p) {
            int h = Long.hashCode(p.labelsHash) * 31 + (p.name == null ? 0 : p.name.hashCode());
            return (h ^ (h >>> 16)) & (SLOTS - 1);
        }
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
