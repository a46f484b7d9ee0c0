package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.postgres.LogPatternRowMapper;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.LogPatternSnapshots;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * The {@code log_pattern} sink on a real PostgreSQL: a fingerprint's dictionary rows written in one
 * flush or in a flush each, in the order emitted or out of order (as a batch-mode exchange delivered
 * them in the OffsetsBackfillTest flake), all leave the row that upserting each of them in its own
 * flush in the order emitted leaves (the database's own merge is the oracle): the widened columns of
 * all, and the pattern text, aliases and merged-into of the newest snapshot.
 */
class LogPatternSinkOrderTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long T = 1_772_791_200_000L; // 2026-03-06T10:00:00Z
    private static final String COLUMNS = "pattern, sample, sample_time, sample_time_unix_nano, sample_partition, "
            + "sample_offset, severity_number, severity_text, first_seen, last_seen, aliases::text, merged_into, snapshot_time";

    @Test
    void rowsOfOneFingerprintInAnyOrderAndAnyFlushesLeaveWhatTheEmittedOrderLeaves() throws Exception {
        PostgresSinkConfig pg = PostgresSinkConfig.builder().jdbcUrl(SERVICES.postgres().jdbcUrl()).batchSize(10_000)
                .deadLetters(RejectedRowTarget.kafka(SERVICES.kafka().bootstrapServers(), "dead_log_pattern")).build();
        SchemaMigrator.migrate(pg);
        // three emissions of one pattern, each a snapshot of all seen so far (as the fingerprinter emits them),
        // an earlier sample and higher severity in the middle one, a new template and aliases in the last
        try (SinkWriter<LogPatternRow> w = new PostgresUpsertSink<>(pg, new LogPatternRowMapper())
                .standaloneWriter(new CountingMetricGroup())) {
            for (LogPatternRow r : emissions(1)) {
                w.write(r, null);
                w.flush(false); // one upsert each, in the order emitted: the oracle
            }
            for (LogPatternRow r : emissions(2)) {
                w.write(r, null);
            }
            w.flush(false);
            for (LogPatternRow r : reordered(emissions(3))) {
                w.write(r, null);
            }
            w.flush(false);
            for (LogPatternRow r : reordered(emissions(4))) {
                w.write(r, null);
                w.flush(false); // the newest snapshot stored first: the older ones must not bring back their template
            }
        }
        List<String> oracle = row(1);
        assertThat(oracle).singleElement().asString().contains("2026-03-06 10:14:59.653").contains("ERROR")
                .contains("2026-03-06 10:02:30").startsWith("GET <*> completed in <*> ms\t").contains("{7,8}");
        assertThat(row(2)).as("emitted order, one flush").isEqualTo(oracle);
        assertThat(row(3)).as("10:14, 10:04, 10:09 in one flush").isEqualTo(oracle);
        assertThat(row(4)).as("10:14, 10:04, 10:09 in a flush each").isEqualTo(oracle);
    }

    /** The snapshots of 10:14, 10:04 and 10:09, as the exchange handed them over. */
    private static List<LogPatternRow> reordered(List<LogPatternRow> e) {
        return List.of(e.get(2), e.get(0), e.get(1));
    }

    private static List<String> row(long fingerprint) throws Exception {
        return Pipelines.rows(SERVICES.postgres(), "SELECT " + COLUMNS + " FROM log_pattern WHERE fingerprint_id = " + fingerprint);
    }

    private static List<LogPatternRow> emissions(long fingerprint) {
        return LogPatternSnapshots.three(fingerprint, T);
    }
}
