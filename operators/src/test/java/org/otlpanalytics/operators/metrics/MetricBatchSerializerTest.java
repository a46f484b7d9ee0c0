package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

/** The wire form of batches and the state form of minute windows. */
class MetricBatchSerializerTest {
    private static final java.util.function.BiPredicate<Double, Double> BITS = (a, b) -> Double.compare(a, b) == 0;

    static MetricBatch batch() {
        MetricBatch b = new MetricBatch("acme", "urn:svc:shop/checkout");
        for (int i = 0; i < 20; i++) {
            b.points.add(Points.offset(Points.with(Points.counter(-10, 20 + i, 7 + i), "cpu", "cpu" + i % 4, "state", "user"), 2, 99 + i));
        }
        b.points.add(Points.exponential(Temporality.CUMULATIVE, 0, 30, -2, 1, -3, new long[] {1, 2}, 2, new long[] {4}, -10, -6, 1));
        MetricPoint odd = new MetricPoint();
        odd.name = "\u0000 odd \uD83D\uDE00";
        b.points.add(odd);
        MetricPartial q = new MetricPartial(120_000, new MetricAccumulator(64));
        q.accumulator.add(Points.with(Points.histogram(Temporality.DELTA, 0, 30, new double[] {1, 2}, new long[] {1, 2, 3}, 9, 0.5, 3), "route", "/a"));
        q.accumulator.add(Points.with(Points.histogram(Temporality.DELTA, 30, 60, new double[] {1}, new long[] {4, 0}, 2, 0.5, 0.5), "route", "/a"));
        q.observeService("urn:svc:shop/checkout", "checkout", "shop");
        MetricPartial g = new MetricPartial(120_000, new MetricAccumulator());
        g.accumulator.add(Points.gauge("system.cpu.utilization", 1, 0.25));
        b.partials.add(q);
        b.partials.add(g);
        return b;
    }

