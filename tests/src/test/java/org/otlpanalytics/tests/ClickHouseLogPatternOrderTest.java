package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSink;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.clickhouse.LogPatternRowMapper;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.LogPatternSnapshots;

/**
 * The ClickHouse {@code log_pattern} twin on a real server: a fingerprint's snapshots written out of
 * the order emitted, in one batch or a batch each, read through {@code log_pattern_current} (before
 * and after the table's replacing merge) as the emitted order reads: the newest snapshot's pattern,
 * aliases and merged-into, even when it shares {@code last_seen} (the sorting key) with an older one.
 */
class ClickHouseLogPatternOrderTest {
    @RegisterExtension
    static final ClickHouseService CLICKHOUSE = new ClickHouseService();

    private static final long T = 1_772_791_200_000L; // 2026-03-06T10:00:00Z
    private static final String DB = "log_pattern_order";
    private static final String COLUMNS = "pattern, sample, toString(sample_time) AS st, severity_number, severity_text, "
            + "toString(first_seen) AS fs, toString(last_seen) AS ls, toString(aliases) AS a, toString(merged_into) AS m";

    @Test
    void snapshotsOfOneFingerprintInAnyOrderReadAsTheNewest() throws Exception {
        ClickHouseSinkConfig c = CLICKHOUSE.server().config().database(DB).retention(false).build();
        ClickHouseSchema.apply(c);
        try (SinkWriter<LogPatternRow> w = new ClickHouseSink<>(c, new LogPatternRowMapper()).standaloneWriter(new CountingMetricGroup())) {
            for (LogPatternRow r : emissions(1)) {
                w.write(r, null);
                w.flush(false); // in the order emitted, a batch each: the oracle
            }
            for (LogPatternRow r : reordered(emissions(2))) {
                w.write(r, null);
            }
            w.flush(false);
            for (LogPatternRow r : reordered(emissions(3))) {
                w.write(r, null);
                w.flush(false);
            }
        }
        List<Map<String, JsonElement>> oracle = current(1);
        assertThat(oracle).singleElement().asString().contains("GET <*> completed in <*> ms").contains("[7,8]")
                .contains("99").contains("2026-03-06 10:14:59").contains("ERROR"); // 18.16: last_seen in seconds
        assertThat(current(2)).as("10:15, 10:14, 10:04, 10:09 in one batch").isEqualTo(oracle);
        assertThat(current(3)).as("10:15, 10:14, 10:04, 10:09 in a batch each").isEqualTo(oracle);
        CLICKHOUSE.server().http(DB).query("OPTIMIZE TABLE log_pattern FINAL");
        for (long fingerprint = 1; fingerprint <= 3; fingerprint++) {
            assertThat(current(fingerprint)).as("fingerprint %d after the replacing merge", fingerprint).isEqualTo(oracle);
        }
    }

    private List<Map<String, JsonElement>> current(long fingerprint) throws Exception {
        return CLICKHOUSE.rows(DB, "SELECT " + COLUMNS + " FROM log_pattern_current WHERE fingerprint_id = " + fingerprint);
    }

    /** The snapshots of 10:15, 10:14, 10:04 and 10:09, as a batch exchange may hand them over. */
    private static List<LogPatternRow> reordered(List<LogPatternRow> e) {
        return List.of(e.get(3), e.get(2), e.get(0), e.get(1));
    }

    /**
     * Four emissions of one pattern, each a snapshot of all seen so far: an earlier sample and higher
     * severity in the second, a new template and aliases in the third, and the fourth at a mined second
     * after it, when the pattern was merged into another without a new record (same last_seen).
     */
    private static List<LogPatternRow> emissions(long fingerprint) {
        List<LogPatternRow> rows = LogPatternSnapshots.three(fingerprint, T);
        LogPatternRow r4 = LogPatternSnapshots.snapshot(fingerprint, "GET <*> completed in <*> ms", T + 150_000, 0, 17, 17, "ERROR",
                T + 899_653, T + 905_999);
        r4.aliases = new long[] {7L, 8L};
        r4.mergedInto = 99L;
        rows.add(r4);
        return rows;
    }
}
