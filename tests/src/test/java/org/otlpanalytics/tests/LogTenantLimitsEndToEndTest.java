package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.limits.LimiterMetrics;
import org.otlpanalytics.operators.logs.TemplateFingerprint;
import org.otlpanalytics.operators.logs.UnminedPatterns;
import org.otlpanalytics.tests.support.BottomKOracle;
import org.otlpanalytics.tests.support.JobCounters;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Runaway identities through Kafka, the logs pipeline and PostgreSQL, with the limits set low (3
 * tenants per minute, 4 services per tenant and minute, 10 patterns per tenant and 5-minute
 * window), between five minutes of good logs of tenant {@code acme} (services {@code api} and
 * {@code web}): a new {@code tenant.id} on each of 40 messages (minute 1), a new
 * {@code service.name} on each of 100 records (minute 2) and 37 new patterns of {@code api}
 * (minute 3). Every log body is the word {@code log} repeated 1 to 40 times, so each length is one
 * Drain cluster whose template is the body itself, and the test computes every fingerprint from
 * the text ({@link TemplateFingerprint}) without running Drain.
 * <ul>
 *   <li>{@code log_pattern_5m} equals, per window, tenant, service and fingerprint, an oracle that
 *       applies the documented rule to the protobuf messages: per minute the 3 tenants, then per
 *       tenant the 4 service URNs, with the smallest stable hashes keep their names, the rest fold
 *       into tenant {@code overflow} and service {@code urn:svc:overflow/other}; per tenant and
 *       window the 10 patterns (service, fingerprint) with the smallest stable hashes keep their
 *       fingerprint, the rest count under their service's over-limit pattern. Every record and
 *       error is counted once;
 *   <li>the over-limit patterns are in {@code log_pattern} with their text;
 *   <li>the limiters' {@code partialsFolded} counters equal the records (tenants, services) and
 *       partials (patterns) the oracle folds;
 *   <li>a second run of the same records, spread over the partitions differently, writes the same rows.
 * </ul>
 */
class LogTenantLimitsEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-03-04T08:00:00Z").toEpochMilli();
    private static final long MIN = 60_000L;
    private static final long WINDOW = 5 * MIN;
    private static final int MAX_TENANTS = 3;
    private static final int MAX_RESOURCES = 4;
    private static final int MAX_PATTERNS = 10;
    private static final String OVERFLOW_TENANT = "overflow";
    private static final String OVERFLOW_SERVICE = "urn:svc:overflow/other";

    /** One log record as sent: its time, tenant, service name, body and whether it is an error. */
    private record Log(long timeMillis, String tenant, String service, String body, boolean error) {
        String urn() {
            return "urn:svc:shop/" + service;
        }

        byte[] message() {
            Resource r = Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", "shop"))
                    .addAttributes(kv("tenant.id", tenant)).build();
            LogRecord lr = LogRecord.newBuilder().setTimeUnixNano(timeMillis * 1_000_000L)
                    .setSeverityNumber(error ? SeverityNumber.SEVERITY_NUMBER_ERROR : SeverityNumber.SEVERITY_NUMBER_INFO)
                    .setBody(AnyValue.newBuilder().setStringValue(body)).build();
            return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(r)
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(lr))).build().toByteArray();
        }
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static String body(int words) {
        return String.join(" ", java.util.Collections.nCopies(words, "log"));
    }

    static List<Log> input() {
        List<Log> logs = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            for (String service : List.of("api", "web")) {
                for (int k = 1; k <= 3; k++) {
                    long at = START + m * MIN + (k * 10 + (service.equals("web") ? 5 : 0)) * 1000L;
                    logs.add(new Log(at, "acme", service, body(k), k == 3 && m % 2 == 0));
                }
            }
        }
        for (int n = 0; n < 40; n++) {
            logs.add(new Log(START + MIN + n * 1000L + 500, "t-" + n, "api", body(2), n % 4 == 0));
        }
        for (int n = 0; n < 100; n++) {
            logs.add(new Log(START + 2 * MIN + n * 500L + 250, "acme", "pod-" + n, body(1), n % 7 == 0));
        }
        for (int k = 4; k <= 40; k++) {
            logs.add(new Log(START + 3 * MIN + (k - 4) * 1000L + 700, "acme", "api", body(k), k % 5 == 0));
        }
        logs.sort(Comparator.comparingLong(Log::timeMillis));
        return logs;
    }

    @Test
    void runawayTenantsServicesAndPatternsFoldIntoOverflowWithEveryRecordCounted() throws Exception {
        List<Log> logs = input();
        SERVICES.kafka().createTopics(2, "otlp_logs", "otlp_logs_replay", "otlp_deadletter");
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> replay = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            Log l = logs.get(i);
            first.add(new ProducerRecord<>("otlp_logs", i % 2, l.timeMillis(), null, l.message()));
            // the replay: another spread over the partitions, so they interleave differently
            replay.add(new ProducerRecord<>("otlp_logs_replay", (i / 3) % 2, l.timeMillis(), null, l.message()));
        }
        SERVICES.kafka().send(first);
        SERVICES.kafka().send(replay);

        // the oracle: tenants per minute, services per tenant and minute, patterns per tenant and window
        List<String[]> rows = new ArrayList<>();
        for (Log l : logs) {
            long minute = l.timeMillis() - Math.floorMod(l.timeMillis(), MIN);
            rows.add(new String[] {Long.toString(minute), l.tenant(), l.urn(), l.body(), l.error() ? "1" : "0",
                    Long.toString(l.timeMillis() / 1000)});
        }
        Map<String, String> tenantOf = BottomKOracle.keepSmallest(rows, r -> r[0], r -> r[1], MAX_TENANTS, OVERFLOW_TENANT);
        long tenantsFolded = 0;
        for (String[] r : rows) {
            String t = tenantOf.get(r[0] + "|" + r[1]);
            tenantsFolded += t.equals(r[1]) ? 0 : 1;
            r[1] = t;
        }
        Map<String, String> urnOf = BottomKOracle.keepSmallest(rows, r -> r[0] + "|" + r[1], r -> r[2], MAX_RESOURCES, OVERFLOW_SERVICE);
        long servicesFolded = 0;
        for (String[] r : rows) {
            String u = urnOf.get(r[0] + "|" + r[1] + "|" + r[2]);
            servicesFolded += u.equals(r[2]) ? 0 : 1;
            r[2] = u;
        }
        // a pattern is (service, fingerprint); the window of a row is its minute's
        Function<String[], String> window = r -> Long.toString(Long.parseLong(r[0]) - Math.floorMod(Long.parseLong(r[0]), WINDOW));
        Function<String[], String> pattern = r -> CompositeKey.of(r[2], Long.toString(TemplateFingerprint.of(r[1], r[2], r[3])));
        Map<String, String> patternOf = BottomKOracle.keepSmallest(rows, r -> window.apply(r) + "|" + r[1], pattern, MAX_PATTERNS, null);
        Map<String, long[]> expected = new TreeMap<>();
        Set<String> foldedPartials = new HashSet<>();
        Set<Long> overLimitIds = new TreeSet<>();
        for (String[] r : rows) {
            String w = window.apply(r);
            boolean kept = patternOf.get(w + "|" + r[1] + "|" + pattern.apply(r)) != null;
            long fp = kept ? TemplateFingerprint.of(r[1], r[2], r[3]) : UnminedPatterns.overLimitId(r[1], r[2]);
            if (!kept) {
                overLimitIds.add(fp);
                // the fingerprinter emits one partial per mined second and pattern
                foldedPartials.add(r[1] + "|" + r[2] + "|" + r[3] + "|" + r[5]);
            }
            long[] e = expected.computeIfAbsent(Instant.ofEpochMilli(Long.parseLong(w)) + "|" + r[1] + "|" + r[2] + "|" + fp,
                    k -> new long[2]);
            e[0]++;
            e[1] += Long.parseLong(r[4]);
        }

        JobCounters counters = JobCounters.run(options("otlp_logs"));
        Map<String, long[]> actual = patternCounts();
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
        assertThat(actual.values().stream().mapToLong(v -> v[0]).sum()).as("every record counted").isEqualTo(logs.size());
        assertThat(expected.keySet()).as("the input reaches every limit")
                .anyMatch(k -> k.contains("|" + OVERFLOW_TENANT + "|"))
                .anyMatch(k -> k.contains("|acme|" + OVERFLOW_SERVICE + "|"));
        assertThat(overLimitIds).isNotEmpty();

        // the over-limit patterns are in the dictionary, with their text
        for (long id : overLimitIds) {
            assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT pattern FROM log_pattern WHERE fingerprint_id = " + id))
                    .containsExactly(UnminedPatterns.OVER_LIMIT_PATTERN);
        }
        // bounded: per window at most MAX_PATTERNS patterns besides the over-limit ones per tenant
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(), "SELECT max(n) FROM (SELECT count(*) n FROM log_pattern_5m c "
                + "JOIN log_pattern p USING (fingerprint_id) WHERE p.pattern <> '" + UnminedPatterns.OVER_LIMIT_PATTERN
                + "' GROUP BY c.bucket, c.tenant_id) x").get(0))).isLessThanOrEqualTo(MAX_PATTERNS);

        // the counters count what was folded
        assertThat(counters.sum(Limiters.LOG_TENANTS, LimiterMetrics.PARTIALS_FOLDED)).isEqualTo(tenantsFolded);
        assertThat(counters.sum(Limiters.LOG_RESOURCES, LimiterMetrics.PARTIALS_FOLDED)).isEqualTo(servicesFolded);
        assertThat(counters.sum(Limiters.LOG_PATTERNS, LimiterMetrics.PARTIALS_FOLDED)).isEqualTo(foldedPartials.size());
        assertThat(counters.count(Limiters.LOG_PATTERNS, LimiterMetrics.PARTIALS_FOLDED)).as("one per subtask").isEqualTo(2);
        assertThat(tenantsFolded).isPositive();
        assertThat(servicesFolded).isPositive();

        // a replay through other partitions writes the same rows
        Map<String, String> dictionary = dictionary();
        try (java.sql.Connection c = SERVICES.postgres().connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("TRUNCATE log_pattern, log_pattern_5m");
        }
        JobCounters.run(options("otlp_logs_replay"));
        Map<String, long[]> again = patternCounts();
        assertThat(again.keySet()).containsExactlyElementsOf(actual.keySet());
        actual.forEach((k, v) -> assertThat(again.get(k)).as(k).containsExactly(v));
        assertThat(dictionary()).isEqualTo(dictionary);
    }

    private static JobOptions options(String topic) {
        return Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.JOBS, "logs",
                JobOptions.LOGS_TOPIC, topic,
                JobOptions.LIMITS_MAX_TENANTS, Integer.toString(MAX_TENANTS),
                JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, Integer.toString(MAX_RESOURCES),
                JobOptions.LIMITS_MAX_SERIES_PER_TENANT, Integer.toString(MAX_PATTERNS));
    }

    /** {@code log_pattern_5m}: window|tenant|service URN|fingerprint -> (records, errors). */
    private static Map<String, long[]> patternCounts() throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT (extract(epoch FROM c.bucket) * 1000)::bigint, t.code, d.urn, "
                + "c.fingerprint_id, c.count_total, c.count_error FROM log_pattern_5m c JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource d USING (resource_id)")) {
            String[] p = row.split("\t");
            out.put(Instant.ofEpochMilli(Long.parseLong(p[0])) + "|" + p[1] + "|" + p[2] + "|" + p[3],
                    new long[] {Long.parseLong(p[4]), Long.parseLong(p[5])});
        }
        return out;
    }

    /** {@code log_pattern}: fingerprint -> tenant, service and pattern. */
    private static Map<String, String> dictionary() throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT p.fingerprint_id, t.code, d.urn, p.pattern FROM log_pattern p "
                + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            String[] p = row.split("\t", 2);
            out.put(p[0], p[1]);
        }
        return out;
    }

}
