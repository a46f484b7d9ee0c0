package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.T0;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.WINDOW;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.WINDOW0;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.add;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.harness;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.key;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.log;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.partials;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.patterns;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.totals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * {@link LogFingerprinter} in a keyed harness: mining waits for the watermark and then follows
 * (event time, partition, offset) whatever the arrival order; counts and error counts are exact;
 * state and timers are released; a restore continues identically; caps, lateness and idle streams
 * are counted. What must not depend on timing (late records, the cap, restores) is in
 * {@link LogFingerprinterDeterminismTest}.
 */
class LogFingerprinterTest {
    @Test
    void shouldGiveOneFingerprintPerTemplateAndCountErrorsExactly() throws Exception {
        var h = harness(LogPatternOptions.defaults());
        long off = 0;
        // template A with different variables, 7 of them errors
        for (int i = 0; i < 20; i++) {
            add(h, log("payment", T0 + i * 100, 0, off++, i % 3 == 0 ? 17 : 9,
                    "Payment declined for order " + (100_000 + i * 7) + ": card issuer timeout after " + (40 + i) + " ms"));
        }
        // template B, never an error
        for (int i = 0; i < 15; i++) {
            add(h, log("payment", T0 + i * 130, 1, off++, 9, "Charged order " + (200_000 + i) + " amount " + (i + 1) + ".50 EUR"));
        }
        // template C, all errors by severity text only
        for (int i = 0; i < 5; i++) {
            LogRecordFlat r = log("payment", T0 + i * 90, 0, off++, 0, "Connection to 10.0.0." + i + ":5432 refused");
            r.severityText = "ERROR";
            add(h, r);
        }
        assertThat(h.extractOutputValues()).as("nothing is mined before the watermark").isEmpty();
        h.processWatermark(new Watermark(T0 + 60_000));

        Map<Long, long[]> t = totals(partials(h));
        assertThat(t).hasSize(3);
        List<long[]> counts = new ArrayList<>(t.values());
        counts.sort((a, b) -> Long.compare(b[0], a[0]));
        assertThat(counts.get(0)).containsExactly(20, 7);
        assertThat(counts.get(1)).containsExactly(15, 0);
        assertThat(counts.get(2)).containsExactly(5, 5);

        h.processWatermark(new Watermark(T0 - 100_000 + WINDOW)); // window end passes: dictionary rows
        List<LogPatternRow> rows = patterns(h);
        assertThat(rows).extracting(r -> r.pattern).containsExactlyInAnyOrder(
                "Payment declined for order <*>: card issuer timeout after <*> ms",
                "Charged order <*> amount <*> EUR",
                "Connection to <*> refused");
        assertThat(rows).extracting(r -> r.fingerprintId).containsExactlyInAnyOrderElementsOf(t.keySet());
        LogPatternRow declined = rows.stream().filter(r -> r.pattern.startsWith("Payment")).findFirst().orElseThrow();
        assertThat(declined.severityNumber).isEqualTo(17);
        assertThat(declined.sample).isEqualTo("Payment declined for order 100000: card issuer timeout after 40 ms");
        assertThat(declined.firstSeenMillis).isEqualTo(T0);
        assertThat(declined.lastSeenMillis).isEqualTo(T0 + 1900);
        assertThat(rows.stream().filter(r -> r.pattern.startsWith("Connection")).findFirst().orElseThrow().severityNumber)
                .as("a severity text alone ranks as its level").isEqualTo(17);
    }

