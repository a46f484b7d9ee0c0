package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.KafkaRange;

/** The memo gives the ids and queues the rows that {@link DimensionRows} computes without it, hit or miss, flush or not. */
class DimensionMemoTest {
    @Test
    void idsAndQueuedRowsAreThoseOfDimensionRowsWhetherRemembered() {
        PgBatch memoBatch = new PgBatch(DimensionRows.STATEMENTS.size());
        DimensionMemo memo = memoBatch.dimensions();
        PgBatch plain = new PgBatch(DimensionRows.STATEMENTS.size());
        String[] tenants = {"acme", "acme", "globex", "acme"};
        String[] urns = {"urn:host:h1", "urn:host:h1", "urn:host:h1", "urn:svc:shop/cart", "urn:host:h2"};
        int step = 0;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 40; i++, step++) {
                String tenant = tenants[(i / 7) % tenants.length];
                String urn = urns[(i / 3) % urns.length];
                String service = "urn:svc:shop/s" + (i / 10);
                KafkaRange range = new KafkaRange();
                range.add(i % 2, 100 + step, 1000L * (i / 5));
                String minute = Long.toString(60_000L * (i / 5));

                long t = memo.tenant(memoBatch, tenant);
                assertThat(t).isEqualTo(DimensionRows.tenant(plain, tenant));
                assertThat(memo.resource(memoBatch, t, urn, "n", null)).isEqualTo(DimensionRows.resource(plain, t, urn, "n", null));
                assertThat(memo.service(memoBatch, t, service, "s", "shop"))
                        .isEqualTo(DimensionRows.resource(plain, t, service, "s", "shop"));
                assertThat(memo.locator(memoBatch, "topic", range, "metric_1m", tenant, urn, minute))
                        .isEqualTo(DimensionRows.locator(plain, "topic", range, "metric_1m", tenant, urn, minute));
            }
            for (int s = 0; s < DimensionRows.STATEMENTS.size(); s++) {
                assertThat(rows(memoBatch.forStatement(s))).isEqualTo(rows(plain.forStatement(s)));
            }
            // a flush empties the batches; remembered ids must queue their rows again
            memoBatch.clear();
            plain.clear();
        }
        assertThat(memo.locator(memoBatch, "topic", new KafkaRange(), "x")).isNull();
    }

    /**
     * A resource's minute: its rows share one locator, queued once while it is pending, again after a
     * flush, and again when the range changes, also when the caller changes the same range object.
     */
    @Test
    void locatorOfRowsWithEqualRangesIsQueuedAsWithoutTheMemo() {
        PgBatch memoBatch = new PgBatch(DimensionRows.STATEMENTS.size());
        DimensionMemo memo = memoBatch.dimensions();
        PgBatch plain = new PgBatch(DimensionRows.STATEMENTS.size());
        KafkaRange shared = new KafkaRange();
        shared.add(0, 10, 1_000L);
        int queuedByTheMemo = 0;
        for (int step = 0; step < 60; step++) {
            String minute = Long.toString(60_000L * (step / 10));
            if (step % 10 == 7) {
                shared.add(1, 20 + step, 2_000L + step); // the same object, widened: a new set for this minute
            }
            KafkaRange range = step % 10 < 5 ? shared : shared.copy();
            Object[] before = memoBatch.forStatement(DimensionRows.LOCATOR).get(
                    DimensionRows.locatorId("topic", "metric_1m", "acme", "urn:host:h1", minute));
            assertThat(memo.locator(memoBatch, "topic", range, "metric_1m", "acme", "urn:host:h1", minute))
                    .isEqualTo(DimensionRows.locator(plain, "topic", range, "metric_1m", "acme", "urn:host:h1", minute));
            Object[] after = memoBatch.forStatement(DimensionRows.LOCATOR).get(
                    DimensionRows.locatorId("topic", "metric_1m", "acme", "urn:host:h1", minute));
            queuedByTheMemo += before == after ? 0 : 1;
            assertThat(rows(memoBatch.forStatement(DimensionRows.LOCATOR)))
                    .isEqualTo(rows(plain.forStatement(DimensionRows.LOCATOR)));
            if (step == 33) {
                memoBatch.clear();
                plain.clear();
            }
        }
        // per minute of ten rows: the first row and the widened range (step 7); after the flush at 33, step 34
        assertThat(queuedByTheMemo).isEqualTo(6 * 2 + 1);
    }

    private static List<String> rows(Map<Object, Object[]> pending) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Object, Object[]> e : pending.entrySet()) {
            StringBuilder sb = new StringBuilder(e.getKey().toString());
            for (Object v : e.getValue()) {
                sb.append('|').append(v instanceof long[] ? java.util.Arrays.toString((long[]) v)
                        : v instanceof int[] ? java.util.Arrays.toString((int[]) v) : String.valueOf(v));
            }
            out.add(sb.toString());
        }
        return out;
    }
}
