package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.io.network.partition.MockResultPartitionWriter;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

class MetricPreAggregatorTest {
    static final MetricOptions OPTIONS = MetricOptions.builder().allowedLateness(Duration.ofMinutes(1)).build();
    static final long M0 = MetricMinuteAggregatorTest.M0;
    static final long MIN = MetricMinuteAggregatorTest.MIN;

    static OneInputStreamOperatorTestHarness<MetricPoint, MetricBatch> harness(int maxEntries, OperatorSubtaskState snapshot)
            throws Exception {
        OneInputStreamOperatorTestHarness<MetricPoint, MetricBatch> h =
                new OneInputStreamOperatorTestHarness<>(new MetricPreAggregator(OPTIONS, maxEntries));
        h.setup(new MetricBatchSerializer());
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static List<MetricBatch> batches(OneInputStreamOperatorTestHarness<MetricPoint, MetricBatch> h) {
        List<MetricBatch> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((MetricBatch) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    static void add(OneInputStreamOperatorTestHarness<MetricPoint, MetricBatch> h, MetricPoint p) throws Exception {
        h.processElement(new StreamRecord<>(p, p.timeMillis()));
    }

    /** Runs the mailbox actions the operator put in the task's mailbox (the harness runs none by itself); returns how many. */
    static int mails(OneInputStreamOperatorTestHarness<MetricPoint, MetricBatch> h) throws Exception {
        int n = 0;
        for (Optional<Mail> m = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY); m.isPresent();
                m = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)) {
            m.get().run();
            n++;
        }
        return n;
    }

    /** A watermark, then the mailbox actions it caused. */
    static void watermark(OneInputStreamOperatorTestHarness<MetricPoint, MetricBatch> h, long millis) throws Exception {
        h.processWatermark(new Watermark(millis));
        mails(h);
    }

    static MetricPoint onHost(MetricPoint p, String host) {
        p.resourceUrn = "urn:host:" + host;
        p.hostName = host;
        return p;
    }

    @Test
    void shouldBatchPerResourceAggregateGaugesAndFlushBeforeTheWatermarkThatEndsTheMinute() throws Exception {
        var h = harness(1000, null);
        for (int i = 0; i < 6; i++) {
            add(h, onHost(Points.gauge("system.cpu.utilization", M0 + 10 * i, 0.1 * i), "a"));
            add(h, onHost(Points.gauge("system.cpu.utilization", M0 + 10 * i, 0.2), "b"));
            add(h, onHost(Points.counter(-1000, M0 + 10 * i, 100 + i), "a"));
            // watermarks inside the minute do not flush: the minute's exports fold into one partial per series
            watermark(h, Points.at(M0 + 10 * i) / 1_000_000L);
        }
        add(h, onHost(Points.gauge("system.cpu.utilization", M0 + MIN + 1, 0.3), "a")); // the next minute
        assertThat(batches(h)).isEmpty();
        assertThat(h.getOutput()).hasSize(6).allSatisfy(o -> assertThat(o).isInstanceOf(Watermark.class));
        // the watermark at the minute's last millisecond (where the converter and the aggregator take it) flushes first
        watermark(h, Points.at(M0 + MIN) / 1_000_000L - 1);
        List<MetricBatch> out = batches(h);
        assertThat(out).hasSize(2);
        MetricBatch a = out.stream().filter(b -> b.resourceUrn.equals("urn:host:a")).findFirst().orElseThrow();
        assertThat(a.points).hasSize(6).allSatisfy(p -> assertThat(p.temporality).isEqualTo(Temporality.CUMULATIVE));
        assertThat(a.partials).extracting(MetricPartial::points).containsExactly(6L, 1L);
        assertThat(a.partials.get(0).serviceUrn).isEqualTo("urn:svc:shop/checkout");
        assertThat(a.pointCount()).isEqualTo(13);
        assertThat(h.getOutput()).last().isInstanceOf(Watermark.class); // the batches went first
    }

    @Test
    void anEarlierMinuteArrivingLaterBringsTheFlushForward() throws Exception {
        var h = harness(1000, null);
        add(h, Points.gauge("queue.depth", M0 + MIN + 5, 1));
        add(h, Points.counter(-1000, M0 + 50, 5)); // out of order, from the minute before
        watermark(h, Points.at(M0 + MIN) / 1_000_000L - 2);
        assertThat(batches(h)).isEmpty();
        watermark(h, Points.at(M0 + MIN) / 1_000_000L - 1);
        assertThat(batches(h)).hasSize(1);
        assertThat(batches(h).get(0).pointCount()).isEqualTo(2);
        assertThat(h.getOutput()).last().isInstanceOf(Watermark.class);
    }

    @Test
    void shouldCheckpointItsBufferRatherThanSendItBeforeTheBarrier() throws Exception {
        var h = harness(1000, null);
        add(h, Points.gauge("queue.depth", M0, 1));
        add(h, Points.counter(-1000, M0 + 5, 100));
        add(h, onHost(Points.gauge("queue.depth", M0 + 7, 9), "b"));
        h.prepareSnapshotPreBarrier(1);
        var snap = h.snapshot(1, 1);
        assertThat(batches(h)).isEmpty(); // nothing went out before the barrier
        h.close();
        var restored = harness(1000, snap);
        add(restored, Points.gauge("queue.depth", M0 + 10, 3)); // the same series and minute as the restored partial
        watermark(restored, Points.at(M0 + MIN) / 1_000_000L - 1);
        List<MetricBatch> out = batches(restored);
        assertThat(out).hasSize(2);
        MetricBatch a = out.stream().filter(b -> !b.resourceUrn.equals("urn:host:b")).findFirst().orElseThrow();
        assertThat(a.points).hasSize(1);
        assertThat(a.partials).hasSize(1);
        assertThat(a.partials.get(0).points()).isEqualTo(2); // folded into the restored partial
        assertThat(a.partials.get(0).serviceUrn).isEqualTo("urn:svc:shop/checkout");
        assertThat(out).extracting(MetricBatch::pointCount).containsExactlyInAnyOrder(3L, 1L);
        assertThat(restored.getOutput()).last().isInstanceOf(Watermark.class);
    }

    @Test
    void aRestoredBufferFlushesAtTheWatermarkOfItsEarliestMinuteAndAnEmptyOneLeavesNoState() throws Exception {
        var h = harness(1000, null);
        add(h, Points.gauge("queue.depth", M0, 1));
        var snap = h.snapshot(1, 1);
        h.close();
        var restored = harness(1000, snap);
        watermark(restored, Points.at(M0 + MIN) / 1_000_000L - 2);
        assertThat(batches(restored)).isEmpty();
        watermark(restored, Points.at(M0 + MIN) / 1_000_000L - 1);
        assertThat(batches(restored)).hasSize(1);
        var again = harness(1000, restored.snapshot(2, 2)); // the buffer was sent: nothing to send twice
        watermark(again, Points.at(M0 + 2 * MIN) / 1_000_000L);
        assertThat(batches(again)).isEmpty();
    }

    @Test
    void aFullBufferSendsItsOldestResourcesDownToHalfFromTheMailboxNotFromInsideTheMessage() throws Exception {
        var h = harness(10, null);
        for (int i = 0; i < 10; i++) {
            add(h, onHost(Points.gauge("queue.depth", M0 + i, i), "h" + i)); // the 10th entry fills it
        }
        assertThat(batches(h)).isEmpty(); // nothing sent while the point was processed
        assertThat(mails(h)).isEqualTo(1);
        assertThat(batches(h)).extracting(b -> b.resourceUrn)
                .containsExactly("urn:host:h0", "urn:host:h1", "urn:host:h2", "urn:host:h3", "urn:host:h4");
        add(h, onHost(Points.gauge("queue.depth", M0 + 10, 10), "h0")); // a resource sent comes back: a new batch
        watermark(h, Points.at(M0 + MIN) / 1_000_000L - 1);
        assertThat(batches(h)).hasSize(11);
        assertThat(batches(h).stream().mapToLong(MetricBatch::pointCount).sum()).isEqualTo(11);
        assertThat(h.getOutput()).last().isInstanceOf(Watermark.class);
    }

    /**
     * A flush at the watermark goes out in mailbox actions of {@link MetricPreAggregator#CHUNK_ENTRIES}
     * entries, the watermark after the last; a checkpoint taken between two keeps what was not sent.
     */
    @Test
    void theWatermarkWaitsForItsFlushWhichACheckpointCanInterrupt() throws Exception {
        int hosts = 2 * MetricPreAggregator.CHUNK_ENTRIES + 200;
        var h = harness(10_000, null);
        for (int i = 0; i < hosts; i++) {
            add(h, onHost(Points.gauge("queue.depth", M0 + i % 50, i), "h" + i));
        }
        h.processWatermark(new Watermark(Points.at(M0 + MIN) / 1_000_000L - 1));
        assertThat(h.getOutput()).isEmpty(); // the watermark is held
        h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY).orElseThrow().run();
        assertThat(batches(h)).hasSize(MetricPreAggregator.CHUNK_ENTRIES);
        assertThat(h.getOutput()).noneMatch(o -> o instanceof Watermark);
        var snap = h.snapshot(1, 1); // the checkpoint trigger, between two of its actions
        assertThat(mails(h)).isEqualTo(2);
        assertThat(batches(h)).hasSize(hosts);
        assertThat(h.getOutput()).last().isInstanceOf(Watermark.class);
        assertThat(h.getOutput()).filteredOn(o -> o instanceof Watermark).hasSize(1);
        h.close();
        // restored there: what was not sent before the checkpoint, and nothing that was
        var restored = harness(10_000, snap);
        watermark(restored, Points.at(M0 + MIN) / 1_000_000L - 1);
        List<String> sentBefore = batches(h).subList(0, MetricPreAggregator.CHUNK_ENTRIES).stream().map(b -> b.resourceUrn).toList();
        assertThat(batches(restored)).hasSize(hosts - MetricPreAggregator.CHUNK_ENTRIES)
                .noneMatch(b -> sentBefore.contains(b.resourceUrn));
    }

