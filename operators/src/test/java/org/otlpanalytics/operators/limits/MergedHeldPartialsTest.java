package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.testing.StateBackends;

/**
 * The pattern limit's held partials summed per pattern and window ({@link CardinalityLimiter.Held#MERGED}):
 * the 5-minute counts after it equal those after held lists, whatever the order, and a savepoint of
 * the list layout restores into it.
 */
class MergedHeldPartialsTest {
    static final long WINDOW = LogPatternOptions.WINDOW_MILLIS;
    static final long LATENESS = 120_000L;
    static final int LIMIT = 6;
    static final TypeInformation<LogPatternPartial> TYPE = TypeInformation.of(LogPatternPartial.class);

    /** A fingerprinter's partial: {@code total} records of pattern {@code fp}, {@code error} of them errors, at Kafka {@code offset}. */
    static LogPatternPartial partial(String tenant, String service, long fp, long window, long total, long error, int partition,
            long offset, long timeMillis) {
        LogPatternPartial p = new LogPatternPartial();
        p.tenant = tenant;
        p.serviceName = service;
        p.serviceNamespace = "ns";
        p.serviceUrn = "urn:svc:ns/" + service;
        p.windowStartMillis = window;
        p.fingerprintId = fp;
        p.countTotal = total;
        p.countError = error;
        p.range = new KafkaRange();
        p.range.add(partition, offset, timeMillis);
        p.range.add(partition, offset + total - 1, timeMillis + 500);
        return p;
    }

    static List<LogPatternPartial> input(long seed) {
        Random r = new Random(seed);
        List<LogPatternPartial> in = new ArrayList<>();
        long offset = 0;
        for (int w = 0; w < 2; w++) {
            for (int fp = 1; fp <= 20; fp++) {
                for (int n = 0; n <= fp % 4; n++) {
                    long total = 1 + r.nextInt(9);
                    in.add(partial(fp % 3 == 0 ? "u" : "t", "svc-" + fp % 5, fp * 7919L, w * WINDOW, total, r.nextInt((int) total + 1),
                            r.nextInt(2), offset, w * WINDOW + 1000 + r.nextInt(200_000)));
                    offset += total;
                }
            }
        }
        return in;
    }

