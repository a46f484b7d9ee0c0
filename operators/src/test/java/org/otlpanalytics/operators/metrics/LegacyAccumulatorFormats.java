package org.otlpanalytics.operators.metrics;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * The writers of the earlier {@link MetricAccumulator} checkpoint formats, kept as they were
 * released (version 1: commit ebe803f, version 2: commit e6f3f46), fed by an independent
 * re-implementation of what those versions accumulated, so that tests can restore real
 * old bytes with the current serializer.
 */
final class LegacyAccumulatorFormats {
    private LegacyAccumulatorFormats() {}

    /** What the old accumulators held for a list of level, rate or histogram points of one series. */
    static final class Old {
        int kllK = MetricAccumulator.DEFAULT_KLL_K;
        AggregateKind kind;
        KafkaRange range = new KafkaRange();
        long ignored;
        String tenant;
        String resourceUrn;
        String metric;
        String unit;
        int type;
        long labelsHash;
        String[] keys;
        String[] values;
        long points;
        long layoutMismatches;
        long samples;
        double sampleSum;
        double sampleMin = Double.POSITIVE_INFINITY;
        double sampleMax = Double.NEGATIVE_INFINITY;
        double last = Double.NaN;
        long lastTimeNanos = Long.MIN_VALUE;
        KllDoublesSketch kll;
        double[] sampleList = new double[0];
        double total;
        double intervalSeconds;
        long intervalNanos;
        double[] deltaList = new double[0];
        long count;
        double sum;
        double[] sumList = new double[0];
        double min = Double.NaN;
        double max = Double.NaN;
        double[] bounds;
        long[] buckets;

        /** Accumulates points the way versions 1 and 2 did (first layout wins, running sums). */
        static Old of(List<MetricPoint> ps) {
            Old o = new Old();
            for (MetricPoint p : ps) {
                if (o.kind == null) {
                    o.kind = AggregateKind.of(p);
                    o.tenant = p.tenant;
                    o.resourceUrn = p.resourceUrn;
                    o.metric = p.name;
                    o.unit = p.unit;
                    o.type = p.type.ordinal();
                    o.labelsHash = p.labelsHash;
                    o.keys = p.attributeKeys.clone();
                    o.values = p.attributeValues.clone();
                }
                o.points++;
                o.range.add(p.kafkaPartition, p.kafkaOffset, p.timeMillis());
                double v = p.valueIsInt ? p.longValue : p.value;
                switch (o.kind) {
                    case LEVEL:
                        o.sample(v, p.timeNanos);
                        break;
                    case RATE:
                        o.total += v;
                        o.deltaList = append(o.deltaList, v);
                        if (p.startTimeNanos > 0 && p.timeNanos > p.startTimeNanos) {
                            o.intervalSeconds += (p.timeNanos - p.startTimeNanos) / 1e9;
                            o.intervalNanos += p.timeNanos - p.startTimeNanos;
                            o.sample(v / ((p.timeNanos - p.startTimeNanos) / 1e9), p.timeNanos);
                        }
                        break;
                    case HISTOGRAM:
                        if (p.count > 0) {
                            o.min = o.count == 0 ? p.min : Math.min(o.min, p.min);
                            o.max = o.count == 0 ? p.max : Math.max(o.max, p.max);
                            o.count += p.count;
                            o.sum += p.sum;
                            o.sumList = append(o.sumList, p.sum);
                        }
                        if (o.bounds == null) {
                            o.bounds = p.explicitBounds.clone();
                            o.buckets = p.bucketCounts.clone();
                        } else {
                            for (int i = 0; i < p.bucketCounts.length; i++) {
                                o.buckets[i] += p.bucketCounts[i];
                            }
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("not used by the tests: " + o.kind);
                }
            }
            return o;
        }

        private void sample(double v, long t) {
            samples++;
            sampleSum += v;
            sampleMin = Math.min(sampleMin, v);
            sampleMax = Math.max(sampleMax, v);
            if (kll == null) {
                kll = KllDoublesSketch.newHeapInstance(kllK);
            }
            kll.update(v);
            sampleList = append(sampleList, v);
            if (t > lastTimeNanos || (t == lastTimeNanos && v > last)) {
                last = v;
                lastTimeNanos = t;
            }
        }

        private static double[] append(double[] a, double v) {
            double[] b = java.util.Arrays.copyOf(a, a.length + 1);
            b[a.length] = v;
            return b;
        }
    }

    /** Version 1, as {@code MetricAccumulatorSerializer.serialize} of commit ebe803f wrote it. */
    static byte[] version1(Old a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        head(a, out, 1);
        VarInts.writeVarLong(out, a.points);
        VarInts.writeVarLong(out, a.layoutMismatches);
        VarInts.writeVarLong(out, a.samples);
        out.writeDouble(a.sampleSum);
        out.writeDouble(a.sampleMin);
        out.writeDouble(a.sampleMax);
        out.writeDouble(a.last);
        out.writeLong(a.lastTimeNanos);
        out.writeBoolean(a.kll != null);
        if (a.kll != null) {
            byte[] b = a.kll.toByteArray();
            out.writeInt(b.length);
            out.write(b);
        }
        out.writeDouble(a.total);
        out.writeDouble(a.intervalSeconds);
        VarInts.writeVarLong(out, a.count);
        out.writeDouble(a.sum);
        tail(a, out);
        return bytes.toByteArray();
    }

    /** Version 2, as {@code MetricAccumulatorSerializer.serialize} of commit e6f3f46 wrote it. */
    static byte[] version2(Old a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        head(a, out, 2);
        VarInts.writeVarLong(out, a.points);
        VarInts.writeVarLong(out, a.layoutMismatches);
        summands(out, a.sampleList);
        out.writeDouble(a.sampleMin);
        out.writeDouble(a.sampleMax);
        out.writeDouble(a.last);
        out.writeLong(a.lastTimeNanos);
        summands(out, a.deltaList);
        out.writeLong(a.intervalNanos);
        VarInts.writeVarLong(out, a.count);
        summands(out, a.sumList);
        tail(a, out);
        return bytes.toByteArray();
    }

    private static void head(Old a, DataOutput out, int version) throws IOException {
        out.writeByte(version);
        out.writeInt(a.kllK);
        out.writeByte(a.kind == null ? -1 : a.kind.ordinal());
        a.range.write(out);
        out.writeLong(a.ignored);
        VarInts.writeNullableString(out, a.tenant);
        VarInts.writeNullableString(out, a.resourceUrn);
        VarInts.writeNullableString(out, a.metric);
        VarInts.writeNullableString(out, a.unit);
        out.writeByte(a.type);
        out.writeLong(a.labelsHash);
        VarInts.writeVarLong(out, a.keys.length);
        for (int i = 0; i < a.keys.length; i++) {
            out.writeUTF(a.keys[i]);
            out.writeUTF(a.values[i]);
        }
    }

    private static void tail(Old a, DataOutput out) throws IOException {
        out.writeDouble(a.min);
        out.writeDouble(a.max);
        out.writeBoolean(a.bounds != null);
        if (a.bounds != null) {
            VarInts.writeDoubles(out, a.bounds);
            VarInts.writeCounts(out, a.buckets);
        }
        out.writeBoolean(false); // no exponential buckets in these tests
        out.writeDouble(Double.NaN);
        out.writeDouble(Double.NaN);
    }

    private static void summands(DataOutput out, double[] values) throws IOException {
        VarInts.writeVarLong(out, values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }
}