    /** A network output that cannot take a record until {@link #frees} completes. */
    static final class FullOutput extends MockResultPartitionWriter {
        final CompletableFuture<Void> frees = new CompletableFuture<>();

        @Override
        public boolean isAvailable() {
            return frees.isDone();
        }

        @Override
        public CompletableFuture<?> getAvailableFuture() {
            return frees;
        }
    }

    @Test
    void whileTheNetworkOutputIsFullNothingIsSentAndNoActionWaitsInTheMailbox() throws Exception {
        FullOutput output = new FullOutput();
        MockEnvironment env = new MockEnvironmentBuilder().build();
        env.addOutputs(List.of(output));
        var h = new OneInputStreamOperatorTestHarness<>(new MetricPreAggregator(OPTIONS, 1000), env);
        h.setup(new MetricBatchSerializer());
        h.open();
        for (int i = 0; i < 3; i++) {
            add(h, onHost(Points.gauge("queue.depth", M0 + i, i), "h" + i));
        }
        h.processWatermark(new Watermark(Points.at(M0 + MIN) / 1_000_000L - 1));
        assertThat(mails(h)).isEqualTo(1); // it looked, found the output full and left
        assertThat(h.getOutput()).isEmpty();
        assertThat(mails(h)).isZero(); // nothing spins in the mailbox meanwhile
        output.frees.complete(null);
        assertThat(mails(h)).isEqualTo(1);
        assertThat(batches(h)).hasSize(3);
        assertThat(h.getOutput()).last().isInstanceOf(Watermark.class);
    }

