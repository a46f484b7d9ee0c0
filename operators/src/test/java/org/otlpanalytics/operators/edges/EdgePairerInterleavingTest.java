package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.consumer;
import static org.otlpanalytics.operators.edges.TestSpans.producer;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.ingest.GuardedWatermarks;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * The pairing rule's promise, checked the way the job meets it: callers on one Kafka partition,
 * callees on another, each partition's watermark made by the job's generator
 * ({@link GuardedWatermarks}, emitted as records pass), the pairing's watermark the minimum of the
 * two (a finished partition no longer holds it back, as at the end of a bounded input). For
 * halves on time on their partition, every interleaving of the two partitions, however far one
 * runs ahead, and a restore from a checkpoint at any point draw the edges the rule says, "two
 * halves pair only when each starts before the other's deadline", and no others.
 *
 * <p>Why on time is the condition: a half starting before its partner's deadline is ahead of its
 * partition's watermark, hence of the pairing's, so the partner is still waiting when it comes.
 * A half behind its own partition's watermark has no such bound: whether the other partition has
 * already moved the pairing's watermark past its partner's deadline depends on how far that
 * partition has been read, which differs between runs (tests sending such records must expect
 * either answer, or avoid them).
 */
class EdgePairerInterleavingTest {
    private static final long TTL = 10_000L;
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    private static final int TRACES = 400;
    /** Consumer start after the producer's end: well inside the wait, just inside, at its deadline, past it. */
    private static final long[] CONSUMER_DELAYS = {4, TTL - 1, TTL, 25_000};
    private static final int ROUNDS = 12;

    /** A Kafka record of the test: one span, its partition and its Kafka timestamp (the span's export, its end). */
    private record Rec(int partition, SpanRecord span, long kafkaTimestamp) {}

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldDrawTheRulesEdgesInEveryInterleavingOfTwoPartitionsAndAfterARestore(StateBackends backend) throws Exception {
        List<List<Rec>> partitions = List.of(partition(0), partition(1));
        List<String> expected = expectedEdges();
        Random random = new Random(11);
        for (int round = 0; round < ROUNDS; round++) {
            // a failure-free run
            Run clean = new Run(backend, null);
            int[] next = {0, 0};
            clean.readInterleaved(partitions, next, random, Integer.MAX_VALUE);
            assertThat(clean.finish()).as("round %d, failure-free", round).containsExactlyInAnyOrderElementsOf(expected);

            // a run that checkpoints somewhere, fails, and re-reads both partitions from the checkpoint's offsets
            Run before = new Run(backend, null);
            int[] offsets = {0, 0};
            before.readInterleaved(partitions, offsets, random, random.nextInt(4 * TRACES));
            OperatorSubtaskState checkpoint = before.harness.snapshot(1, 1);
            List<String> committed = before.edges();
            before.harness.close();
            Run restored = new Run(backend, checkpoint); // fresh watermark generators, as after a restart
            restored.readInterleaved(partitions, offsets, random, Integer.MAX_VALUE);
            List<String> all = new ArrayList<>(committed);
            all.addAll(restored.finish());
            assertThat(all).as("round %d, restored at offsets %d/%d", round, offsets[0], offsets[1])
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * Per trace, from the rule alone: checkout -> payment (the server starts 2 ms into the
     * client); checkout -> shipping over kafka when the consumer starts before the producer's
     * deadline (its end + TTL), else the producer's call to the broker and the broker's delivery
     * to shipping.
     */
    private static List<String> expectedEdges() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < TRACES; i++) {
            out.add("checkout->payment");
            if (CONSUMER_DELAYS[i % CONSUMER_DELAYS.length] < TTL) {
                out.add("checkout->shipping");
            } else {
                out.add("checkout->kafka");
                out.add("kafka->shipping");
            }
        }
        return out;
    }

