package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

class MetricMinuteAggregatorTest {
    /** Seconds after Points.T0 where a minute starts (T0 itself is 20 s into a minute). */
    static final long M0 = 40;
    static final long MIN = 60;

    static KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> harness(MetricOptions o)
            throws Exception {
        return harness(o, StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> harness(MetricOptions o,
            StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(
                new HorizonKeyedProcessOperator<>(new MetricMinuteAggregator(o)), MetricBatch::resourceKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> h, MetricPoint p)
            throws Exception {
        h.processElement(new StreamRecord<>(MetricBatch.of(List.of(p)), p.timeMillis()));
    }

    static void watermarkAt(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> h, long sec)
            throws Exception {
        h.processWatermark(new Watermark(Points.at(sec) / 1_000_000L - 1));
    }

    static List<MetricRow> rows(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> h) {
        List<MetricRow> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((MetricRow) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    static List<UseRow> use(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> h) {
        List<UseRow> out = new ArrayList<>();
        var side = h.getSideOutput(MetricMinuteAggregator.USE_ROWS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    static MetricRow row(List<MetricRow> rows, String metric) {
        return rows.stream().filter(r -> r.metric.equals(metric)).reduce((a, b) -> b).orElseThrow();
    }

    /** Host metrics of one minute: CPU 0.2..0.5, memory 0.6, load 2.0 on 4 CPUs, 3 network errors in 30 s. */
    static List<MetricPoint> hostMinute() {
        List<MetricPoint> ps = new ArrayList<>();
        double[] cpu = {0.2, 0.3, 0.4, 0.5};
        for (int i = 0; i < 4; i++) {
            long t = M0 + 5 + 15L * i;
            ps.add(host(Points.gauge("system.cpu.utilization", t, cpu[i]), i));
            ps.add(host(Points.with(Points.gauge("system.memory.utilization", t, 0.6), "state", "used"), i));
            ps.add(host(Points.gauge("system.cpu.load_average.1m", t, 2.0), i));
            ps.add(host(Points.upDown("system.cpu.logical.count", t, 4), i));
        }
        ps.add(host(Points.deltaSum("system.network.errors", M0 + 5, M0 + 20, 1), 9));
        ps.add(host(Points.deltaSum("system.network.errors", M0 + 20, M0 + 35, 2), 10));
        return ps;
    }

    static MetricPoint host(MetricPoint p, int offset) {
        p.resourceUrn = "urn:host:node-1";
        p.hostName = "node-1";
        p.kafkaPartition = offset % 2;
        p.kafkaOffset = offset;
        return p;
    }

    @Test
    void shouldEmitRowsAndUseOnWatermarkAndClearStateAfterLateness() throws Exception {
        var h = harness(MetricOptions.builder().allowedLateness(Duration.ofMinutes(2)).build());
        for (MetricPoint p : hostMinute()) {
            add(h, p);
        }
        assertThat(rows(h)).isEmpty();
        watermarkAt(h, M0 + MIN);
        List<MetricRow> rows = rows(h);
        assertThat(rows).hasSize(5);
        MetricRow cpu = row(rows, "system.cpu.utilization");
        assertThat(cpu.points).isEqualTo(4);
        assertThat(cpu.avg).isEqualTo((0.2 + 0.3 + 0.4 + 0.5) / 4); // ascending order, as summed
        assertThat(cpu.max).isEqualTo(0.5);
        assertThat(cpu.p95).isEqualTo(0.5);
        assertThat(cpu.serviceUrn).isEqualTo("urn:svc:shop/checkout");
        MetricRow errors = row(rows, "system.network.errors");
        assertThat(errors.total).isEqualTo(3.0);
        assertThat(errors.rate).isEqualTo(3.0 / 30);

        List<UseRow> use = use(h);
        assertThat(use).hasSize(1);
        UseRow u = use.get(0);
        assertThat(u.resourceUrn).isEqualTo("urn:host:node-1");
        assertThat(u.bucketStartMillis).isEqualTo(Points.at(M0) / 1_000_000L);
        assertThat(u.utilization).isEqualTo(0.6); // memory beats CPU's 0.35
        assertThat(u.utilizationComponent).isEqualTo("memory");
        assertThat(u.saturation).isEqualTo(0.5); // load 2 on 4 CPUs
        assertThat(u.errorsPerSecond).isEqualTo(0.1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(2); // the minute's window and its series (two maps on the heap)
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // the cleanup timer

        watermarkAt(h, M0 + 3 * MIN);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldGiveTheSameRowsBitForBitInAnyArrivalOrder() throws Exception {
        List<MetricPoint> ps = hostMinute();
        for (int i = 0; i < 40; i++) {
            ps.add(host(Points.with(Points.gauge("jvm.memory.used", M0 + 1 + i, 1e8 / (i + 3.7)), "jvm.memory.type", "heap"), 100 + i));
        }
        var first = harness(MetricOptions.builder().kllK(8).build()); // k 8 < 40 samples: the sketch compacts
        ps.forEach(p -> addQuietly(first, p));
        watermarkAt(first, M0 + MIN);
        Random random = new Random(7);
        for (int round = 0; round < 5; round++) {
            List<MetricPoint> shuffled = new ArrayList<>(ps);
            Collections.shuffle(shuffled, random);
            var other = harness(MetricOptions.builder().kllK(8).build());
            shuffled.forEach(p -> addQuietly(other, p));
            watermarkAt(other, M0 + MIN);
            assertThat(rows(other)).usingRecursiveComparison().isEqualTo(rows(first));
            assertThat(use(other)).usingRecursiveComparison().isEqualTo(use(first));
        }
    }

    static void addQuietly(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> h, MetricPoint p) {
        try {
            add(h, p.copy());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRewriteRowAndUseForLatePointsAndDeadLetterTooLateOnes() throws Exception {
        var h = harness(MetricOptions.builder().allowedLateness(Duration.ofMinutes(1)).build());
        hostMinute().forEach(p -> addQuietly(h, p));
        watermarkAt(h, M0 + MIN + 10);
        int before = rows(h).size();
        add(h, host(Points.gauge("system.cpu.utilization", M0 + 59, 0.9), 50));
        assertThat(rows(h)).hasSize(before + 1);
        assertThat(rows(h).get(before).max).isEqualTo(0.9);
        assertThat(use(h)).hasSize(2);
        assertThat(use(h).get(1).utilization).isEqualTo(0.6); // CPU avg (0.2+0.3+0.4+0.5+0.9)/5 = 0.46 < memory

        watermarkAt(h, M0 + 2 * MIN + 10);
        add(h, host(Points.gauge("system.cpu.utilization", M0 + 30, 0.99), 51));
        assertThat(rows(h)).hasSize(before + 1);
        assertThat(h.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).hasSize(1);
    }

    @Test
    void shouldKeepTheSeriesWithTheSmallestHashesUnderTheCap() throws Exception {
        List<MetricPoint> ps = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ps.add(Points.with(Points.gauge("queue.depth", M0 + 1, i), "queue", "q" + i));
        }
        var forward = harness(MetricOptions.builder().maxSeriesPerResource(3).build());
        ps.forEach(p -> addQuietly(forward, p));
        var backward = harness(MetricOptions.builder().maxSeriesPerResource(3).build());
        for (int i = ps.size() - 1; i >= 0; i--) {
            addQuietly(backward, ps.get(i));
        }
        watermarkAt(forward, M0 + MIN);
        watermarkAt(backward, M0 + MIN);
        assertThat(rows(forward)).hasSize(3);
        assertThat(rows(backward)).usingRecursiveComparison().isEqualTo(rows(forward));
    }

    @Test
    void craftedSeriesThroughBothOperatorsGiveHandComputedRows() throws Exception {
        var conv = MetricDeltaConverterTest.harness(MetricOptions.defaults());
        // a counter with a reset: 100 -> 130 -> (restart) 7 -> 12, all in one minute
        MetricDeltaConverterTest.add(conv, Points.counter(-1000, M0 + 1, 100), 0, 1);
        MetricDeltaConverterTest.add(conv, Points.counter(-1000, M0 + 11, 130), 0, 2);
        MetricDeltaConverterTest.add(conv, Points.counter(M0 + 15, M0 + 21, 7), 0, 3);
        MetricDeltaConverterTest.add(conv, Points.counter(M0 + 15, M0 + 31, 12), 0, 4);
        // a delta sum: 5 and 15 over 10 s each
        MetricDeltaConverterTest.add(conv, Points.deltaSum("bytes", M0, M0 + 10, 5), 1, 1);
        MetricDeltaConverterTest.add(conv, Points.deltaSum("bytes", M0 + 10, M0 + 20, 15), 1, 2);
        // a cumulative histogram: buckets (.., 1], (1, 2], (2, ..): +{1, 2, 1} between the two points
        MetricDeltaConverterTest.add(conv, Points.histogram(Temporality.CUMULATIVE, -1000, M0 + 5,
                new double[] {1, 2}, new long[] {10, 10, 0}, 30, 0.1, 2.5), 0, 5);
        MetricDeltaConverterTest.add(conv, Points.histogram(Temporality.CUMULATIVE, -1000, M0 + 35,
                new double[] {1, 2}, new long[] {11, 12, 1}, 36, 0.1, 4), 0, 6);
        // a delta exponential histogram (scale 0: (1,2], (2,4]) and a summary
        MetricDeltaConverterTest.add(conv, Points.exponential(Temporality.DELTA, M0, M0 + 30, 0, 0, 0,
                new long[] {2, 2}, 0, new long[0], 9, 1.5, 4), 1, 3);
        MetricDeltaConverterTest.add(conv, Points.summary(Temporality.CUMULATIVE, -1000, M0 + 10, 10, 20,
                new double[] {0.5, 0.95, 1}, new double[] {1, 3, 4}), 1, 4);
        MetricDeltaConverterTest.add(conv, Points.summary(Temporality.CUMULATIVE, -1000, M0 + 40, 14, 30,
                new double[] {0.5, 0.95, 1}, new double[] {1, 5, 6}), 1, 5);
        MetricDeltaConverterTest.watermarkAt(conv, M0 + 50);

        var agg = harness(MetricOptions.defaults());
        for (MetricPoint p : MetricDeltaConverterTest.out(conv)) {
            add(agg, p);
        }
        watermarkAt(agg, M0 + MIN);
        List<MetricRow> rows = rows(agg);
        MetricRow counter = row(rows, "http.requests");
        assertThat(counter.total).isEqualTo(30 + 7 + 5.0); // 30 over 10 s; reset: 7 over 21-15 = 6 s; 5 over 10 s
        assertThat(counter.rate).isEqualTo(42.0 / 26);
        assertThat(counter.max).isEqualTo(3.0);
        MetricRow bytes = row(rows, "bytes");
        assertThat(bytes.total).isEqualTo(20.0);
        assertThat(bytes.avg).isEqualTo(1.0); // rates 0.5 and 1.5
        assertThat(bytes.rate).isEqualTo(1.0);
        MetricRow hist = row(rows, "http.server.request.duration");
        assertThat(hist.count).isEqualTo(4);
        assertThat(hist.sum).isEqualTo(6.0);
        assertThat(hist.bucketCounts).containsExactly(1, 2, 1);
        assertThat(hist.max).isEqualTo(4.0); // the cumulative max grew
        // p95: rank 3.8 of 4 is in (2, max 4] at 0.8 of the way
        assertThat(hist.p95).isCloseTo(2 + 0.8 * 2, org.assertj.core.api.Assertions.within(1e-12));
        MetricRow exp = row(rows, "rpc.server.duration");
        assertThat(exp.count).isEqualTo(4);
        assertThat(exp.expPositiveCounts).containsExactly(2, 2);
        MetricRow summary = row(rows, "legacy.latency");
        assertThat(summary.count).isEqualTo(4);
        assertThat(summary.sum).isEqualTo(10.0);
        assertThat(summary.p95).isEqualTo(5.0);
        assertThat(summary.max).isEqualTo(6.0);
    }

    /**
     * The review's reproduction for metrics: a minute fired and purged, a checkpoint, then a point
     * of that minute re-read right after the restore. The failure-free run dead-letters it; the
     * restored run must too, instead of opening a fresh minute whose rows (one point) would
     * overwrite the complete ones under the same keys.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void latePointRightAfterRestoreIsLateAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        MetricOptions o = MetricOptions.builder().allowedLateness(Duration.ofMinutes(2)).build();
        var clean = harness(o, backend, null);
        var failing = harness(o, backend, null);
        for (var h : List.of(clean, failing)) {
            hostMinute().forEach(p -> addQuietly(h, p));
            addQuietly(h, host(Points.gauge("system.cpu.utilization", M0 + 3 * MIN + 5, 0.1), 60)); // keeps the key alive
            watermarkAt(h, M0 + 3 * MIN + 1);
        }
        int rowsBefore = rows(clean).size();
        assertThat(rowsBefore).isEqualTo(5);
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(o, backend, snap);

        MetricPoint late = host(Points.gauge("system.cpu.utilization", M0 + 30, 0.99), 61);
        addQuietly(clean, late);
        addQuietly(restored, late); // re-read from Kafka before any watermark reached the restored operator
        assertThat(clean.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).hasSize(1);
        assertThat(restored.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).as("late after the restore too").hasSize(1);
        clean.processWatermark(new Watermark(Long.MAX_VALUE - 1));
        restored.processWatermark(new Watermark(Long.MAX_VALUE - 1));
        assertThat(rows(restored)).as("no row of the purged minute rewritten by the restored run")
                .noneMatch(r -> r.bucketStartMillis == Points.at(M0) / 1_000_000L);
        assertThat(rows(restored)).usingRecursiveComparison().isEqualTo(rows(clean).subList(rowsBefore, rows(clean).size()));
    }

    /**
     * On RocksDB every state access serializes what it touches, so a resource's minute must not be
     * one value: then each point read and rewrote every series of the resource (0.5–1.6 ms per
     * point at 500–1000 series). One entry per series and minute, plus the minute's small window:
     * a point writes one accumulator.
     */
    @Test
    void aPointOnRocksDbWritesOnlyItsOwnSeries() throws Exception {
        CountingSerializer<MetricAccumulator> counting = new CountingSerializer<>(new MetricAccumulatorTypeSerializer());
        var h = StateBackends.ROCKSDB.apply(new KeyedOneInputStreamOperatorTestHarness<>(new HorizonKeyedProcessOperator<>(
                new MetricMinuteAggregator(MetricOptions.defaults(), counting)), MetricBatch::resourceKey, Types.STRING));
        h.open();
        for (int i = 0; i < 300; i++) {
            add(h, host(Points.with(Points.gauge("queue.depth", M0 + 1 + i % 50, i), "queue", "q" + i), i));
        }
        assertThat(counting.written()).isEqualTo(300);
        for (int i = 0; i < 300; i++) {
            add(h, host(Points.with(Points.gauge("queue.depth", M0 + 51, i), "queue", "q" + i), 300 + i));
        }
        assertThat(counting.written()).isEqualTo(600);
        watermarkAt(h, M0 + MIN);
        assertThat(rows(h)).hasSize(300).allSatisfy(r -> assertThat(r.points).isEqualTo(2));
    }

    /** Batches with partials and points, grouped and merged, give the rows of the points one by one. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void batchesOfPartialsGiveTheRowsOfThePointsOneByOne(StateBackends backend) throws Exception {
        List<MetricPoint> ps = hostMinute();
        for (int i = 0; i < 12; i++) {
            ps.add(host(Points.with(Points.gauge("jvm.memory.used", M0 + 2 + 4 * i, 1e8 + i * 7.5), "jvm.memory.type", "heap"), 200 + i));
        }
        var single = harness(MetricOptions.defaults(), backend, null);
        ps.forEach(p -> addQuietly(single, p));
        var batched = harness(MetricOptions.defaults(), backend, null);
        // three flushes of a pre-aggregator: partials per series and minute, in other orders
        for (int part = 0; part < 3; part++) {
            MetricBatch b = new MetricBatch("acme", "urn:host:node-1");
            java.util.Map<String, MetricPartial> bySeries = new java.util.TreeMap<>();
            for (int i = ps.size() - 1 - part; i >= 0; i -= 3) {
                MetricPoint p = ps.get(i).copy();
                MetricPartial q = bySeries.computeIfAbsent(p.name + "/" + p.labelsHash,
                        k -> new MetricPartial(Points.at(M0) / 1_000_000L, new MetricAccumulator()));
                q.accumulator.add(p);
                q.observeService(p.serviceUrn, p.serviceName, p.serviceNamespace);
            }
            b.partials.addAll(bySeries.values());
            batched.processElement(new StreamRecord<>(b));
        }
        watermarkAt(single, M0 + MIN);
        watermarkAt(batched, M0 + MIN);
        List<MetricRow> expected = rows(single);
        assertThat(expected).hasSize(6);
        assertThat(rows(batched)).usingRecursiveComparison().isEqualTo(expected);
        assertThat(use(batched)).usingRecursiveComparison().isEqualTo(use(single));
    }
}
