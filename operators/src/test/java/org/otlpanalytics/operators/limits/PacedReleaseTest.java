package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** {@link PacedRelease}: steps bounded by records and time, order kept, the watermark behind the last record, restore in front. */
class PacedReleaseTest {
    /** What reached downstream, in order: "r<value>@<timestamp>" and "w<timestamp>". */
    static final class Recorded implements Output<StreamRecord<Integer>> {
        final List<String> seen = new ArrayList<>();
        /** Runs after each watermark (what it costs downstream, on a test clock). */
        Runnable afterWatermark = () -> {};

        @Override
        public void collect(StreamRecord<Integer> record) {
            seen.add("r" + record.getValue() + (record.hasTimestamp() ? "@" + record.getTimestamp() : ""));
        }

        @Override
        public void emitWatermark(Watermark mark) {
            seen.add("w" + mark.getTimestamp());
            afterWatermark.run();
        }

        @Override
        public void emitWatermarkStatus(WatermarkStatus status) {}

        @Override
        public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {}

        @Override
        public void emitLatencyMarker(LatencyMarker marker) {}

        @Override
        public void emitRecordAttributes(RecordAttributes attributes) {}

        @Override
        public void emitWatermark(WatermarkEvent event) {}

        @Override
        public void close() {}
    }

    @Test
    void shouldPassAStepsBudgetAtOnceAndTheRestInLaterStepsInOrderTheWatermarkLast() throws Exception {
        Recorded out = new Recorded();
        AtomicLong clock = new AtomicLong();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 3, 0, clock::get);
        paced.beginStep();
        StreamRecord<Integer> reused = new StreamRecord<>(0, 0);
        for (int i = 1; i <= 7; i++) {
            paced.collect(reused.replace(i, i * 10L));
        }
        paced.emitWatermark(new Watermark(100));
        assertThat(out.seen).containsExactly("r1@10", "r2@20", "r3@30");
        assertThat(paced.hasQueued()).isTrue();
        // a record given while others wait goes behind them, as does a later watermark
        paced.beginStep();
        paced.collect(reused.replace(8, 80L));
        paced.emitWatermark(new Watermark(200));
        paced.emitWatermark(new Watermark(150));
        assertThat(out.seen).hasSize(3);
        assertThat(paced.drainStep()).isTrue();
        assertThat(out.seen).containsExactly("r1@10", "r2@20", "r3@30", "r4@40", "r5@50", "r6@60");
        assertThat(paced.drainStep()).isFalse();
        assertThat(out.seen).containsExactly("r1@10", "r2@20", "r3@30", "r4@40", "r5@50", "r6@60", "r7@70", "r8@80", "w200");
        assertThat(paced.queuedTotal()).isEqualTo(5);
        // nothing waits: records and watermarks pass at once again
        paced.beginStep();
        paced.collect(new StreamRecord<>(9));
        paced.emitWatermark(new Watermark(300));
        assertThat(out.seen.subList(9, 11)).containsExactly("r9", "w300");
    }

    @Test
    void shouldEndAStepOnlyWhenBothItsRecordsAndItsTimeAreSpent() throws Exception {
        Recorded out = new Recorded();
        AtomicLong clock = new AtomicLong();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 2, 1_000, clock::get);
        paced.beginStep();
        for (int i = 1; i <= 5; i++) {
            paced.collect(new StreamRecord<>(i));
        }
        assertThat(out.seen).as("within the step's time").hasSize(5);
        clock.addAndGet(1_000);
        paced.collect(new StreamRecord<>(6));
        assertThat(out.seen).as("records and time spent").hasSize(5);
        clock.addAndGet(5_000);
        paced.beginStep();
        paced.collect(new StreamRecord<>(7));
        assertThat(out.seen).as("a new step still waits behind the queue").hasSize(5);
        paced.drainAll();
        assertThat(out.seen).containsExactly("r1", "r2", "r3", "r4", "r5", "r6", "r7");
    }

    @Test
    void shouldTimeAStepFromItsFirstPassedRecordAndNotReadTheClockForStepsThatPassNothing() throws Exception {
        Recorded out = new Recorded();
        AtomicLong clock = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 2, 1_000, () -> {
            reads.incrementAndGet();
            return clock.get();
        });
        for (int i = 0; i < 100; i++) {
            paced.beginStep(); // input records that are only held: no record passes, no clock read
            clock.addAndGet(50);
        }
        assertThat(reads).as("clock reads of steps that passed nothing").hasValue(0);
        paced.beginStep();
        clock.addAndGet(5_000); // before the step's first record: not its time
        paced.collect(new StreamRecord<>(1));
        paced.collect(new StreamRecord<>(2));
        paced.collect(new StreamRecord<>(3));
        assertThat(out.seen).as("the step's time counts from its first record").containsExactly("r1", "r2", "r3");
        clock.addAndGet(1_000);
        paced.collect(new StreamRecord<>(4));
        assertThat(out.seen).as("records and time spent").hasSize(3);
        paced.drainAll();
        assertThat(out.seen).containsExactly("r1", "r2", "r3", "r4");
    }

    @Test
    void shouldPutRestoredRecordsInFrontAndGiveTheSnapshotInOrder() throws Exception {
        Recorded out = new Recorded();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 1, 0, () -> 0L);
        paced.beginStep();
        paced.collect(new StreamRecord<>(3, 3));
        paced.collect(new StreamRecord<>(4, 4));
        paced.restore(List.of(new StreamRecord<>(1, 1), new StreamRecord<>(2)));
        assertThat(paced.queued()).extracting(o -> (Object) ((StreamRecord<?>) o).getValue()).containsExactly(1, 2, 4);
        paced.emitWatermark(new Watermark(9));
        paced.drainAll();
        assertThat(out.seen).containsExactly("r3@3", "r1@1", "r2", "r4@4", "w9");
        assertThat(paced.hasQueued()).isFalse();
    }

    /** A release that collects {@code values} when it runs, and notes that it ran. */
    static PacedRelease.Deferred releaseOf(PacedRelease<Integer> paced, List<String> ran, String name, int... values) {
        return () -> {
            ran.add(name);
            for (int v : values) {
                paced.collect(new StreamRecord<>(v));
            }
            return true;
        };
    }

    /** A release taken in parts: each run collects the next part and notes "name#part"; done after the last. */
    static PacedRelease.Deferred releaseInParts(PacedRelease<Integer> paced, List<String> ran, String name, int[]... parts) {
        int[] next = {0};
        return () -> {
            int i = next[0]++;
            ran.add(name + "#" + i);
            for (int v : parts[i]) {
                paced.collect(new StreamRecord<>(v));
            }
            return next[0] == parts.length;
        };
    }

    /**
     * A release taken in parts gives one part per run: its next part runs after the records of the
     * one before (past the budget they wait first) and before what was queued behind it, so the heap
     * holds one part at a time and the order downstream is the parts' order; the watermark follows the
     * last part. Within a running release, a release given runs every part at once.
     */
    @Test
    void shouldRunAReleaseInPartsEachAfterTheRecordsOfTheOneBefore() throws Exception {
        Recorded out = new Recorded();
        List<String> ran = new ArrayList<>();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 2, 0, () -> 0L);
        paced.beginStep();
        paced.release(releaseInParts(paced, ran, "a", new int[] {1, 2, 3}, new int[] {4}, new int[] {5, 6}));
        assertThat(ran).as("one part per run").containsExactly("a#0");
        assertThat(out.seen).containsExactly("r1", "r2");
        assertThat(paced.queued()).as("the part's rest, then the release's next part").hasSize(2);
        assertThat(paced.queued().get(1)).isInstanceOf(PacedRelease.Deferred.class);
        paced.release(releaseOf(paced, ran, "b", 7));
        paced.emitWatermark(new Watermark(60));
        assertThat(paced.drainStep()).isTrue();
        assertThat(ran).as("a's second part ran after a's first part's last record").containsExactly("a#0", "a#1");
        assertThat(out.seen).containsExactly("r1", "r2", "r3", "r4");
        assertThat(paced.drainStep()).isTrue();
        assertThat(ran).containsExactly("a#0", "a#1", "a#2");
        assertThat(out.seen).containsExactly("r1", "r2", "r3", "r4", "r5", "r6");
        assertThat(paced.drainStep()).isFalse();
        assertThat(ran).containsExactly("a#0", "a#1", "a#2", "b");
        assertThat(out.seen).as("b after a's last part, the watermark last").containsExactly("r1", "r2", "r3", "r4", "r5", "r6",
                "r7", "w60");

        List<String> nested = new ArrayList<>();
        PacedRelease<Integer> within = new PacedRelease<>(new Recorded(), 1, 0, () -> 0L);
        within.beginStep();
        within.release(() -> {
            within.release(releaseInParts(within, nested, "n", new int[] {1}, new int[] {2}));
            return true;
        });
        assertThat(nested).as("a release given within a running one runs all its parts").containsExactly("n#0", "n#1");
    }

    /**
     * A release given while nothing waits and the budget lasts runs at once; after that it waits, in
     * order with records, and runs only when the drain reaches it: what it collects then passes within
     * the step's budget and the rest goes first in the next steps, before what came after it.
     */
    @Test
    void shouldRunAReleaseOnlyWhenTheDrainReachesItItsRecordsInItsTurn() throws Exception {
        Recorded out = new Recorded();
        List<String> ran = new ArrayList<>();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 2, 0, () -> 0L);
        paced.beginStep();
        paced.release(releaseOf(paced, ran, "a", 1, 2, 3));
        assertThat(ran).containsExactly("a");
        assertThat(out.seen).as("a release passes the step's budget, the rest waits").containsExactly("r1", "r2");
        paced.release(releaseOf(paced, ran, "b", 4, 5));
        paced.collect(new StreamRecord<>(6));
        paced.release(releaseOf(paced, ran, "c", 7));
        paced.emitWatermark(new Watermark(60));
        assertThat(ran).as("budget spent: later releases wait").containsExactly("a");
        assertThat(paced.queued()).as("a's last record first").hasSize(4).first().isInstanceOf(StreamRecord.class);
        assertThat(paced.drainStep()).isTrue();
        assertThat(ran).containsExactly("a", "b");
        assertThat(out.seen).containsExactly("r1", "r2", "r3", "r4");
        assertThat(paced.drainStep()).isTrue();
        assertThat(ran).as("b's rest before what came after b").containsExactly("a", "b");
        assertThat(out.seen).containsExactly("r1", "r2", "r3", "r4", "r5", "r6");
        assertThat(paced.drainStep()).isFalse();
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(out.seen).containsExactly("r1", "r2", "r3", "r4", "r5", "r6", "r7", "w60");
        assertThat(paced.queuedTotal()).as("b, 6, c and the records a and b passed the budget with").isEqualTo(5);
    }

    @Test
    void shouldPutRestoredReleasesInFrontAndRejectAnythingElse() throws Exception {
        Recorded out = new Recorded();
        List<String> ran = new ArrayList<>();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 1, 0, () -> 0L);
        paced.beginStep();
        paced.collect(new StreamRecord<>(9));
        paced.collect(new StreamRecord<>(10));
        paced.restore(List.of(releaseOf(paced, ran, "x", 1), new StreamRecord<>(2)));
        assertThat(paced.queued()).hasSize(3);
        paced.drainAll();
        assertThat(out.seen).containsExactly("r9", "r1", "r2", "r10");
        assertThat(ran).containsExactly("x");
        assertThatThrownBy(() -> paced.restore(List.of("neither"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAStepWithoutRecords() {
        assertThatThrownBy(() -> new PacedRelease<>(new Recorded(), 0, 0, () -> 0L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPassAMinutesWatermarkInSecondStepsOnePerDrainStepAfterItsRecords() throws Exception {
        Recorded out = new Recorded();
        AtomicLong clock = new AtomicLong();
        // each watermark step "takes" 30 ms downstream: more than a 20 ms step, so one per drain step
        out.afterWatermark = () -> clock.addAndGet(30_000_000L);
        PacedRelease<Integer> paced = new PacedRelease<>(out, 2, 20_000_000L, 1_000, clock::get);
        paced.beginStep();
        paced.emitWatermark(new Watermark(59_999)); // the first watermark goes at once: nothing to step from
        assertThat(out.seen).containsExactly("w59999");
        assertThat(paced.hasQueued()).isFalse();
        paced.beginStep();
        paced.collect(new StreamRecord<>(1, 60_001L));
        paced.collect(new StreamRecord<>(2, 60_002L));
        clock.addAndGet(20_000_000L); // the step's two records and 20 ms are spent
        paced.collect(new StreamRecord<>(3, 60_003L));
        paced.emitWatermark(new Watermark(119_999));
        assertThat(out.seen).containsExactly("w59999", "r1@60001", "r2@60002");
        assertThat(paced.drainStep()).isTrue();
        // the minute's last record, then its first second
        assertThat(out.seen).containsExactly("w59999", "r1@60001", "r2@60002", "r3@60003", "w60999");
        assertThat(paced.drainStep()).isTrue();
        assertThat(out.seen).endsWith("w60999", "w61999");
        // a record given while steps wait passes at once, before them; a later watermark raises the target
        paced.beginStep();
        paced.collect(new StreamRecord<>(4, 120_001L));
        paced.emitWatermark(new Watermark(179_999));
        assertThat(out.seen).endsWith("w61999", "r4@120001");
        int steps = 2;
        while (paced.drainStep()) {
            steps++;
        }
        steps++;
        assertThat(out.seen.get(out.seen.size() - 1)).isEqualTo("w179999");
        assertThat(steps).as("one step per second from 60,999 to 179,999").isEqualTo(120);
        List<Long> marks = out.seen.stream().filter(e -> e.startsWith("w")).map(e -> Long.parseLong(e.substring(1))).toList();
        for (int i = 1; i < marks.size(); i++) {
            assertThat(marks.get(i) - marks.get(i - 1)).isEqualTo(1_000L);
        }
    }

    @Test
    void shouldPassCheapWatermarkStepsTogetherWithinAStepsTime() throws Exception {
        Recorded out = new Recorded();
        AtomicLong clock = new AtomicLong();
        out.afterWatermark = () -> clock.addAndGet(1_000_000L); // 1 ms each: 20 fit in a 20 ms step
        PacedRelease<Integer> paced = new PacedRelease<>(out, 1, 20_000_000L, 1_000, clock::get);
        paced.emitWatermark(new Watermark(-1));
        paced.emitWatermark(new Watermark(59_999));
        assertThat(out.seen).containsExactly("w-1", "w999");
        assertThat(paced.drainStep()).isTrue();
        assertThat(out.seen).hasSize(2 + 20).endsWith("w20999");
        assertThat(paced.drainStep()).isTrue();
        assertThat(paced.drainStep()).isFalse();
        assertThat(out.seen).hasSize(61).endsWith("w58999", "w59999");
    }

    @Test
    void shouldPassTheEndOfInputAnIdleGapsStartAndTheEndOfInputDrainAtOnce() throws Exception {
        // the end of time at once
        assertThat(PacedRelease.nextWatermarkStep(59_999, Long.MAX_VALUE, 1_000)).isEqualTo(Long.MAX_VALUE);
        // nothing emitted yet, or steps off: at once
        assertThat(PacedRelease.nextWatermarkStep(Long.MIN_VALUE, 59_999, 1_000)).isEqualTo(59_999);
        assertThat(PacedRelease.nextWatermarkStep(-1, 59_999, 0)).isEqualTo(59_999);
        // an hour's gap: at once up to its last ten minutes, then a second at a time
        assertThat(PacedRelease.nextWatermarkStep(-1, 3_599_999, 1_000)).isEqualTo(3_000_999);
        // off the grid: to the next second's end, never past the target
        assertThat(PacedRelease.nextWatermarkStep(500, 59_999, 1_000)).isEqualTo(999);
        assertThat(PacedRelease.nextWatermarkStep(58_999, 59_500, 1_000)).isEqualTo(59_500);
        assertThat(PacedRelease.nextWatermarkStep(-1_001, -1, 1_000)).isEqualTo(-1);

        Recorded out = new Recorded();
        PacedRelease<Integer> paced = new PacedRelease<>(out, 1, 0, 1_000, () -> 0L);
        paced.emitWatermark(new Watermark(-1));
        paced.emitWatermark(new Watermark(59_999));
        assertThat(paced.hasQueued()).isTrue();
        paced.drainAll(); // end of input: the rest at once
        assertThat(out.seen).containsExactly("w-1", "w999", "w59999");
        assertThat(paced.hasQueued()).isFalse();
    }
}