    @Test
    void shouldSendGaugesBeyondLatenessToTheLateOutputAndPassCumulativePointsOn() throws Exception {
        var h = harness(1000, null);
        watermark(h, Points.at(M0 + 3 * MIN) / 1_000_000L);
        add(h, Points.gauge("queue.depth", M0 + 10, 1));
        add(h, Points.counter(-1000, M0 + 10, 5)); // the converter decides for cumulative points
        assertThat(h.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).hasSize(1);
        watermark(h, Points.at(M0 + 4 * MIN) / 1_000_000L);
        assertThat(batches(h)).hasSize(1);
        assertThat(batches(h).get(0).partials).isEmpty();
        assertThat(batches(h).get(0).points).hasSize(1);
    }

    @Test
    void lateGaugeRightAfterRestoreIsLateAsBeforeTheFailure() throws Exception {
        var h = harness(1000, null);
        watermark(h, Points.at(M0 + 3 * MIN) / 1_000_000L);
        var snap = h.snapshot(1, 1);
        h.close();
        var restored = harness(1000, snap);
        add(restored, Points.gauge("queue.depth", M0 + 10, 1)); // before any watermark after the restore
        assertThat(restored.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).hasSize(1);
        watermark(restored, Points.at(M0 + 4 * MIN) / 1_000_000L);
        assertThat(batches(restored)).isEmpty();
    }