    @Test
    void shouldWaitForTheWatermarkThenReleaseBufferAndTimersAndExpireIdleStreams() throws Exception {
        var h = harness(LogPatternOptions.builder().streamIdleTimeout(Duration.ofMinutes(30)).build());
        add(h, log("cart", T0 + 10, 0, 1, 9, "cache miss for key user:1"));
        add(h, log("cart", T0 + 1_500, 0, 2, 9, "cache miss for key user:2"));
        add(h, log("frontend", T0 + 20, 1, 1, 9, "GET /index.html 200"));
        // 3 pending buckets in keyed state (the streams' info waits on the heap for a checkpoint), one timer each,
        // and per key the end of the window (registered with the key's first buffered second of it)
        assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        assertThat(h.numEventTimeTimers()).isEqualTo(5);

        h.processWatermark(new Watermark(T0 + 999));
        assertThat(totals(partials(h)).values()).extracting(c -> c[0]).containsExactly(1L, 1L);
        h.processWatermark(new Watermark(T0 + 1_999));
        assertThat(partials(h)).hasSize(3);
        // buffers gone; per key a window-end timer (dictionary) and an idle-expiry timer
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isEqualTo(4);
        assertThat(patterns(h)).isEmpty();

        h.processWatermark(new Watermark(WINDOW0 + WINDOW - 1));
        assertThat(patterns(h)).hasSize(2);
        assertThat(h.numEventTimeTimers()).isEqualTo(2);
        h.snapshot(1, 1);
        assertThat(h.numKeyedStateEntries()).as("info, miner index and entry map of both streams, written at the checkpoint").isEqualTo(6);

        // idle for 30 minutes of event time: both streams are forgotten, nothing is left
        h.processWatermark(new Watermark(T0 + 999 + Duration.ofMinutes(30).toMillis() - 1));
        assertThat(FingerprinterHarness.operator(h).streamsCached()).isEqualTo(2);
        h.processWatermark(new Watermark(T0 + 999 + Duration.ofMinutes(30).toMillis()));
        assertThat(FingerprinterHarness.operator(h).streamsCached()).as("frontend, idle since its second at T0").isEqualTo(1);
        h.processWatermark(new Watermark(T0 + 1_999 + Duration.ofMinutes(30).toMillis()));
        assertThat(FingerprinterHarness.operator(h).streamsCached()).isZero();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /** Records whose first arrival decides a template: any arrival order gives the same ids and counts. */
    @Test
    void shouldGiveTheSameFingerprintsWhateverTheArrivalOrder() throws Exception {
        List<LogRecordFlat> input = new ArrayList<>();
        String[] states = {"LOOKING", "FOLLOWING", "LEADING", "OBSERVING", "LOOKING"};
        long off = 0;
        for (int i = 0; i < 200; i++) {
            int p = i % 3;
            long t = T0 + (i / 5) * 250;
            String body;
            switch (i % 4) {
                case 0:
                    body = "Peer state changed to " + states[(i / 4) % states.length] + " after " + i + " ms";
                    break;
                case 1:
                    body = "Request GET /item/" + i + " completed with status 200 in " + (i % 17) + " ms";
                    break;
                case 2:
                    body = "Request POST /cart completed with status " + (i % 2 == 0 ? 200 : 201) + " in 3 ms";
                    break;
                default:
                    body = "user u" + (i % 7) + " logged in from host-" + (i % 5);
            }
            input.add(log("svc", t, p, off++, i % 9 == 0 ? 17 : 9, body));
        }
        List<String> reference = null;
        Random rnd = new Random(1);
        for (int run = 0; run < 5; run++) {
            List<LogRecordFlat> shuffled = new ArrayList<>(input);
            if (run > 0) {
                Collections.shuffle(shuffled, rnd);
            }
            var h = harness(LogPatternOptions.defaults());
            for (LogRecordFlat r : shuffled) {
                add(h, r);
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<String> out = new ArrayList<>();
            for (LogPatternPartial p : partials(h)) {
                out.add(p.toString());
            }
            Collections.sort(out);
            for (LogPatternRow r : patterns(h)) {
                out.add(r.fingerprintHex() + " " + r.pattern + " " + r.sample + " " + java.util.Arrays.toString(r.aliases) + " " + r.mergedInto);
            }
            if (reference == null) {
                reference = out;
                assertThat(out).isNotEmpty();
            } else {
                assertThat(out).as("arrival order %d", run).containsExactlyElementsOf(reference);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldContinueIdenticallyAfterRestoreFromSnapshot(StateBackends backend) throws Exception {
        List<LogRecordFlat> input = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            input.add(log("svc", T0 + i * 40, i % 2, i, i % 10 == 0 ? 17 : 9,
                    i % 3 == 0 ? "Scheduled shipment " + Integer.toHexString(0xabc000 + i) + " for order " + (500_000 + i)
                            : "worker " + (i % 4) + " finished task " + i + " in " + (i % 13) + "ms"));
        }
        var full = harness(LogPatternOptions.defaults(), backend, null);
        for (LogRecordFlat r : input) {
            add(full, r);
            if (r.kafkaOffset % 50 == 49) {
                full.processWatermark(new Watermark(r.timeMillis() - 1_000));
            }
        }
        full.processWatermark(new Watermark(Long.MAX_VALUE));

        var first = harness(LogPatternOptions.defaults(), backend, null);
        OperatorSubtaskState snap = null;
        int cut = 170;
        for (int i = 0; i < cut; i++) {
            add(first, input.get(i));
            if (i % 50 == 49) {
                first.processWatermark(new Watermark(input.get(i).timeMillis() - 1_000));
            }
        }
        snap = first.snapshot(1, 1);
        List<LogPatternPartial> before = partials(first);
        List<LogPatternRow> rowsBefore = patterns(first);
        first.close();
        var second = harness(LogPatternOptions.defaults(), backend, snap);
        for (int i = cut; i < input.size(); i++) {
            add(second, input.get(i));
            if (i % 50 == 49) {
                second.processWatermark(new Watermark(input.get(i).timeMillis() - 1_000));
            }
        }
        second.processWatermark(new Watermark(Long.MAX_VALUE));
        List<String> resumed = new ArrayList<>();
        before.forEach(p -> resumed.add(p.toString()));
        partials(second).forEach(p -> resumed.add(p.toString()));
        List<String> uninterrupted = new ArrayList<>();
        partials(full).forEach(p -> uninterrupted.add(p.toString()));
        assertThat(resumed).containsExactlyElementsOf(uninterrupted);
        List<String> rowsResumed = new ArrayList<>();
        rowsBefore.forEach(r -> rowsResumed.add(r.toString() + r.sample));
        patterns(second).forEach(r -> rowsResumed.add(r.toString() + r.sample));
        List<String> rowsFull = new ArrayList<>();
        patterns(full).forEach(r -> rowsFull.add(r.toString() + r.sample));
        assertThat(rowsResumed).containsExactlyElementsOf(rowsFull);
    }

    @Test
    void shouldSendRecordsBeyondAllowedLatenessToSideOutputAndCountLateOnesAtTheEndOfTheirLateness() throws Exception {
        var h = harness(LogPatternOptions.builder().allowedLateness(Duration.ofMinutes(1)).build());
        h.processWatermark(new Watermark(WINDOW0 + WINDOW + 30_000));
        add(h, log("svc", T0, 0, 1, 9, "late but within lateness 1"));
        add(h, log("svc", WINDOW0 - 1, 0, 2, 9, "beyond lateness 2"));
        assertThat(h.getSideOutput(LogFingerprinter.LATE_LOGS)).extracting(r -> r.getValue().body).containsExactly("beyond lateness 2");
        h.processWatermark(new Watermark(WINDOW0 + WINDOW + 31_000));
        assertThat(partials(h)).as("matched only when the lateness of its window is about to end").isEmpty();
        h.processWatermark(new Watermark(WINDOW0 + WINDOW - 1 + 60_000 - 1));
        assertThat(partials(h)).hasSize(1);
        LogPatternPartial p = partials(h).get(0);
        assertThat(p.windowStartMillis).isEqualTo(WINDOW0);
        assertThat(p.fingerprintId).as("no pattern to match: the stream's late-unmatched pattern")
                .isEqualTo(UnminedPatterns.lateUnmatchedId("acme", "urn:svc:shop/svc"));
        h.processWatermark(new Watermark(WINDOW0 + 2 * WINDOW - 1));
        assertThat(patterns(h)).extracting(r -> r.pattern).containsExactly(UnminedPatterns.LATE_UNMATCHED_PATTERN);
        assertThat(FingerprinterHarness.fingerprinted(h)).as("off by default").isEmpty();
    }

    @Test
    void shouldFoldRecordsOverThePerSecondCapOfAPartitionIntoTheOverCapPattern() throws Exception {
        var h = harness(LogPatternOptions.builder().secondMaxRecords(2).build());
        add(h, log("svc", T0, 0, 1, 9, "job 1 done"));
        add(h, log("svc", T0 + 10, 0, 2, 17, "job 2 done"));
        add(h, log("svc", T0 + 20, 0, 3, 17, "job 3 done")); // third of partition 0 in this second
        add(h, log("svc", T0 + 5, 1, 1, 9, "job 4 done")); // partition 1 has its own 2
        add(h, log("svc", T0 + 2_000, 0, 4, 9, "job 5 done")); // another second
        assertThat(partials(h)).isEmpty();
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        Map<Long, long[]> t = totals(partials(h));
        long overCap = UnminedPatterns.overCapId("acme", "urn:svc:shop/svc");
        assertThat(t.get(overCap)).containsExactly(1, 1);
        assertThat(t.values().stream().mapToLong(c -> c[0]).sum()).as("every record counted").isEqualTo(5);
        LogPatternRow row = patterns(h).stream().filter(r -> r.fingerprintId == overCap).findFirst().orElseThrow();
        assertThat(row.pattern).isEqualTo(UnminedPatterns.OVER_CAP_PATTERN);
        assertThat(row.sample).isEqualTo("job 3 done");
        assertThat(row.severityNumber).isEqualTo(17);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldCapPatternsPerServiceAndEvictTheLeastRecentlyUsed() throws Exception {
        var h = harness(LogPatternOptions.builder().drain(DrainOptions.builder().maxClusters(2).build()).build());
        String[] bodies = {"alpha started", "beta stopped now", "gamma was restarted twice today"};
        long off = 0;
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < bodies.length; k++) {
                add(h, log("svc", T0 + round * 1_000 + k, 0, off++, 9, bodies[k]));
            }
        }
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        LogMinerState st = FingerprinterHarness.operator(h).minerState(key("svc"));
        assertThat(st.tree().clusterCount()).isEqualTo(2);
        assertThat(st.tree().clustersEvicted()).isGreaterThan(0);
        assertThat(st.patternCount()).isLessThanOrEqualTo(2 + 2 + st.pruneSlack());
        // every record is still counted, under the id its template had when it was mined
        assertThat(totals(partials(h)).values().stream().mapToLong(c -> c[0]).sum()).isEqualTo(9);
    }

    @Test
    void shouldRecordMergedFingerprintsAsAliases() throws Exception {
        var h = harness(LogPatternOptions.defaults());
        String[] values = {"LOOKING", "LEADING", "FOLLOWING", "OBSERVING"};
        for (int i = 0; i < values.length; i++) {
            add(h, log("zk", T0 + i * 1_000, 0, i, 9, "peer state is " + values[i]));
        }
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<LogPatternRow> rows = patterns(h);
        LogPatternRow survivor = rows.stream().filter(r -> r.mergedInto == null).findFirst().orElseThrow();
        assertThat(survivor.pattern).isEqualTo("peer state is <*>");
        List<LogPatternRow> merged = rows.stream().filter(r -> r.mergedInto != null).toList();
        assertThat(merged).isNotEmpty().allSatisfy(r -> assertThat(r.mergedInto).isEqualTo(survivor.fingerprintId));
        assertThat(survivor.aliases).containsExactlyInAnyOrder(merged.stream().mapToLong(r -> r.fingerprintId).toArray());
        assertThat(survivor.sample).as("the earliest record of the merged group").isEqualTo("peer state is LOOKING");
        assertThat(survivor.firstSeenMillis).isEqualTo(T0);
        assertThat(totals(partials(h)).values().stream().mapToLong(c -> c[0]).sum()).isEqualTo(4);
    }

    /** Tenant and service are untrusted: a crafted pair cannot produce another stream's key. */
    @Test
    void serviceAndSeriesKeysOfCraftedNamesNeverCollide() {
        LogRecordFlat a = log("x", T0, 0, 1, 9, "m");
        a.tenant = "acme\u0000urn:svc:shop/pay";
        a.serviceUrn = "ment";
        LogRecordFlat b = log("x", T0, 0, 1, 9, "m");
        b.tenant = "acme";
        b.serviceUrn = "urn:svc:shop/pay\u0000ment";
        assertThat(LogFingerprinter.serviceKey(a)).isNotEqualTo(LogFingerprinter.serviceKey(b));
        LogPatternPartial p = new LogPatternPartial();
        p.tenant = a.tenant;
        p.serviceUrn = a.serviceUrn;
        LogPatternPartial q = new LogPatternPartial();
        q.tenant = b.tenant;
        q.serviceUrn = b.serviceUrn;
        assertThat(p.seriesKey()).isNotEqualTo(q.seriesKey());
    }

    /**
     * Keyed state lives under its key: the stream and series keys of ordinary names are the ones
     * 0.1.0 wrote ({@code \u0000}-joined), so its savepoints restore into the same streams and windows.
     */
    @Test
    void serviceAndSeriesKeysOfOrdinaryNamesAreThoseOfVersion010() {
        LogRecordFlat r = log("pay", T0, 0, 1, 9, "m");
        assertThat(LogFingerprinter.serviceKey(r)).isEqualTo(r.tenant + '\u0000' + r.serviceUrn);
        LogPatternPartial p = new LogPatternPartial();
        p.tenant = r.tenant;
        p.serviceUrn = r.serviceUrn;
        p.fingerprintId = 0x1234L;
        assertThat(p.seriesKey()).isEqualTo(r.tenant + '\u0000' + r.serviceUrn + '\u0000' + TemplateFingerprint.toHex(0x1234L));
    }

    /**
     * A stream kept under a key that is not its current key (0.1.0's plain NUL join of a tenant
     * holding a NUL) fails the job at its first timer, naming the state, rather than being mined
     * apart from the records its current key now receives.
     */
    @Test
    void aStreamRestoredUnderAnOutdatedKeyFailsLoudly() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial>(
                new LogFingerprinter(LogPatternOptions.builder().build()), r -> r.tenant + '\u0000' + r.serviceUrn, Types.STRING);
        h.open();
        LogRecordFlat r = log("pay", T0, 0, 1, 9, "user ann logged in");
        r.tenant = "ac\u0000me";
        h.processElement(new StreamRecord<>(r, T0));
        assertThatThrownBy(() -> h.processWatermark(new Watermark(T0 + 60_000)))
                .hasStackTraceContaining("incompatible restored state 'log-stream-info'");
        assertThat(partials(h)).isEmpty();
    }

    /** With fingerprinted logs on, every counted record comes out whole with the id its count went to. */
    @Test
    void fingerprintedLogsCarryEveryFieldAndTheIdTheRecordWasCountedUnder() throws Exception {
        var h = harness(LogPatternOptions.builder().fingerprintedLogs(true).secondMaxRecords(1).build());
        LogRecordFlat r = log("svc", T0, 0, 7, 9, "user ann logged in");
        r.indexInMessage = 3;
        r.hostName = "host-1";
        r.traceIdHi = 11;
        r.traceIdLo = 12;
        r.spanId = 13;
        r.attributes = new java.util.LinkedHashMap<>(Map.of("user", "ann"));
        r.resourceAttributes = new java.util.LinkedHashMap<>(Map.of("service.name", "svc"));
        add(h, r);
        LogRecordFlat over = log("svc", T0 + 1, 0, 8, 9, "user bob logged in"); // over the cap of 1
        add(h, over);
        h.processWatermark(new Watermark(T0 + 60_000));
        add(h, log("svc", T0 + 5, 1, 9, 9, "user ann logged in")); // late: matched at the end of the lateness
        h.processWatermark(new Watermark(Long.MAX_VALUE));

        List<FingerprintedLog> out = FingerprinterHarness.fingerprinted(h);
        assertThat(out).hasSize(3);
        FingerprintedLog first = out.stream().filter(f -> f.record.kafkaOffset == 7).findFirst().orElseThrow();
        assertThat(first.record).usingRecursiveComparison().isEqualTo(r);
        assertThat(out.stream().filter(f -> f.record.kafkaOffset == 8).findFirst().orElseThrow().fingerprintId)
                .isEqualTo(UnminedPatterns.overCapId("acme", "urn:svc:shop/svc"));
        assertThat(out.stream().filter(f -> f.record.kafkaOffset == 9).findFirst().orElseThrow().fingerprintId)
                .as("the late record matched the pattern of the first").isEqualTo(first.fingerprintId);
        // the counts went to the same ids
        Map<Long, long[]> t = totals(partials(h));
        assertThat(t.get(first.fingerprintId)[0]).isEqualTo(2);
    }
}