    static LogPatternPartial copy(LogPatternPartial p) {
        return LogPatternPartial.sum(null, p);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternPartial> harness(CardinalityLimiter.Held layout,
            StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        LimitSubject<LogPatternPartial> subject = LogLimitSubjects.patterns();
        CardinalityLimiter<LogPatternPartial> limiter = layout == CardinalityLimiter.Held.MERGED
                ? new CardinalityLimiter<>(subject, TYPE, LIMIT, WINDOW, LATENESS, "patternLimiter", LogPatternPartial::sum)
                : new CardinalityLimiter<>(subject, TYPE, LIMIT, WINDOW, LATENESS, "patternLimiter", layout);
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternPartial>(
                new HorizonKeyedProcessOperator<>(limiter), subject::scope, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternPartial> h, LogPatternPartial p)
            throws Exception {
        h.processElement(new StreamRecord<>(copy(p), p.windowStartMillis));
    }

    static List<LogPatternPartial> emitted(KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternPartial> h) {
        List<LogPatternPartial> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((LogPatternPartial) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    /** What the 5-minute counts make of partials: per window, tenant, service and fingerprint, the totals and the merged Kafka range. */
    static Map<String, String> counts(List<LogPatternPartial> partials) {
        Map<String, LogPatternPartial> sums = new TreeMap<>();
        for (LogPatternPartial p : partials) {
            String k = p.windowStartMillis + " " + p.tenant + " " + p.serviceUrn + " " + p.fingerprintId;
            sums.put(k, LogPatternPartial.sum(sums.get(k), p));
        }
        Map<String, String> out = new TreeMap<>();
        sums.forEach((k, s) -> out.put(k, s.countTotal + "/" + s.countError + " " + Arrays.toString(s.range.from) + "-"
                + Arrays.toString(s.range.to) + " " + s.range.timeFromMillis + "-" + s.range.timeToMillis));
        return out;
    }

    /** The counts after summed partials equal those after held lists, in every order, and one partial per pattern and window goes on. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldCountTheSameAsHeldListsWithOnePartialPerPatternAndWindow(StateBackends backend) throws Exception {
        List<LogPatternPartial> in = input(11);
        Map<String, String> expected = null;
        for (int round = 0; round < 3; round++) {
            List<LogPatternPartial> order = new ArrayList<>(in);
            Collections.shuffle(order, new Random(round));
            var lists = harness(CardinalityLimiter.Held.LISTS, backend, null);
            var merged = harness(CardinalityLimiter.Held.MERGED, backend, null);
            for (LogPatternPartial p : order) {
                add(lists, p);
                add(merged, p);
            }
            lists.processWatermark(new Watermark(2 * WINDOW + LATENESS + 1));
            merged.processWatermark(new Watermark(2 * WINDOW + LATENESS + 1));
            Map<String, String> fromLists = counts(emitted(lists));
            if (expected == null) {
                expected = fromLists;
                java.util.Set<String> mined = new java.util.HashSet<>();
                in.forEach(p -> mined.add(Long.toString(p.fingerprintId)));
                assertThat(expected.keySet()).as("the input passes the limit: over-limit patterns")
                        .anyMatch(k -> !mined.contains(k.substring(k.lastIndexOf(' ') + 1)));
            }
            assertThat(counts(emitted(merged))).as("order " + round).isEqualTo(fromLists).isEqualTo(expected);
            assertThat(emitted(merged).stream().mapToLong(p -> p.countTotal).sum())
                    .isEqualTo(in.stream().mapToLong(p -> p.countTotal).sum());
            assertThat(emitted(merged).size()).as("fewer partials go on").isLessThan(emitted(lists).size());
            if (backend == StateBackends.HEAP) {
                assertThat(merged.numKeyedStateEntries()).as("no state after the lateness").isZero();
            }
            lists.close();
            merged.close();
        }
    }

    /** A savepoint of the list layout, taken mid-window with partials held, restores into the summed one with nothing lost. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldEmitThePartialsHeldAsListsInASavepoint(StateBackends backend) throws Exception {
        List<LogPatternPartial> in = input(5);
        var clean = harness(CardinalityLimiter.Held.LISTS, backend, null);
        for (LogPatternPartial p : in) {
            add(clean, p);
        }
        clean.processWatermark(new Watermark(2 * WINDOW + LATENESS + 1));

        var old = harness(CardinalityLimiter.Held.LISTS, backend, null);
        for (int i = 0; i < in.size() / 2; i++) {
            add(old, in.get(i));
        }
        List<LogPatternPartial> out = new ArrayList<>(emitted(old));
        var snapshot = old.snapshot(1, 1);
        old.close();
        var restored = harness(CardinalityLimiter.Held.MERGED, backend, snapshot);
        for (int i = in.size() / 2; i < in.size(); i++) {
            add(restored, in.get(i));
        }
        restored.processWatermark(new Watermark(2 * WINDOW + LATENESS + 1));
        out.addAll(emitted(restored));
        assertThat(counts(out)).isEqualTo(counts(emitted(clean)));
        if (backend == StateBackends.HEAP) {
            assertThat(restored.numKeyedStateEntries()).as("the lists are emptied too").isZero();
        }
        restored.close();
        clean.close();
    }

    @Test
    void shouldSumCountsAndRangesWithoutChangingThePartsAdded() {
        LogPatternPartial a = partial("t", "api", 1, 0, 3, 1, 0, 10, 1000);
        LogPatternPartial b = partial("t", "api", 1, 0, 2, 0, 1, 4, 500);
        LogPatternPartial s = LogPatternPartial.sum(LogPatternPartial.sum(null, a), b);
        assertThat(s).isNotSameAs(a);
        assertThat(s.countTotal).isEqualTo(5);
        assertThat(s.countError).isEqualTo(1);
        assertThat(s.range.from).containsExactly(10, 4);
        assertThat(s.range.to).containsExactly(12, 5);
        assertThat(s.range.timeFromMillis).isEqualTo(500);
        assertThat(s.range.timeToMillis).isEqualTo(1500);
        assertThat(a.countTotal).as("a part is not changed").isEqualTo(3);
        assertThat(a.range.from).containsExactly(10);
    }

    @Test
    void shouldRefuseAMergedLayoutWithoutAMerger() {
        assertThatThrownBy(() -> new CardinalityLimiter<>(LogLimitSubjects.patterns(), TYPE, LIMIT, WINDOW, LATENESS, "g",
                CardinalityLimiter.Held.MERGED)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merger");
    }
}