    /**
     * The whole keyed path fed by the pre-aggregator (batches, partials, drains of a full buffer,
     * buffers checkpointed and restored, flushes at the watermark) writes the rows the operators give point by point, whatever the arrival order.
     */
    @Test
    void preAggregatedPipelineGivesTheRowsOfThePointsOneByOne() throws Exception {
        List<MetricPoint> ps = new ArrayList<>(MetricMinuteAggregatorTest.hostMinute());
        for (int i = 0; i < 18; i++) {
            long t = M0 + 3 * i;
            ps.add(MetricMinuteAggregatorTest.host(Points.with(Points.counter(-1000, t, 100 + 7L * i * i), "cpu", "0"), 300 + i));
            ps.add(MetricMinuteAggregatorTest.host(Points.histogram(Temporality.DELTA, t - 3, t,
                    i % 4 == 0 ? new double[] {1, 5} : new double[] {1, 2, 5}, i % 4 == 0 ? new long[] {1, 0, 2} : new long[] {0, 1, 1, 0},
                    2 + i, 0.5, 9), 400 + i));
        }
        List<MetricRow> expected = pointByPoint(ps);
        assertThat(expected).hasSize(7);
        Random random = new Random(3);
        for (int round = 0; round < 3; round++) {
            List<MetricPoint> shuffled = new ArrayList<>(ps);
            Collections.shuffle(shuffled, random);
            assertThat(preAggregated(shuffled, 5 + 7 * round)).usingRecursiveComparison().isEqualTo(expected);
        }
    }

    /** Converter then aggregator, each point its own batch, in time order. */
    private static List<MetricRow> pointByPoint(List<MetricPoint> ps) throws Exception {
        var conv = MetricDeltaConverterTest.harness(OPTIONS);
        List<MetricPoint> sorted = new ArrayList<>(ps);
        sorted.sort(MetricDeltaConverter.ORDER);
        for (MetricPoint p : sorted) {
            conv.processElement(new StreamRecord<>(MetricBatch.of(List.of(p.copy()))));
        }
        conv.processWatermark(new Watermark(Points.at(M0 + MIN) / 1_000_000L));
        var agg = MetricMinuteAggregatorTest.harness(OPTIONS);
        for (MetricPoint p : MetricDeltaConverterTest.out(conv)) {
            agg.processElement(new StreamRecord<>(MetricBatch.of(List.of(p))));
        }
        agg.processWatermark(new Watermark(Points.at(M0 + MIN) / 1_000_000L));
        return MetricMinuteAggregatorTest.rows(agg);
    }

    /**
     * Pre-aggregator (a buffer of {@code every} entries, so it drains; checkpointed and restored every
     * {@code every} points), converter and aggregator.
     */
    private static List<MetricRow> preAggregated(List<MetricPoint> ps, int every) throws Exception {
        var pre = harness(every, null);
        var conv = MetricDeltaConverterTest.harness(OPTIONS);
        KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricRow> agg = MetricMinuteAggregatorTest.harness(OPTIONS);
        for (int i = 0; i < ps.size(); i++) {
            add(pre, ps.get(i).copy());
            if (i == ps.size() - 1) {
                watermark(pre, Points.at(M0 + MIN) / 1_000_000L);
            } else if ((i + 1) % every == 0) {
                pre.prepareSnapshotPreBarrier(i);
                var snap = pre.snapshot(i, i);
                for (MetricBatch b : batches(pre)) {
                    conv.processElement(new StreamRecord<>(b));
                }
                pre.close();
                pre = harness(every, snap);
            }
        }
        for (MetricBatch b : batches(pre)) {
            conv.processElement(new StreamRecord<>(b));
        }
        conv.processWatermark(new Watermark(Points.at(M0 + MIN) / 1_000_000L));
        for (Object o : conv.getOutput()) {
            if (o instanceof StreamRecord) {
                agg.processElement(new StreamRecord<>((MetricBatch) ((StreamRecord<?>) o).getValue()));
            }
        }
        agg.processWatermark(new Watermark(Points.at(M0 + MIN) / 1_000_000L));
        return MetricMinuteAggregatorTest.rows(agg);
    }
}
