package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.logs.LogPatternRow;

/**
 * Dictionary rows of one fingerprint pending in one flush: the set written is the merge the upsert
 * makes, whatever order the rows came in (a batch-mode exchange delivered 10:14, 10:04, 10:09, and
 * the last one replaced the others: {@code last_seen} went back to 10:09).
 */
class LogPatternPendingMergeTest {
    private static final long T = 1_772_791_200_000L; // 2026-03-06T10:00:00Z

    /** The fingerprinter's three emissions of one pattern: each a snapshot of everything seen so far. */
    static List<LogPatternRow> emissions() {
        LogPatternRow r1 = row("Request GET <*> completed", T + 159_940, 2, 224, 9, "INFO", T + 159_940, T + 298_024);
        r1.snapshotMillis = T + 299_999;
        LogPatternRow r2 = row("Request GET <*> completed", T + 159_940, 2, 224, 13, "WARN", T + 159_940, T + 597_002);
        r2.aliases = new long[] {7L};
        r2.snapshotMillis = T + 599_999;
        LogPatternRow r3 = row("Request GET <*> completed in <*> ms", T + 159_940, 2, 224, 13, "WARN", T + 159_940, T + 899_653);
        r3.aliases = new long[] {7L, 8L};
        r3.snapshotMillis = T + 899_999;
        return List.of(r1, r2, r3);
    }

    @Test
    void rowsOfOneFingerprintOutOfOrderLeaveWhatTheyLeaveInOrder() {
        List<LogPatternRow> e = emissions();
        Object[] inOrder = pending(e.get(0), e.get(1), e.get(2));
        Object[] reordered = pending(e.get(2), e.get(0), e.get(1));
        // the widening columns are those of every emission: first seen, last seen, sample, severity
        assertThat(reordered[12]).isEqualTo(PgParams.ts(T + 899_653)).isEqualTo(inOrder[12]);
        assertThat(reordered[11]).isEqualTo(PgParams.ts(T + 159_940)).isEqualTo(inOrder[11]);
        assertThat(reordered[9]).isEqualTo(13).isEqualTo(inOrder[9]);
        assertThat(reordered[10]).isEqualTo("WARN").isEqualTo(inOrder[10]);
        assertThat(java.util.Arrays.copyOfRange(reordered, 0, 3)).isEqualTo(java.util.Arrays.copyOfRange(inOrder, 0, 3));
        assertThat(java.util.Arrays.copyOfRange(reordered, 4, 9)).isEqualTo(java.util.Arrays.copyOfRange(inOrder, 4, 9));
        // pattern text, aliases, merged-into and snapshot time are the newest snapshot's, whatever came last
        for (Object[] m : List.of(inOrder, reordered, pending(e.get(1), e.get(2), e.get(0)))) {
            assertThat(m[3]).isEqualTo("Request GET <*> completed in <*> ms");
            assertThat((long[]) m[13]).containsExactly(7L, 8L);
            assertThat(m[14]).isNull();
            assertThat(m[15]).isEqualTo(PgParams.ts(T + 899_999));
        }
    }

    @Test
    void aMergedIntoOfTheNewerSnapshotWinsOverAnOlderOneWithTheSameLastSeen() {
        LogPatternRow live = row("Request GET <*> completed", T + 1_000, 0, 1, 9, "INFO", T + 1_000, T + 4_000);
        live.snapshotMillis = T + 299_999;
        LogPatternRow merged = row("Request GET <*> completed", T + 1_000, 0, 1, 9, "INFO", T + 1_000, T + 4_000);
        merged.mergedInto = 42L;
        merged.snapshotMillis = T + 305_999;
        assertThat(pending(merged, live)[14]).isEqualTo(42L);
        assertThat(pending(live, merged)[14]).isEqualTo(42L);
    }

    @Test
    void theEarliestSampleWinsByTimeThenPartitionThenOffsetAndTheHighestSeverityKeepsItsText() {
        LogPatternRow late = row("p", T + 5_000, 0, 10, 17, "ERROR", T + 5_000, T + 9_000);
        late.sample = "late sample";
        LogPatternRow early = row("p", T + 1_000, 2, 99, 9, "INFO", T + 1_000, T + 4_000);
        early.sample = "early sample";
        LogPatternRow sameTimeLowerPartition = row("p", T + 1_000, 1, 500, 9, "INFO", T + 1_000, T + 2_000);
        sameTimeLowerPartition.sample = "partition 1";
        for (Object[] m : List.of(pending(late, early, sameTimeLowerPartition), pending(sameTimeLowerPartition, late, early),
                pending(early, sameTimeLowerPartition, late))) {
            assertThat(m[4]).isEqualTo("partition 1");
            assertThat(m[6]).isEqualTo((T + 1_000) * 1_000_000L);
            assertThat(m[7]).isEqualTo(1);
            assertThat(m[8]).isEqualTo(500L);
            assertThat(m[5]).isEqualTo(PgParams.ts(T + 1_000));
            assertThat(m[9]).isEqualTo(17);
            assertThat(m[10]).isEqualTo("ERROR");
            assertThat(m[11]).isEqualTo(PgParams.ts(T + 1_000));
            assertThat(m[12]).isEqualTo(PgParams.ts(T + 9_000));
        }
    }

    @Test
    void otherStatementsStillWriteTheLastSetOfAKey() {
        PgBatch b = PgBatch.of(List.of(new PgStatement("t", "INSERT INTO t VALUES (?, ?)")));
        b.add(0, 1L, 1L, "first");
        b.add(0, 1L, 1L, "second");
        assertThat(b.forStatement(0).get(1L)).containsExactly(1L, "second");
        assertThat(b.size()).isEqualTo(1);
    }

    /** The pending log_pattern set after the rows are mapped into one batch in this order. */
    private static Object[] pending(LogPatternRow... rows) {
        LogPatternRowMapper mapper = new LogPatternRowMapper();
        PgBatch b = PgBatch.of(mapper.statements());
        for (LogPatternRow r : rows) {
            mapper.map(r, b);
        }
        int pattern = mapper.statements().size() - 1;
        assertThat(b.forStatement(pattern)).hasSize(1);
        return b.forStatement(pattern).get(rows[0].fingerprintId);
    }

    static LogPatternRow row(String pattern, long sampleMillis, int partition, long offset, int severity, String severityText,
            long firstSeen, long lastSeen) {
        LogPatternRow r = new LogPatternRow();
        r.fingerprintId = 8_430_437_126_972_285_083L;
        r.tenant = "default";
        r.serviceName = "frontend";
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/frontend";
        r.pattern = pattern;
        r.sample = "Request GET /product/1 completed";
        r.sampleTimeNanos = sampleMillis * 1_000_000L;
        r.samplePartition = partition;
        r.sampleOffset = offset;
        r.severityNumber = severity;
        r.severityText = severityText;
        r.firstSeenMillis = firstSeen;
        r.lastSeenMillis = lastSeen;
        return r;
    }
}
