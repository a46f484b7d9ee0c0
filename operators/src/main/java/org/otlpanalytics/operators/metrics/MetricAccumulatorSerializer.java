package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSketchSortedView;
import org.apache.datasketches.memory.Memory;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.metrics.MetricType;

/**
 * Checkpoint form of a {@link MetricAccumulator}: the samples and summands themselves (the KLL
 * sketch is rebuilt from the samples when a row is made). Works on any
 * {@link DataOutput}/{@link DataInput}, so a Flink {@code TypeSerializer} (e.g. a
 * {@code CodecSerializer} subclass) can delegate to it.
 *
 * <p>Every value starts with its format version, and every earlier version is still read, so
 * state written by an older release restores (and is rewritten in the current form on its next
 * update):
 * <ul>
 *   <li>3 (current): explicit histogram buckets per layout ({@link MetricAccumulator.ExplicitLayout}).
 *   <li>2: one explicit layout (the first point's, others re-bucketed into it) and a count of
 *       re-bucketed points; read as that single layout.
 *   <li>1: running sums and the KLL sketch instead of the summands. The samples are taken back
 *       from the sketch (exactly while it holds fewer than k samples, as a minute of a series
 *       sending up to every second does; otherwise its retained items, each repeated by its
 *       weight), the sums become one summand each.
 * </ul>
 */
public final class MetricAccumulatorSerializer {
    static final int VERSION = 3;
    private static final MetricType[] TYPES = MetricType.values();
    private static final AggregateKind[] KINDS = AggregateKind.values();

    public void serialize(MetricAccumulator a, DataOutput out) throws IOException {
        serialize(a, out, StringCodec.PLAIN);
    }

    public MetricAccumulator deserialize(DataInput in) throws IOException {
        return deserialize(in, StringCodec.PLAIN);
    }

