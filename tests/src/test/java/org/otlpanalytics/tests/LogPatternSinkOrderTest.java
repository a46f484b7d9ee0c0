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
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * The {@code log_pattern} sink on a real PostgreSQL: a fingerprint's dictionary rows written in one
 * flush, in the order emitted or out of order (as a batch-mode exchange delivered them in the
 * OffsetsBackfillTest flake), leave the row that upserting each of them in its own flush leaves:
 * the database's own merge is the oracle.
 */
class LogPatternSinkOrderTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long T = 1_772_791_200_000L; // 2026-03-06T10:00:00Z
    private static final String COLUMNS = "pattern, sample, sample_time, sample_time_unix_nano, sample_partition, "
            + "sample_offset, severity_number, severity_text, first_seen, last_seen, aliases::text, merged_into";

    @Test
    void rowsOfOneFingerprintInOneFlushInAnyOrderLeaveWhatOneFlushEachLeaves() throws Exception {
        PostgresSinkConfig pg = PostgresSinkConfig.builder().jdbcUrl(SERVICES.postgres().jdbcUrl()).batchSize(10_000)
                .deadLetters(RejectedRowTarget.kafka(SERVICES.kafka().bootstrapServers(), "dead_log_pattern")).build();
        SchemaMigrator.migrate(pg);
        // three emissions of one pattern, each a snapshot of all seen so far (as the fingerprinter emits them)
        // and an earlier sample and higher severity in the middle one
        try (SinkWriter<LogPatternRow> w = new PostgresUpsertSink<>(pg, new LogPatternRowMapper())
                .standaloneWriter(new CountingMetricGroup())) {
            for (LogPatternRow r : emissions(1)) {
                w.write(r, null);
                w.flush(false); // one upsert each: the oracle
            }
            for (LogPatternRow r : emissions(2)) {
                w.write(r, null);
            }
            w.flush(false);
            List<LogPatternRow> e = emissions(3);
            for (LogPatternRow r : List.of(e.get(2), e.get(0), e.get(1))) {
                w.write(r, null);
            }
            w.flush(false);
        }
        List<String> oracle = row(1);
        assertThat(oracle).singleElement().asString().contains("2026-03-06 10:14:59.653").contains("ERROR")
                .contains("2026-03-06 10:02:30");
        assertThat(row(2)).as("emitted order, one flush").isEqualTo(oracle);
        // the pattern text, aliases and merged-into are the last written (the upsert's EXCLUDED), so they are left out
        assertThat(widening(row(3))).as("10:14, 10:04, 10:09 in one flush").isEqualTo(widening(oracle));
    }

    private static List<String> row(long fingerprint) throws Exception {
        return Pipelines.rows(SERVICES.postgres(), "SELECT " + COLUMNS + " FROM log_pattern WHERE fingerprint_id = " + fingerprint);
    }

    /** Sample, severity, first and last seen: the columns the upsert widens. */
    private static List<String> widening(List<String> rows) {
        return rows.stream().map(r -> String.join("\t", java.util.Arrays.copyOfRange(r.split("\t", -1), 1, 10))).toList();
    }

    private static List<LogPatternRow> emissions(long fingerprint) {
        LogPatternRow r1 = row(fingerprint, "GET <*> completed", T + 159_940, 2, 224, 9, "INFO", T + 298_024);
        LogPatternRow r2 = row(fingerprint, "GET <*> completed", T + 150_000, 0, 17, 17, "ERROR", T + 597_002);
        LogPatternRow r3 = row(fingerprint, "GET <*> completed in <*> ms", T + 150_000, 0, 17, 17, "ERROR", T + 899_653);
        return List.of(r1, r2, r3);
    }

    private static LogPatternRow row(long fingerprint, String pattern, long sampleMillis, int partition, long offset, int severity,
            String severityText, long lastSeen) {
        LogPatternRow r = new LogPatternRow();
        r.fingerprintId = fingerprint;
        r.tenant = "default";
        r.serviceName = "frontend";
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/frontend";
        r.pattern = pattern;
        r.sample = "sample at " + sampleMillis;
        r.sampleTimeNanos = sampleMillis * 1_000_000L;
        r.samplePartition = partition;
        r.sampleOffset = offset;
        r.severityNumber = severity;
        r.severityText = severityText;
        r.firstSeenMillis = sampleMillis;
        r.lastSeenMillis = lastSeen;
        return r;
    }
}
