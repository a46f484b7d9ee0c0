package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.T0;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.WINDOW;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.WINDOW0;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.add;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.fingerprinted;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.harness;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.key;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.log;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.partials;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.patterns;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.text;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.totals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * What {@link LogFingerprinter} emits must not depend on timing: a record re-read right after a
 * restore is late exactly when the failure-free run found it late; late records and records over the
 * per-second cap give the same ids and rows whenever they arrive and whatever the interleaving of
 * partitions; idle streams expire at the same event time; the heap cache and its write-back change
 * nothing but cost.
 */
class LogFingerprinterDeterminismTest {
    static final long LATENESS = Duration.ofMinutes(2).toMillis();

    /** Restore, then replay a record the failure-free run dropped as late: dropped again, no row for its window. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateRecordRightAfterRestoreIsLateAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        LogPatternOptions o = LogPatternOptions.defaults();
        var clean = harness(o, backend, null);
        var failing = harness(o, backend, null);
        for (var h : List.of(clean, failing)) {
            for (int i = 0; i < 20; i++) {
                add(h, log("svc", T0 + i * 100, 0, i, 9, "job " + i + " done"));
            }
            add(h, log("svc", WINDOW0 + 3 * WINDOW, 0, 100, 9, "job 100 done")); // keeps the stream busy
            h.processWatermark(new Watermark(WINDOW0 + WINDOW - 1 + LATENESS)); // window 0 is over, lateness too
        }
        OperatorSubtaskState snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(o, backend, snap);

        LogRecordFlat late = log("svc", T0 + 50, 1, 7, 9, "job 7 done again");
        add(clean, late);
        add(restored, late); // re-read from Kafka before any watermark reached the restored operator
        assertThat(clean.getSideOutput(LogFingerprinter.LATE_LOGS)).hasSize(1);
        assertThat(restored.getSideOutput(LogFingerprinter.LATE_LOGS)).as("late after the restore too").hasSize(1);
        restored.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(partials(restored)).as("no count of window 0 written by the restored run")
                .noneMatch(p -> p.windowStartMillis == WINDOW0);
    }

    /** A stream the restored subtask never saw: its late record is late too, not a new stream. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateRecordOfANewStreamAfterRestoreIsLate(StateBackends backend) throws Exception {
        var h = harness(LogPatternOptions.defaults(), backend, null);
        add(h, log("svc", WINDOW0 + 3 * WINDOW, 0, 1, 9, "job 1 done"));
        h.processWatermark(new Watermark(WINDOW0 + 3 * WINDOW + 1_000));
        OperatorSubtaskState snap = h.snapshot(1, 1);
        h.close();
        var restored = harness(LogPatternOptions.defaults(), backend, snap);
        add(restored, log("other", T0, 0, 2, 9, "job 2 done"));
        assertThat(restored.getSideOutput(LogFingerprinter.LATE_LOGS)).hasSize(1);
        restored.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(partials(restored)).noneMatch(p -> p.serviceUrn.endsWith("/other"));
    }

    /**
     * Late records arriving before or after the tree generalised give the same ids and rows, and the
     * tree is the one the on-time records alone grow. (Mined as they arrived, "peer state is STARTING"
     * would create its own pattern when it came early and join "peer state is <*>" when it came late.)
     */
    @Test
    void lateRecordsMatchTheSameWhateverWhenTheyArriveAndNeverChangeTheTree() throws Exception {
        String[] states = {"LOOKING", "LEADING", "FOLLOWING", "OBSERVING"};
        List<LogRecordFlat> onTime = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            onTime.add(log("zk", T0 + i * 1_000, 0, i, 9, "peer state is " + states[i]));
        }
        List<LogRecordFlat> late = List.of(log("zk", T0 + 100, 1, 50, 9, "peer state is STARTING"),
                log("zk", T0 + 200, 1, 51, 17, "disk full on /dev/sda"));
        List<List<String>> outputs = new ArrayList<>();
        List<String> trees = new ArrayList<>();
        for (long lateAt : new long[] {T0 + 1_999, T0 + 10_000, -1}) {
            var h = harness(LogPatternOptions.defaults());
            for (LogRecordFlat r : onTime) {
                add(h, r);
                if (r.timeMillis() + 999 == lateAt) {
                    h.processWatermark(new Watermark(lateAt));
                }
            }
            if (lateAt >= 0) {
                h.processWatermark(new Watermark(lateAt));
                for (LogRecordFlat r : late) {
                    add(h, r);
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            StringBuilder tree = new StringBuilder();
            for (LogCluster c : FingerprinterHarness.operator(h).minerState(key("zk")).tree().clusters()) {
                tree.append(c.id()).append(' ').append(c.template()).append('\n');
            }
            trees.add(tree.toString());
            if (lateAt >= 0) {
                outputs.add(sortedOutput(h));
                Map<Long, long[]> t = totals(partials(h));
                assertThat(t.get(UnminedPatterns.lateUnmatchedId("acme", "urn:svc:shop/zk"))).containsExactly(1, 1);
                assertThat(t.values().stream().mapToLong(c -> c[0]).sum()).isEqualTo(6);
            }
        }
        assertThat(outputs.get(1)).as("late records after the tree generalised").containsExactlyElementsOf(outputs.get(0));
        assertThat(trees).as("the tree of the on-time records alone").containsOnly(trees.get(2));
        assertThat(trees.get(2)).contains("peer state is <*>").doesNotContain("STARTING");
    }

    /**
     * The same records, partitions interleaved differently (each in offset order, as Kafka delivers
     * them) and watermarks at other moments: the same records go over the cap, with the same ids and
     * rows.
     */
    @Test
    void recordsOverTheCapGiveTheSameIdsAndRowsWhateverThePartitionInterleaving() throws Exception {
        List<LogRecordFlat> input = burstyInput(new SplittableRandom(5), 120);
        LogPatternOptions o = LogPatternOptions.builder().secondMaxRecords(3).fingerprintedLogs(true).build();
        List<String> reference = null;
        SplittableRandom rnd = new SplittableRandom(9);
        for (int run = 0; run < 4; run++) {
            var h = harness(o);
            List<LogRecordFlat> order = run == 0 ? input : interleave(input, rnd);
            int every = 3 + run * 7;
            long[] last = {Long.MIN_VALUE, Long.MIN_VALUE};
            for (int i = 0; i < order.size(); i++) {
                LogRecordFlat r = order.get(i);
                add(h, r);
                last[r.kafkaPartition] = r.timeMillis();
                if (i % every == every - 1 && Math.min(last[0], last[1]) != Long.MIN_VALUE) {
                    // per-partition watermarks, as the Kafka source makes them: behind every record still to come
                    h.processWatermark(new Watermark(Math.min(last[0], last[1]) - 1));
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(totals(partials(h)).get(UnminedPatterns.overCapId("acme", "urn:svc:shop/api"))).isNotNull();
            List<String> out = sortedOutput(h);
            if (reference == null) {
                reference = out;
            } else {
                assertThat(out).as("run %d", run).containsExactlyElementsOf(reference);
            }
        }
    }

    /**
     * An uninterrupted run and one restored from a snapshot in the middle, with late records (within
     * and beyond the allowed lateness) re-read right after the restore, seconds over the cap and a
     * stream that expires and comes back: identical ids, counts, dictionary rows, late records and
     * fingerprinted records.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void restoreWithLateRecordsTheCapAndExpiryGivesIdenticalIdsAndRows(StateBackends backend) throws Exception {
        LogPatternOptions o = LogPatternOptions.builder().secondMaxRecords(3).streamIdleTimeout(Duration.ofMinutes(2))
                .fingerprintedLogs(true).build();
        Input in = Input.generate();
        var full = harness(o, backend, null);
        in.feed(full, 0, in.records.size(), List.of());
        full.processWatermark(new Watermark(Long.MAX_VALUE));

        var first = harness(o, backend, null);
        in.feed(first, 0, in.cut, List.of());
        OperatorSubtaskState snap = first.snapshot(1, 1);
        List<String> before = sortedOutput(first);
        first.close();
        var second = harness(o, backend, snap);
        in.feed(second, in.cut, in.records.size(), in.reReadFirst); // late ones of the rest come first, before any watermark
        second.processWatermark(new Watermark(Long.MAX_VALUE));

        List<String> resumed = new ArrayList<>(before);
        resumed.addAll(sortedOutput(second));
        Collections.sort(resumed);
        List<String> uninterrupted = sortedOutput(full);
        assertThat(uninterrupted).anyMatch(s -> s.contains(UnminedPatterns.OVER_CAP_PATTERN))
                .anyMatch(s -> s.startsWith("late "));
        assertThat(totals(partials(full)).get(UnminedPatterns.lateUnmatchedId("acme", "urn:svc:shop/api"))).isNotNull();
        assertThat(resumed).containsExactlyElementsOf(uninterrupted);
    }

    /**
     * A stream idle for longer than the timeout expires at the same event time whether its next
     * records arrive before the watermark reaches the expiry (they already wait) or after it: they
     * start a new tree either way. (Skipping the expiry while records wait made the ids depend on
     * arrival timing: "peer state is OBSERVING" joined the old "peer state is <*>" in one run and
     * created its own pattern in the other.)
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void idleStreamExpiresWhetherItsNextRecordsArriveBeforeOrAfterTheTimeout(StateBackends backend) throws Exception {
        LogPatternOptions o = LogPatternOptions.builder().streamIdleTimeout(Duration.ofMinutes(1)).build();
        String[] states = {"LOOKING", "LEADING", "FOLLOWING", "STARTING"};
        List<LogRecordFlat> before = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            before.add(log("zk", T0 + i * 1_000, 0, i, 9, "peer state is " + states[i]));
        }
        List<LogRecordFlat> after = List.of(log("zk", T0 + 180_000, 0, 10, 9, "peer state is OBSERVING"),
                log("zk", T0 + 181_000, 0, 11, 9, "peer state is OBSERVING"));
        List<List<String>> outputs = new ArrayList<>();
        for (boolean early : new boolean[] {false, true}) {
            var h = harness(o, backend, null);
            for (LogRecordFlat r : before) {
                add(h, r);
            }
            h.processWatermark(new Watermark(T0 + 10_000));
            if (early) {
                for (LogRecordFlat r : after) {
                    add(h, r); // read before the watermark reaches the expiry
                }
            }
            h.processWatermark(new Watermark(T0 + 120_000)); // past the last activity plus one minute
            if (!early) {
                for (LogRecordFlat r : after) {
                    add(h, r);
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            outputs.add(sortedOutput(h));
        }
        assertThat(outputs.get(0)).as("a new tree after the expiry").anyMatch(s -> s.startsWith("pattern ") && s.contains("'peer state is OBSERVING'"));
        assertThat(outputs.get(1)).containsExactlyElementsOf(outputs.get(0));
    }

    /** Streams dropped from the heap cache (written back, read again) give exactly the rows of an unbounded cache. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void streamsDroppedFromTheHeapCacheContinueIdentically(StateBackends backend) throws Exception {
        Input in = Input.generate();
        List<List<String>> runs = new ArrayList<>();
        for (int cap : new int[] {LogPatternOptions.DEFAULT_CACHE_MAX_PATTERNS, 1}) {
            LogPatternOptions o = LogPatternOptions.builder().secondMaxRecords(3).cacheMaxPatterns(cap).build();
            var first = harness(o, backend, null);
            in.feed(first, 0, in.cut, List.of());
            OperatorSubtaskState snap = first.snapshot(1, 1);
            List<String> out = sortedOutput(first);
            first.close();
            var second = harness(o, backend, snap);
            in.feed(second, in.cut, in.records.size(), List.of());
            if (cap == 1) {
                assertThat(FingerprinterHarness.operator(second).streamsCached()).as("two streams, room for one").isEqualTo(1);
            }
            second.processWatermark(new Watermark(Long.MAX_VALUE));
            out.addAll(sortedOutput(second));
            Collections.sort(out);
            runs.add(out);
        }
        assertThat(runs.get(1)).containsExactlyElementsOf(runs.get(0));
    }

    /**
     * On RocksDB every write serializes the whole value: mining a second must not write the stream's
     * tree to keyed state; it gets there at the next checkpoint.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void minedSecondsDoNotRewriteTheTreeInKeyedStateBeforeACheckpoint(StateBackends backend) throws Exception {
        var h = harness(LogPatternOptions.defaults(), backend, null);
        LogFingerprinter op = FingerprinterHarness.operator(h);
        for (int i = 0; i < 30; i++) {
            add(h, log("svc", T0 + i * 1_000, 0, i, 9, "worker " + (i % 3) + " finished task " + i));
            h.processWatermark(new Watermark(T0 + i * 1_000 + 999));
        }
        assertThat(op.minerState(key("svc")).tree().clusterCount()).isPositive();
        assertThat(op.minerStateInKeyedState(key("svc"))).as("30 seconds mined, no checkpoint: nothing written").isNull();
        h.snapshot(1, 1);
        assertThat(op.minerStateInKeyedState(key("svc")).tree().clusterCount())
                .isEqualTo(op.minerState(key("svc")).tree().clusterCount());
    }

    /** Partials, dictionary rows, late records and fingerprinted records of a run, as sorted text. */
    static List<String> sortedOutput(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        List<String> out = new ArrayList<>();
        partials(h).forEach(p -> out.add("partial " + text(p)));
        patterns(h).forEach(r -> out.add("pattern " + text(r)));
        FingerprinterHarness.values(h, LogFingerprinter.LATE_LOGS).forEach(r -> out.add("late " + r.kafkaPartition + "@" + r.kafkaOffset));
        fingerprinted(h).forEach(f -> out.add("record " + f.record.kafkaPartition + "@" + f.record.kafkaOffset + " "
                + TemplateFingerprint.toHex(f.fingerprintId)));
        Collections.sort(out);
        return out;
    }

    /** Two partitions of one service with bursts over the cap; templates whose first records decide their ids. */
    static List<LogRecordFlat> burstyInput(SplittableRandom rnd, int seconds) {
        String[] users = {"ann", "bob", "cyd", "dan", "eve"};
        String[] stages = {"fetch", "parse", "index", "merge", "upload"};
        List<LogRecordFlat> out = new ArrayList<>();
        long[] offsets = new long[2];
        for (int s = 0; s < seconds; s++) {
            for (int p = 0; p < 2; p++) {
                int n = 1 + rnd.nextInt(s % 7 == 0 ? 6 : 3);
                for (int k = 0; k < n; k++) {
                    String body = rnd.nextBoolean() ? "user " + users[rnd.nextInt(users.length)] + " logged in from 10.0." + p + "." + k
                            : "stage " + stages[rnd.nextInt(stages.length)] + " of job " + (s % 4) + " complete";
                    out.add(log("api", T0 + s * 1_000L + k * 100L + p * 7L, p, offsets[p]++, rnd.nextInt(10) == 0 ? 17 : 9, body));
                }
            }
        }
        return out;
    }

    /** The records with the partitions merged in another random interleaving, each partition kept in offset order. */
    static List<LogRecordFlat> interleave(List<LogRecordFlat> input, SplittableRandom rnd) {
        List<List<LogRecordFlat>> byPartition = List.of(new ArrayList<>(), new ArrayList<>());
        for (LogRecordFlat r : input) {
            byPartition.get(r.kafkaPartition).add(r);
        }
        List<LogRecordFlat> out = new ArrayList<>();
        int[] next = new int[2];
        while (out.size() < input.size()) {
            int p = next[0] == byPartition.get(0).size() ? 1 : next[1] == byPartition.get(1).size() ? 0 : rnd.nextInt(2);
            int run = 1 + rnd.nextInt(8);
            for (int k = 0; k < run && next[p] < byPartition.get(p).size(); k++) {
                out.add(byPartition.get(p).get(next[p]++));
            }
        }
        return out;
    }

    /**
     * Ten minutes of two services: {@code api} all along (bursty, over the cap of 3 at times), with
     * copies of its records 90 s late (within the allowed lateness) and 10 min late (beyond it) from
     * minute 3 on; {@code batch} in the first two minutes and the last three, idle long enough in
     * between (2-minute timeout) to expire and come back. Watermarks trail the newest record by 5 s.
     */
    record Input(List<LogRecordFlat> records, List<Long> watermarks, int cut, List<LogRecordFlat> reReadFirst) {
        static Input generate() {
            SplittableRandom rnd = new SplittableRandom(17);
            List<LogRecordFlat> base = burstyInput(rnd, 600);
            List<LogRecordFlat> records = new ArrayList<>();
            long offset = 100_000;
            for (LogRecordFlat r : base) {
                records.add(r);
                long s = (r.timeMillis() - T0) / 1_000;
                if (r.kafkaOffset % 40 == 0 && s >= 180) {
                    long back = r.kafkaOffset % 80 == 0 ? 90_000 : 600_000;
                    LogRecordFlat late = log("api", r.timeMillis() - back, r.kafkaPartition, offset++, r.severityNumber,
                            r.kafkaOffset % 120 == 0 ? "checksum mismatch in block " + r.kafkaOffset : r.body);
                    records.add(late);
                }
                if (r.kafkaPartition == 0 && r.kafkaOffset % 3 == 0 && (s < 120 || s >= 420)) {
                    records.add(log("batch", r.timeMillis(), 1, offset++, 9, "batch " + (s < 120 ? "alpha" : "beta") + " step "
                            + (s % 5) + " ok"));
                }
            }
            List<Long> watermarks = new ArrayList<>();
            long max = Long.MIN_VALUE;
            for (LogRecordFlat r : records) {
                if (r.serviceName.equals("api") && r.kafkaOffset < 100_000) {
                    max = Math.max(max, r.timeMillis());
                }
                watermarks.add(max - 5_000);
            }
            int cut = records.size() / 2 / 10 * 10; // right after a watermark
            // the late copies read right after the checkpoint: the restored run meets them before any watermark
            List<LogRecordFlat> reRead = new ArrayList<>();
            for (int i = cut; i < cut + 400; i++) {
                LogRecordFlat r = records.get(i);
                if (r.kafkaOffset >= 100_000 && r.serviceName.equals("api")) {
                    reRead.add(r);
                }
            }
            assertThat(reRead).hasSizeGreaterThan(3);
            return new Input(records, watermarks, cut, reRead);
        }

        /** Feeds records [from, to) with a watermark after every tenth; {@code first} before them all, without one. */
        void feed(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h, int from, int to,
                List<LogRecordFlat> first) throws Exception {
            for (LogRecordFlat r : first) {
                add(h, r);
            }
            for (int i = from; i < to; i++) {
                LogRecordFlat r = records.get(i);
                if (!first.contains(r)) {
                    add(h, r);
                }
                if (i % 10 == 9) {
                    h.processWatermark(new Watermark(watermarks.get(i)));
                }
            }
        }
    }
}
