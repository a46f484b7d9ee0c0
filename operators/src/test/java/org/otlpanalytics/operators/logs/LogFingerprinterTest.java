package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * {@link LogFingerprinter} in a keyed harness: mining waits for the watermark and then follows
 * (event time, partition, offset) whatever the arrival order; counts and error counts are exact;
 * state and timers are released; a restore continues identically; caps and lateness are counted.
 */
class LogFingerprinterTest {
    static final long T0 = 1_772_000_200_000L; // 100 s into a 5-minute window
    static final long WINDOW = LogPatternOptions.WINDOW_MILLIS;

    static LogRecordFlat log(String service, long timeMillis, int partition, long offset, int severity, String body) {
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = "acme";
        r.serviceName = service;
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/" + service;
        r.timeNanos = timeMillis * 1_000_000L + offset % 1000;
        r.severityNumber = severity;
        r.severityText = severity >= 17 ? "ERROR" : "INFO";
        r.body = body;
        r.kafkaPartition = partition;
        r.kafkaOffset = offset;
        return r;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> harness(LogPatternOptions o) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new LogFingerprinter(o), LogFingerprinter::serviceKey, Types.STRING);
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h, LogRecordFlat r) throws Exception {
        h.processElement(new StreamRecord<>(r, r.timeMillis()));
    }

    static List<LogPatternPartial> partials(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        return new ArrayList<>(h.extractOutputValues());
    }

    static List<LogPatternRow> patterns(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        List<LogPatternRow> out = new ArrayList<>();
        if (h.getSideOutput(LogFingerprinter.PATTERNS) == null) {
            return out;
        }
        for (StreamRecord<LogPatternRow> r : h.getSideOutput(LogFingerprinter.PATTERNS)) {
            out.add(r.getValue());
        }
        return out;
    }

    /** fingerprint -> {total, error} summed over partials. */
    static Map<Long, long[]> totals(List<LogPatternPartial> ps) {
        Map<Long, long[]> m = new LinkedHashMap<>();
        for (LogPatternPartial p : ps) {
            long[] c = m.computeIfAbsent(p.fingerprintId, k -> new long[2]);
            c[0] += p.countTotal;
            c[1] += p.countError;
        }
        return m;
    }

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
    void shouldWaitForTheWatermarkThenReleaseBufferAndTimers() throws Exception {
        var h = harness(LogPatternOptions.defaults());
        add(h, log("cart", T0 + 10, 0, 1, 9, "cache miss for key user:1"));
        add(h, log("cart", T0 + 1_500, 0, 2, 9, "cache miss for key user:2"));
        add(h, log("frontend", T0 + 20, 1, 1, 9, "GET /index.html 200"));
        // 2 keys x (info) + 3 pending buckets, one timer per pending bucket
        assertThat(h.numKeyedStateEntries()).isEqualTo(5);
        assertThat(h.numEventTimeTimers()).isEqualTo(3);

        h.processWatermark(new Watermark(T0 + 999));
        assertThat(totals(partials(h)).values()).extracting(c -> c[0]).containsExactly(1L, 1L);
        h.processWatermark(new Watermark(T0 + 1_999));
        assertThat(partials(h)).hasSize(3);
        // buffers gone; per key the stream info and the miner state stay; one window-end timer per key
        assertThat(h.numKeyedStateEntries()).isEqualTo(4);
        assertThat(h.numEventTimeTimers()).isEqualTo(2);
        assertThat(patterns(h)).isEmpty();

        h.processWatermark(new Watermark(T0 - 100_000 + WINDOW - 1));
        assertThat(patterns(h)).hasSize(2);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isEqualTo(4);
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

    static Map<String, String> sorted(Map<String, String> m) {
        return m == null ? null : new java.util.TreeMap<>(m);
    }

    /** A record's identity and every field log_record stores, as text (attributes in name order: the output serializer keeps no order). */
    static String whole(LogRecordFlat r) {
        return r.tenant + "|" + r.serviceName + "|" + r.serviceNamespace + "|" + r.serviceUrn + "|" + r.hostName + "|" + r.timeNanos
                + "|" + r.severityNumber + "|" + r.severityText + "|" + r.body + "|" + r.traceIdHi + "|" + r.traceIdLo + "|" + r.spanId
                + "|" + sorted(r.attributes) + "|" + sorted(r.resourceAttributes) + "|" + r.kafkaPartition + "|" + r.kafkaOffset + "|" + r.indexInMessage;
    }

    @Test
    void shouldEmitEveryRecordWholeOnceWithItsFingerprintAcrossARestore() throws Exception {
        List<LogRecordFlat> input = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            LogRecordFlat r = log(i % 2 == 0 ? "cart" : "pay", T0 + i * 40, i % 2, i, i % 10 == 0 ? 17 : 9,
                    i % 3 == 0 ? "Scheduled shipment " + (500_000 + i) + "\ttab \"q\" \\ \u00e9\ud83d\ude00" : "worker " + (i % 4) + " done in " + i + "ms");
            r.hostName = i % 5 == 0 ? null : "host-" + (i % 3);
            r.traceIdHi = i == 7 ? 0 : 0x1234_0000_0000_0000L + i;
            r.traceIdLo = -i;
            r.spanId = i == 7 ? 0 : 0x7700 + i;
            r.indexInMessage = i % 4;
            r.attributes = i % 4 == 0 ? null : new LinkedHashMap<>(Map.of("k" + i, "v\n" + i));
            r.resourceAttributes = new LinkedHashMap<>(Map.of("host.name", "h", "service.name", r.serviceName));
            input.add(r);
        }
        List<String> expected = new ArrayList<>();
        input.forEach(r -> expected.add(whole(r)));
        var first = new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial>(
                new LogFingerprinter(LogPatternOptions.defaults(), true), LogFingerprinter::serviceKey, Types.STRING);
        first.open();
        int cut = 120;
        for (int i = 0; i < cut; i++) {
            add(first, input.get(i));
            if (i % 50 == 49) {
                first.processWatermark(new Watermark(input.get(i).timeMillis() - 1_000));
            }
        }
        // records still buffered (whole) at the snapshot come back from it
        OperatorSubtaskState snap = first.snapshot(1, 1);
        List<FingerprintedLog> emitted = new ArrayList<>(records(first));
        List<LogPatternPartial> partials = partials(first);
        assertThat(emitted.size()).isLessThan(cut);
        first.close();
        var second = new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial>(
                new LogFingerprinter(LogPatternOptions.defaults(), true), LogFingerprinter::serviceKey, Types.STRING);
        second.initializeState(snap);
        second.open();
        for (int i = cut; i < input.size(); i++) {
            add(second, input.get(i));
        }
        second.processWatermark(new Watermark(Long.MAX_VALUE));
        emitted.addAll(records(second));
        partials.addAll(partials(second));
        List<String> actual = new ArrayList<>();
        emitted.forEach(f -> actual.add(whole(f.record)));
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        // counted back per fingerprint, the records give the partial counts
        Map<Long, long[]> fromRecords = new LinkedHashMap<>();
        for (FingerprintedLog f : emitted) {
            long[] c = fromRecords.computeIfAbsent(f.fingerprintId, k -> new long[2]);
            c[0]++;
            c[1] += f.record.isError() ? 1 : 0;
        }
        Map<Long, long[]> fromPartials = totals(partials);
        assertThat(fromRecords.keySet()).isEqualTo(fromPartials.keySet());
        fromPartials.forEach((id, c) -> assertThat(fromRecords.get(id)).as("fingerprint %d", id).containsExactly(c));
        // without the option, nothing is emitted
        var plain = harness(LogPatternOptions.defaults());
        input.forEach(r -> {
            try {
                add(plain, r);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        plain.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(records(plain)).isEmpty();
        assertThat(totals(partials(plain)).keySet()).isEqualTo(fromPartials.keySet());
    }

    static List<FingerprintedLog> records(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h) {
        List<FingerprintedLog> out = new ArrayList<>();
        if (h.getSideOutput(LogFingerprinter.RECORDS) != null) {
            for (StreamRecord<FingerprintedLog> r : h.getSideOutput(LogFingerprinter.RECORDS)) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    @Test
    void shouldContinueIdenticallyAfterRestoreFromSnapshot() throws Exception {
        List<LogRecordFlat> input = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            input.add(log("svc", T0 + i * 40, i % 2, i, i % 10 == 0 ? 17 : 9,
                    i % 3 == 0 ? "Scheduled shipment " + Integer.toHexString(0xabc000 + i) + " for order " + (500_000 + i)
                            : "worker " + (i % 4) + " finished task " + i + " in " + (i % 13) + "ms"));
        }
        var full = harness(LogPatternOptions.defaults());
        for (LogRecordFlat r : input) {
            add(full, r);
            if (r.kafkaOffset % 50 == 49) {
                full.processWatermark(new Watermark(r.timeMillis() - 1_000));
            }
        }
        full.processWatermark(new Watermark(Long.MAX_VALUE));

        var first = harness(LogPatternOptions.defaults());
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
        var second = new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial>(
                new LogFingerprinter(LogPatternOptions.defaults()), LogFingerprinter::serviceKey, Types.STRING);
        second.initializeState(snap);
        second.open();
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
    void shouldSendRecordsBeyondAllowedLatenessToSideOutputAndMineLateOnes() throws Exception {
        var h = harness(LogPatternOptions.builder().allowedLateness(Duration.ofMinutes(1)).build());
        long windowStart = T0 - 100_000;
        h.processWatermark(new Watermark(windowStart + WINDOW + 30_000));
        add(h, log("svc", T0, 0, 1, 9, "late but within lateness 1"));
        add(h, log("svc", windowStart - 1, 0, 2, 9, "beyond lateness 2"));
        assertThat(h.getSideOutput(LogFingerprinter.LATE_LOGS)).extracting(r -> r.getValue().body).containsExactly("beyond lateness 2");
        h.processWatermark(new Watermark(windowStart + WINDOW + 31_000));
        assertThat(partials(h)).hasSize(1);
        assertThat(partials(h).get(0).windowStartMillis).isEqualTo(windowStart);
        assertThat(patterns(h)).hasSize(1);
    }

    @Test
    void shouldMineTheOldestBucketEarlyWhenTheBufferIsFull() throws Exception {
        var h = harness(LogPatternOptions.builder().bufferMaxRecords(3).build());
        add(h, log("svc", T0, 0, 1, 9, "job 1 done"));
        add(h, log("svc", T0 + 10, 0, 2, 9, "job 2 done"));
        add(h, log("svc", T0 + 2_000, 0, 3, 9, "job 3 done"));
        assertThat(partials(h)).isEmpty();
        add(h, log("svc", T0 + 3_000, 0, 4, 9, "job 4 done"));
        // the first second (2 records) was mined early; two records remain buffered
        assertThat(totals(partials(h)).values()).extracting(c -> c[0]).containsExactly(2L);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(totals(partials(h)).values()).extracting(c -> c[0]).containsExactly(4L);
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
        LogMinerState st = ((LogFingerprinter) h.getOperator()).minerState("acme\u0000urn:svc:shop/svc");
        assertThat(st.tree().clusterCount()).isEqualTo(2);
        assertThat(st.tree().clustersEvicted()).isGreaterThan(0);
        assertThat(st.patternCount()).isLessThanOrEqualTo(2 + st.pruneSlack());
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
}
