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
