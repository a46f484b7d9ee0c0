package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.JvmProcess;
import org.otlpanalytics.tests.support.RedOracle;
import org.otlpanalytics.tests.support.Services;

/**
 * {@code run --sinks clickhouse} as a user runs it (its own JVM) against Kafka and a real ClickHouse, no
 * PostgreSQL anywhere: refused ClickHouse credentials are one error line naming the options to fix and
 * exit code 3; a bounded run reports the server and its schema, counts the ClickHouse rows in its status
 * line, ends with 0 and leaves red_1m equal, row for row, to calls and errors counted straight from the
 * generated messages.
 */
class ClickHouseRunCommandTest {
    @RegisterExtension
    @Order(1)
    static final ClickHouseService CLICKHOUSE = new ClickHouseService();
    @RegisterExtension
    @Order(2)
    static final Services SERVICES = new Services();
    static final Duration PROCESS_DEADLINE = Duration.ofMinutes(3);

    @Test
    void refusedClickHouseCredentialsAreOneErrorLineAndExitCode3(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(CLICKHOUSE.server().user() != null,
                "skipped: the external server's credentials are not known to be checked");
        SERVICES.kafka().createTopics(1, "otlp_spans_ch_creds");
        try (JvmProcess run = JvmProcess.main("run", "--bootstrap-servers", SERVICES.kafka().bootstrapServers(),
                "--spans-topic", "otlp_spans_ch_creds", "--sinks", "clickhouse", "--clickhouse-url", CLICKHOUSE.server().url(),
                "--clickhouse-user", CLICKHOUSE.server().user(), "--clickhouse-password", "wrong", "--jobs", "red",
                "--preflight-timeout", "6s", "--log-dir", tmp.toString(), "--web-port", "0", "--metrics-port", "0")) {
            assertThat(run.awaitExit(PROCESS_DEADLINE)).isEqualTo(3);
            assertThat(run.lines()).anySatisfy(l -> assertThat(l).startsWith("error: ClickHouse at " + CLICKHOUSE.server().url())
                    .contains("refused the credentials").endsWith("(fix --clickhouse-user / --clickhouse-password)"));
            assertThat(run.lines()).noneMatch(l -> l.startsWith("error: Kafka") || l.contains("PostgreSQL"));
        }
    }

    @Test
    void aBoundedRunIntoClickHouseAloneWritesTheOraclesRows(@TempDir Path tmp) throws Exception {
        String topic = "otlp_spans_ch_run";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter_ch_run");
        long start = Instant.parse("2026-04-02T09:00:00Z").toEpochMilli();
        RedOracle oracle = new RedOracle();
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : new TelemetryGenerator(13, "default").withLogs(false).withMetrics(false)
                .generate(start, Duration.ofMinutes(3).toMillis(), 6)) {
            recs.add(new ProducerRecord<>(topic, i++ % 2, m.timeMillis, null, m.value));
            oracle.add(m.value);
        }
        SERVICES.kafka().send(recs);
        ClickHouseServer ch = CLICKHOUSE.server();
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", SERVICES.kafka().bootstrapServers(),
                "--spans-topic", topic, "--dead-letter-topic", "otlp_deadletter_ch_run", "--jobs", "red", "--sinks", "clickhouse",
                "--clickhouse-url", ch.url(), "--clickhouse-database", ch.database(), "--clickhouse-retention", "false",
                "--bounded", "true", "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--status-interval", "1s",
                "--log-dir", tmp.toString(), "--web-port", "0", "--metrics-port", "0"));
        if (ch.user() != null) {
            args.addAll(List.of("--clickhouse-user", ch.user(), "--clickhouse-password", ch.password()));
        }
        try (JvmProcess run = JvmProcess.main(args.toArray(new String[0]))) {
            assertThat(run.awaitExit(PROCESS_DEADLINE)).isZero();
            assertThat(run.lines()).anySatisfy(l -> assertThat(l).startsWith("  ClickHouse " + ch.url() + ", database " + ch.database()));
            assertThat(run.lines()).anySatisfy(l -> assertThat(l).startsWith("schema: ClickHouse ").contains("tables ready in database "
                    + ch.database()));
            assertThat(run.lines()).noneMatch(l -> l.contains("PostgreSQL"));
            String last = run.lines().stream().filter(l -> l.startsWith("finished status ")).reduce((a, b) -> b).orElseThrow();
            assertThat(RunCommandTest.rowsRed(last)).isPositive();
        }
        Map<String, long[]> actual = new TreeMap<>();
        for (Map<String, JsonElement> r : CLICKHOUSE.rows((String) null, "SELECT toUnixTimestamp(bucket) AS b, tenant, service, operation, "
                + "span_kind, status, calls, errors FROM red_1m FINAL")) {
            actual.put(RedOracle.key(Instant.ofEpochSecond(r.get("b").getAsLong()), r.get("tenant").getAsString(),
                    r.get("service").getAsString(), r.get("operation").getAsString(), r.get("span_kind").getAsString(),
                    r.get("status").getAsString()), new long[] {r.get("calls").getAsLong(), r.get("errors").getAsLong()});
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(oracle.rows().keySet());
        oracle.rows().forEach((k, e) -> assertThat(actual.get(k)).as(k).containsExactly(e.calls, e.errors));
    }
}