    /**
     * Partition 0 holds the callers (checkout), partition 1 the callees (payment, shipping), in
     * export order reversed in groups of 6 (a few seconds out of order, inside the
     * out-of-orderness). Checked: every span is on time on its partition.
     */
    private static List<Rec> partition(int p) throws Exception {
        List<Rec> recs = new ArrayList<>();
        for (int i = 0; i < TRACES; i++) {
            long t = T0 + i * 1_000L;
            long base = (long) (i + 1) << 8;
            long producerEnd = t + 27;
            long consumerStart = producerEnd + CONSUMER_DELAYS[i % CONSUMER_DELAYS.length];
            List<SpanRecord> spans = p == 0
                    ? List.of(client("checkout", base + 1, base).trace(i + 1, i + 1).times(t, 20).build(),
                            producer("checkout", base + 3, base).trace(i + 1, i + 1).times(t + 25, 2).messaging("kafka", "orders").build())
                    : List.of(server("payment", base + 2, base + 1).trace(i + 1, i + 1).times(t + 2, 15).build(),
                            consumer("shipping", base + 4, base + 3).trace(i + 1, i + 1).times(consumerStart, 5)
                                    .messaging("kafka", "orders").build());
            for (SpanRecord s : spans) {
                recs.add(new Rec(p, s, s.endTimeNanos / 1_000_000L));
            }
        }
        recs.sort(Comparator.comparingLong(Rec::kafkaTimestamp));
        for (int i = 0; i < recs.size(); i += 6) {
            Collections.reverse(recs.subList(i, Math.min(recs.size(), i + 6)));
        }
        WatermarkGenerator<Decoded<SpanRecord>> g = generator();
        Highest wm = new Highest();
        for (Rec r : recs) {
            assertThat(r.span.startMillis()).as("on time on partition %d", p).isGreaterThan(wm.watermark);
            g.onEvent(Decoded.of(r.span, r.kafkaTimestamp), r.span.startMillis(), wm);
        }
        return recs;
    }

    private static WatermarkGenerator<Decoded<SpanRecord>> generator() {
        return GuardedWatermarks.strategy(new SpanDecoder(Encoding.OTLP_PROTO), OUT_OF_ORDERNESS, Duration.ZERO)
                .createWatermarkGenerator(null);
    }

    /** One pairing subtask fed by two partitions, each with its own watermark generator. */
    private static final class Run {
        final KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge> harness;
        final List<WatermarkGenerator<Decoded<SpanRecord>>> generators = List.of(generator(), generator());
        final Highest[] partitionWatermarks = {new Highest(), new Highest()};
        long sent = Long.MIN_VALUE;

        Run(StateBackends backend, OperatorSubtaskState restoreFrom) throws Exception {
            harness = EdgePairerTest.harness(new EdgePairer(EdgeStoreOptions.defaults()), backend, restoreFrom);
        }

        /**
         * Reads on from {@code next} (advanced in place), in runs of random length from a random
         * partition, so that one partition is often minutes of event time ahead of the other;
         * stops after {@code limit} records or at the end of both.
         */
        void readInterleaved(List<List<Rec>> partitions, int[] next, Random random, int limit) throws Exception {
            for (int p = 0; p < 2; p++) {
                if (next[p] >= partitions.get(p).size()) {
                    partitionWatermarks[p].watermark = Long.MAX_VALUE; // restored with nothing left to read
                }
            }
            forwardWatermark();
            int read = 0;
            while (read < limit && (next[0] < partitions.get(0).size() || next[1] < partitions.get(1).size())) {
                int p = next[0] >= partitions.get(0).size() ? 1 : next[1] >= partitions.get(1).size() ? 0 : random.nextInt(2);
                int run = 1 + random.nextInt(random.nextBoolean() ? 4 : 300);
                for (int k = 0; k < run && read < limit && next[p] < partitions.get(p).size(); k++, read++) {
                    Rec r = partitions.get(p).get(next[p]++);
                    EdgePairerTest.add(harness, r.span);
                    generators.get(p).onEvent(Decoded.of(r.span, r.kafkaTimestamp), r.span.startMillis(), partitionWatermarks[p]);
                    if (next[p] == partitions.get(p).size()) {
                        partitionWatermarks[p].watermark = Long.MAX_VALUE; // a finished source ends its watermark
                    }
                    forwardWatermark();
                }
            }
        }

        /** The pairing's watermark: the minimum over its inputs, forwarded when it moves. */
        void forwardWatermark() throws Exception {
            long min = Math.min(partitionWatermarks[0].watermark, partitionWatermarks[1].watermark);
            if (min > sent) {
                sent = min;
                harness.processWatermark(streamWatermark(min));
            }
        }

        List<String> edges() {
            List<String> out = new ArrayList<>();
            for (Edge e : EdgePairerTest.edges(harness)) {
                out.add(e.callerName + "->" + e.calleeName);
            }
            return out;
        }

        /** Ends the input (both partitions done) and returns every edge this run emitted. */
        List<String> finish() throws Exception {
            if (sent != Long.MAX_VALUE) {
                harness.processWatermark(streamWatermark(Long.MAX_VALUE));
            }
            List<String> out = edges();
            harness.close();
            return out;
        }
    }

    /** The watermark as operators receive it (the generators' {@link Watermark} is another class). */
    private static org.apache.flink.streaming.api.watermark.Watermark streamWatermark(long t) {
        return new org.apache.flink.streaming.api.watermark.Watermark(t);
    }

    /** A partition's watermark as the operators downstream see it: the highest emitted so far. */
    private static final class Highest implements WatermarkOutput {
        long watermark = Long.MIN_VALUE;

        @Override
        public void emitWatermark(Watermark w) {
            watermark = Math.max(watermark, w.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