    @Test
    void batchesRoundTripWithEveryPointAndPartial() throws Exception {
        MetricBatchSerializer ser = new MetricBatchSerializer();
        MetricBatch b = batch();
        DataOutputSerializer out = new DataOutputSerializer(256);
        ser.serialize(b, out);
        MetricBatch back = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.tenant).isEqualTo(b.tenant);
        assertThat(back.resourceKey()).isEqualTo(b.resourceKey());
        assertThat(back.points).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(b.points);
        assertThat(back.partials).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(back.partials.get(i)).usingRecursiveComparison().withEqualsForType(BITS, Double.class)
                    .ignoringFields("accumulator").isEqualTo(b.partials.get(i));
            assertThat(back.partials.get(i).accumulator.toRow(0)).usingRecursiveComparison()
                    .isEqualTo(b.partials.get(i).accumulator.toRow(0));
        }
    }

    /** Strings every point repeats are written once per batch (the shuffle's main cost when sent per point). */
    @Test
    void repeatedStringsAreWrittenOncePerBatch() throws Exception {
        MetricBatch b = new MetricBatch("acme", "urn:svc:shop/checkout");
        b.points.addAll(batch().points.subList(0, 20));
        DataOutputSerializer out = new DataOutputSerializer(256);
        new MetricBatchSerializer().serialize(b, out);
        String bytes = new String(out.getCopyOfBuffer(), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String s : List.of("urn:svc:shop/checkout", "http.requests", "state", "user", "cpu1")) {
            assertThat(bytes.split(java.util.regex.Pattern.quote(s), -1)).as(s).hasSize(2);
        }
    }

    /** A point's attribute set seen before in the batch is an index: its strings once, the arrays shared on reading. */
    @Test
    void repeatedAttributeSetsAreReferencedAndSharedWhenRead() throws Exception {
        MetricBatch b = new MetricBatch("acme", "urn:host:h1");
        for (int i = 0; i < 40; i++) {
            // fresh strings for every point, as the decoder gives them
            b.points.add(Points.with(Points.counter(0, 10 + i, i), new String("cpu"), "cpu" + i % 4, new String("state"), "user"));
        }
        DataOutputSerializer out = new DataOutputSerializer(256);
        new MetricBatchSerializer().serialize(b, out);
        String bytes = new String(out.getCopyOfBuffer(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(bytes.split("cpu3", -1)).hasSize(2);
        MetricBatch back = new MetricBatchSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.points).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(b.points);
        assertThat(back.points.get(5).attributeValues).isSameAs(back.points.get(1).attributeValues);
        assertThat(back.points.get(5).attributeKeys).isSameAs(back.points.get(1).attributeKeys);
        assertThat(back.points.get(2).attributeValues).isNotSameAs(back.points.get(1).attributeValues);
    }

    /** The labels hash only finds a set: a point whose hash matches another set's keeps its own attributes. */
    @Test
    void aPointWhoseLabelsHashMatchesAnotherSetKeepsItsOwnAttributes() throws Exception {
        MetricPoint a = Points.with(Points.counter(0, 10, 1), "cpu", "cpu0");
        MetricPoint c = Points.with(Points.counter(0, 10, 2), "cpu", "cpu1");
        MetricPoint d = Points.with(Points.counter(0, 20, 3), "cpu", "cpu0");
        MetricPoint e = Points.with(Points.counter(0, 20, 4), "cpu", "cpu1");
        for (MetricPoint p : List.of(c, d, e)) {
            p.labelsHash = a.labelsHash; // a 64-bit collision, forced
        }
        MetricBatch b = new MetricBatch("acme", "urn:host:h1");
        b.points.addAll(List.of(a, c, d, e));
        DataOutputSerializer out = new DataOutputSerializer(256);
        new MetricBatchSerializer().serialize(b, out);
        MetricBatch back = new MetricBatchSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.points).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(b.points);
        assertThat(back.points).extracting(p -> p.attributeValues[0]).containsExactly("cpu0", "cpu1", "cpu0", "cpu1");
    }

    /** Format 1 (every point's attributes as strings) is still read: waiting points in state were written in it. */
    @Test
    void format1BatchesAreStillRead() throws Exception {
        MetricBatch b = batch();
        DataOutputSerializer out = new DataOutputSerializer(256);
        // format 1, written here independently of the serializer's writer: version, tenant, resource, points, no partials
        StringCodec strings = StringCodec.legacyTable();
        out.writeByte(1);
        strings.writeNullable(out, b.tenant);
        strings.writeNullable(out, b.resourceUrn);
        VarInts.writeVarLong(out, b.points.size());
        for (MetricPoint p : b.points) {
            out.writeByte(1);
            for (String s : new String[] {p.tenant, p.serviceName, p.serviceNamespace, p.serviceUrn, p.hostName, p.resourceUrn,
                p.name, p.unit}) {
                strings.writeNullable(out, s);
            }
            out.writeByte(p.type == null ? -1 : p.type.ordinal());
            out.writeByte(p.temporality == null ? -1 : p.temporality.ordinal());
            out.writeBoolean(p.monotonic);
            VarInts.writeVarLong(out, p.attributeKeys.length);
            for (int i = 0; i < p.attributeKeys.length; i++) {
                strings.write(out, p.attributeKeys[i]);
                strings.write(out, p.attributeValues[i]);
            }
            DataOutputSerializer rest = new DataOutputSerializer(64);
            MetricPointSerializer.write(p, rest, StringCodec.PLAIN);
            byte[] all = rest.getCopyOfBuffer();
            // the fields after the attributes are the same in both formats: copied from the plain form
            int skip = plainPrefixLength(p);
            out.write(all, skip, all.length - skip);
        }
        VarInts.writeVarLong(out, 0);
        MetricBatch back = new MetricBatchSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.points).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(b.points);
        assertThat(back.partials).isEmpty();
    }

    /** Format 2 (every point's series part again, through the table) is still read: waiting points in state were written in it. */
    @Test
    void format2BatchesAreStillRead() throws Exception {
        MetricBatch b = batch();
        DataOutputSerializer out = new DataOutputSerializer(256);
        // format 2: version, tenant, resource, each point whole (its own version byte, strings through the table), no partials
        StringCodec strings = StringCodec.table();
        out.writeByte(2);
        strings.writeNullable(out, b.tenant);
        strings.writeNullable(out, b.resourceUrn);
        VarInts.writeVarLong(out, b.points.size());
        for (MetricPoint p : b.points) {
            MetricPointSerializer.write(p, out, strings);
        }
        VarInts.writeVarLong(out, 0);
        MetricBatch back = new MetricBatchSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.points).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(b.points);
        assertThat(back.partials).isEmpty();
    }

    /**
     * A series' further points in a batch cost a reference and their own values only (format 3): each point
     * past the first of one series adds exactly one byte plus {@link MetricPointSerializer#writeValues}'s
     * bytes, whatever its strings; read back, they share the first point's strings and attribute arrays.
     */
    @Test
    void aSeriesPartIsWrittenOncePerBatchAndSharedWhenRead() throws Exception {
        int[] sizes = new int[2];
        int[] counts = {10, 30};
        MetricBatch last = null;
        for (int k = 0; k < 2; k++) {
            MetricBatch b = new MetricBatch("acme", "urn:host:h1");
            for (int i = 0; i < counts[k]; i++) {
                // two series interleaved, fresh strings for every point, as the decoder gives them
                MetricPoint p = Points.with(Points.counter(0, 10 + i, i), new String("cpu"), "cpu" + i % 2, new String("state"), "user");
                p.name = new String("system.cpu.time");
                b.points.add(p);
            }
            DataOutputSerializer out = new DataOutputSerializer(256);
            new MetricBatchSerializer().serialize(b, out);
            sizes[k] = out.length();
            last = b;
        }
        DataOutputSerializer values = new DataOutputSerializer(64);
        MetricPointSerializer.writeValues(last.points.get(5), values);
        assertThat(sizes[1] - sizes[0]).isEqualTo((counts[1] - counts[0]) * (1 + values.length()));
        DataOutputSerializer out = new DataOutputSerializer(256);
        new MetricBatchSerializer().serialize(last, out);
        MetricBatch back = new MetricBatchSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.points).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(last.points);
        assertThat(back.points.get(4).name).isSameAs(back.points.get(0).name);
        assertThat(back.points.get(5).attributeValues).isSameAs(back.points.get(1).attributeValues);
        assertThat(back.points.get(5).attributeValues).isNotSameAs(back.points.get(0).attributeValues);
    }

    /** Points alike in metric name and labels hash but not in another field of their series part are written whole. */
    @Test
    void pointsDifferingOnlyOutsideNameAndLabelsKeepTheirOwnSeriesPart() throws Exception {
        MetricBatch b = new MetricBatch("acme", "urn:host:h1");
        for (int i = 0; i < 12; i++) {
            MetricPoint p = Points.with(Points.counter(0, 10 + i, i), "cpu", "cpu0");
            switch (i % 4) {
                case 1 -> p.unit = "s";
                case 2 -> p.serviceUrn = "urn:svc:shop/other";
                case 3 -> p.monotonic = false;
                default -> { }
            }
            b.points.add(p);
        }
        DataOutputSerializer out = new DataOutputSerializer(256);
        new MetricBatchSerializer().serialize(b, out);
        MetricBatch back = new MetricBatchSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.points).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(b.points);
    }

    /** Bytes of the plain form up to and including the attributes. */
    private static int plainPrefixLength(MetricPoint p) throws Exception {
        DataOutputSerializer o = new DataOutputSerializer(64);
        o.writeByte(1);
        for (String s : new String[] {p.tenant, p.serviceName, p.serviceNamespace, p.serviceUrn, p.hostName, p.resourceUrn,
            p.name, p.unit}) {
            StringCodec.PLAIN.writeNullable(o, s);
        }
        o.writeByte(0);
        o.writeByte(0);
        o.writeBoolean(false);
        StringCodec.PLAIN.writeAttributes(o, p);
        return o.length();
    }

    @Test
    void windowsRoundTrip() throws Exception {
        MetricWindowSerializer ser = new MetricWindowSerializer();
        MetricWindow w = new MetricWindow(new KafkaRange());
        w.range.add(1, 5, 1000);
        w.tenant = "t";
        w.resourceUrn = "urn:host:h";
        w.observeService("urn:svc:a/b", "b", "a");
        w.admitted = 3;
        w.fired = true;
        w.capHashes = new long[] {-5, 2, 9};
        w.capReplaceMax(0);
        assertThat(w.capHashes).containsExactly(-5, 0, 2);
        for (MetricWindow x : List.of(w, new MetricWindow())) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            ser.serialize(x, out);
            assertThat(ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).usingRecursiveComparison().isEqualTo(x);
        }
    }
}