    /** Writes {@code a} with its strings through {@code strings} (plain for state, a table on the wire). */
    void serialize(MetricAccumulator a, DataOutput out, StringCodec strings) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(a.kllK);
        out.writeByte(a.kind == null ? -1 : a.kind.ordinal());
        a.range.write(out);
        out.writeLong(a.ignored);
        if (a.kind == null) {
            return;
        }
        // through the point fields' slots (same bytes): a batch's partials repeat the same tenant and
        // resource objects, found by identity instead of a hash lookup
        strings.writeNullable(out, a.tenant, 0);
        strings.writeNullable(out, a.resourceUrn, 5);
        strings.writeNullable(out, a.metric, 6);
        strings.writeNullable(out, a.unit, 7);
        out.writeByte(a.type.ordinal());
        out.writeLong(a.labelsHash);
        VarInts.writeVarLong(out, a.attributeKeys.length);
        for (int i = 0; i < a.attributeKeys.length; i++) {
            strings.write(out, a.attributeKeys[i]);
            strings.write(out, a.attributeValues[i]);
        }
        VarInts.writeVarLong(out, a.points);
        a.samples.write(out);
        out.writeDouble(a.sampleMin);
        out.writeDouble(a.sampleMax);
        out.writeDouble(a.last);
        out.writeLong(a.lastTimeNanos);
        a.deltas.write(out);
        out.writeLong(a.intervalNanos);
        VarInts.writeVarLong(out, a.count);
        a.sums.write(out);
        out.writeDouble(a.min);
        out.writeDouble(a.max);
        int layouts = a.layouts == null ? 0 : a.layouts.size();
        VarInts.writeVarLong(out, layouts);
        for (int i = 0; i < layouts; i++) {
            MetricAccumulator.ExplicitLayout l = a.layouts.get(i);
            VarInts.writeDoubles(out, l.bounds);
            VarInts.writeCounts(out, l.counts);
            VarInts.writeVarLong(out, l.points);
        }
        out.writeBoolean(a.exp != null);
        if (a.exp != null) {
            VarInts.writeExp(out, a.exp);
        }
        out.writeDouble(a.summaryP95);
        out.writeDouble(a.summaryMax);
    }

    MetricAccumulator deserialize(DataInput in, StringCodec strings) throws IOException {
        int version = in.readByte();
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown MetricAccumulator version " + version + " (this build reads 1 to " + VERSION + ")");
        }
        int k = in.readInt();
        int kind = in.readByte();
        MetricAccumulator a = new MetricAccumulator(k, KafkaRange.read(in));
        a.ignored = in.readLong();
        if (kind < 0) {
            return a;
        }
        if (kind >= KINDS.length) {
            throw new IOException("unknown aggregate kind " + kind + " in MetricAccumulator");
        }
        a.kind = KINDS[kind];
        a.tenant = strings.readNullable(in);
        a.resourceUrn = strings.readNullable(in);
        a.metric = strings.readNullable(in);
        a.unit = strings.readNullable(in);
        int type = in.readByte();
        if (type < 0 || type >= TYPES.length) {
            throw new IOException("unknown metric type " + type + " in MetricAccumulator");
        }
        a.type = TYPES[type];
        a.labelsHash = in.readLong();
        int n = (int) VarInts.readVarLong(in);
        if (n < 0 || n > 4096) {
            throw new IOException("implausible attribute count " + n + " in MetricAccumulator");
        }
        a.attributeKeys = new String[n];
        a.attributeValues = new String[n];
        for (int i = 0; i < n; i++) {
            a.attributeKeys[i] = strings.read(in);
            a.attributeValues[i] = strings.read(in);
        }
        a.points = VarInts.readVarLong(in);
        if (version == 1) {
            readVersion1Values(a, in);
            return a;
        }
        long rebucketed = version == 2 ? VarInts.readVarLong(in) : 0;
        a.samples = Summands.read(in);
        a.sampleMin = in.readDouble();
        a.sampleMax = in.readDouble();
        a.last = in.readDouble();
        a.lastTimeNanos = in.readLong();
        a.deltas = Summands.read(in);
        a.intervalNanos = in.readLong();
        a.count = VarInts.readVarLong(in);
        a.sums = Summands.read(in);
        a.min = in.readDouble();
        a.max = in.readDouble();
        if (version == 2) {
            readSingleLayout(a, in, a.points - rebucketed);
        } else {
            long layouts = VarInts.readVarLong(in);
            if (layouts < 0 || layouts > MetricAccumulator.MAX_LAYOUTS) {
                throw new IOException("implausible layout count " + layouts + " in MetricAccumulator");
            }
            if (layouts > 0) {
                a.layouts = new ArrayList<>((int) layouts);
                for (int i = 0; i < layouts; i++) {
                    a.layouts.add(new MetricAccumulator.ExplicitLayout(VarInts.readDoubles(in), VarInts.readCounts(in),
                            VarInts.readVarLong(in)));
                }
            }
        }
        readExpAndSummary(a, in);
        return a;
    }

    /** Version 1 after the identity: running sums and a KLL sketch (see the class comment). */
    private static void readVersion1Values(MetricAccumulator a, DataInput in) throws IOException {
        long rebucketed = VarInts.readVarLong(in);
        long samples = VarInts.readVarLong(in);
        in.readDouble(); // the running sample sum: recomputed from the samples, in ascending order
        a.sampleMin = in.readDouble();
        a.sampleMax = in.readDouble();
        a.last = in.readDouble();
        a.lastTimeNanos = in.readLong();
        if (in.readBoolean()) {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            a.samples = samplesOf(KllDoublesSketch.heapify(Memory.wrap(b)), samples);
        }
        double total = in.readDouble();
        double intervalSeconds = in.readDouble();
        if (a.kind == AggregateKind.RATE) {
            a.deltas.add(total);
            a.intervalNanos = Math.round(intervalSeconds * 1e9);
        }
        a.count = VarInts.readVarLong(in);
        double sum = in.readDouble();
        if (a.count > 0) {
            a.sums.add(sum);
        }
        a.min = in.readDouble();
        a.max = in.readDouble();
        readSingleLayout(a, in, a.points - rebucketed);
        readExpAndSummary(a, in);
    }

    /** The samples a version-1 sketch stands for: its items, each as often as its weight. */
    static Summands samplesOf(KllDoublesSketch kll, long expected) throws IOException {
        Summands s = new Summands();
        if (kll.isEmpty()) {
            return s;
        }
        if (kll.getN() != expected || expected > MetricAccumulator.MAX_POINTS) {
            throw new IOException("MetricAccumulator version 1: sketch of " + kll.getN() + " samples, expected " + expected);
        }
        DoublesSketchSortedView view = kll.getSortedView();
        double[] values = view.getQuantiles();
        long[] cumulative = view.getCumulativeWeights();
        long before = 0;
        for (int i = 0; i < values.length; i++) {
            for (long w = cumulative[i] - before; w > 0; w--) {
                s.add(values[i]);
            }
            before = cumulative[i];
        }
        return s;
    }

    private static void readSingleLayout(MetricAccumulator a, DataInput in, long points) throws IOException {
        if (in.readBoolean()) {
            double[] bounds = VarInts.readDoubles(in);
            long[] counts = VarInts.readCounts(in);
            if (counts.length > 0) {
                a.layouts = new ArrayList<>(1);
                a.layouts.add(new MetricAccumulator.ExplicitLayout(bounds, counts, Math.max(points, 0)));
            }
        }
    }

    private static void readExpAndSummary(MetricAccumulator a, DataInput in) throws IOException {
        if (in.readBoolean()) {
            a.exp = VarInts.readExp(in);
        }
        a.summaryP95 = in.readDouble();
        a.summaryMax = in.readDouble();
    }

    /** A deep copy through the serialized form. */
    public MetricAccumulator copy(MetricAccumulator a) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256);
            serialize(a, new java.io.DataOutputStream(bytes));
            return deserialize(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy metric accumulator", e);
        }
    }
}
