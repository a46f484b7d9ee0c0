package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.tests.support.JvmProcess;
import org.otlpanalytics.tests.support.LateRecords;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * {@code run} as a user starts it: its own JVM against the test's Kafka and PostgreSQL. Clear
 * early errors with a non-zero exit for an unreachable broker and refused credentials; status
 * lines, the Prometheus endpoint and the web UI reporting what was really produced; and a stop
 * with SIGTERM followed by a second run on the same checkpoint directory that ends with the same
 * tables as a run without interruption.
 */
class RunCommandTest {
    @RegisterExtension
    static final Services SERVICES = new Services();
    static final Duration PROCESS_DEADLINE = Duration.ofMinutes(3);

    @Test
    void anUnreachableBrokerIsOneErrorLineNamingTheOptionAndExitCode3(@TempDir Path tmp) throws Exception {
        int closed = freePort();
        try (JvmProcess run = JvmProcess.main("run", "--bootstrap-servers", "127.0.0.1:" + closed,
                "--jdbc-url", SERVICES.postgres().jdbcUrl(), "--jobs", "red", "--preflight-timeout", "10s",
                "--log-dir", tmp.toString(), "--web-port", "0", "--metrics-port", "0")) {
            assertThat(run.awaitExit(PROCESS_DEADLINE)).isEqualTo(3);
            assertThat(run.lines()).anySatisfy(l -> assertThat(l)
                    .startsWith("error: Kafka at 127.0.0.1:" + closed + " is unreachable").endsWith("(fix --bootstrap-servers)"));
            assertThat(run.lines()).noneMatch(l -> l.startsWith("error: PostgreSQL"));
        }
    }

    @Test
    void refusedDatabaseCredentialsAreOneErrorLineNamingTheOptionAndExitCode3(@TempDir Path tmp) throws Exception {
        SERVICES.kafka().createTopics(1, "otlp_spans_creds");
        String url = SERVICES.postgres().jdbcUrl().replaceAll("user=[^&]*", "user=nobody_here");
        try (JvmProcess run = JvmProcess.main("run", "--bootstrap-servers", SERVICES.kafka().bootstrapServers(),
                "--spans-topic", "otlp_spans_creds", "--jdbc-url", url, "--jobs", "red", "--preflight-timeout", "10s",
                "--log-dir", tmp.toString(), "--web-port", "0", "--metrics-port", "0")) {
            assertThat(run.awaitExit(PROCESS_DEADLINE)).isEqualTo(3);
            assertThat(run.lines()).anySatisfy(l -> assertThat(l).startsWith("error: PostgreSQL at ")
                    .contains("refused the credentials").endsWith("(fix --jdbc-url)"));
            assertThat(run.lines()).noneMatch(l -> l.startsWith("error: Kafka"));
        }
    }

    @Test
    void statusMetricsAndWebUiReportTheRunAndASigtermStopResumesToTheSameTables(@TempDir Path tmp) throws Exception {
        String topic = "otlp_spans_run";
        String deadLetters = "otlp_deadletter_run";
        SERVICES.kafka().createTopics(2, topic, deadLetters);
        long start = Instant.parse("2026-04-01T09:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> all = new TelemetryGenerator(11, "default").withLogs(false).withMetrics(false)
                .generate(start, Duration.ofMinutes(4).toMillis(), 6);
        int half = all.size() / 2;
        List<TelemetryGenerator.Message> first = all.subList(0, half);
        List<TelemetryGenerator.Message> second = new ArrayList<>(all.subList(half, all.size()));
        // one late-enough message per partition closes every minute of the data in an unbounded run
        second.addAll(new TelemetryGenerator(12, "default").withLogs(false).withMetrics(false)
                .generate(start + Duration.ofMinutes(10).toMillis(), 1_000, 2));
        long firstSpans = send(topic, first, 0);
        String checkpoints = tmp.resolve("checkpoints").toUri().toString();
        int web = freePort();
        int metrics = freePort();

        try (PostgresServer interrupted = PostgresServer.start(); PostgresServer reference = PostgresServer.start()) {
            List<String> common = List.of("run", "--bootstrap-servers", SERVICES.kafka().bootstrapServers(),
                    "--spans-topic", topic, "--dead-letter-topic", deadLetters, "--jdbc-url", interrupted.jdbcUrl(),
                    "--jobs", "red", "--group-id", "run-test", "--starting-offsets", "earliest",
                    "--checkpoint-dir", checkpoints, "--checkpoint-interval", "1s", "--status-interval", "1s",
                    "--log-dir", tmp.resolve("logs").toString());
            // part 1: only the first half is in the topic; the status line must count exactly it
            try (JvmProcess run = JvmProcess.main(with(common, "--web-port", Integer.toString(web),
                    "--metrics-port", Integer.toString(metrics)))) {
                run.awaitLine(l -> l.startsWith("job ") && l.contains("running"), PROCESS_DEADLINE, "job running");
                run.awaitLine(l -> l.startsWith("status ") && spansIn(l) == firstSpans, PROCESS_DEADLINE,
                        "status with spans in " + firstSpans);
                String overview = get("http://localhost:" + web + "/jobs/overview");
                assertThat(overview).contains("\"state\":\"RUNNING\"");
                assertThat(prometheusSum(get("http://localhost:" + metrics + "/metrics"), "otlpDecoder_recordsDecoded"))
                        .isEqualTo(firstSpans);
                run.terminate();
                assertThat(run.awaitExit(PROCESS_DEADLINE)).isZero();
                assertThat(run.lines()).anyMatch(l -> l.startsWith("stopped: savepoint "));
                assertThat(run.lines()).anyMatch(l -> l.startsWith("final status "));
            }
            // part 2: the second half arrives; the same checkpoint directory resumes where the savepoint left off
            long secondSpans = send(topic, second, first.size());
            try (JvmProcess run = JvmProcess.main(with(common, "--web-port", "0", "--metrics-port", "0"))) {
                run.awaitLine(l -> l.contains("resuming from "), PROCESS_DEADLINE, "resuming");
                run.awaitLine(l -> l.startsWith("status ") && spansIn(l) == secondSpans && rowsRed(l) > 0
                        && lagOf(l) == 0, PROCESS_DEADLINE, "status with spans in " + secondSpans);
                // let the last minutes fire and be committed at a checkpoint, then stop
                waitForStableRows(interrupted);
                run.terminate();
                assertThat(run.awaitExit(PROCESS_DEADLINE)).isZero();
            }
            Pipelines.runRed(Pipelines.options(SERVICES.kafka(), reference, JobOptions.GROUP_ID, "run-test-reference",
                    JobOptions.SPANS_TOPIC, topic, JobOptions.DEAD_LETTER_TOPIC, deadLetters), null);
            String rows = ExactlyOnceRecoveryTest.RED_ROWS.replace("ORDER BY", "WHERE r.bucket < '2026-04-01T09:04:00Z' ORDER BY");
            List<String> expected = Pipelines.rows(reference, rows);
            assertThat(expected).hasSizeGreaterThan(20);
            assertThat(Pipelines.rows(interrupted, rows)).containsExactlyElementsOf(expected);
        }
    }

    private static void waitForStableRows(PostgresServer pg) throws Exception {
        String q = "SELECT count(*), coalesce(sum(calls), 0) FROM red_1m WHERE bucket < '2026-04-01T09:04:00Z'";
        List<String> last = List.of();
        int stable = 0;
        long deadline = System.nanoTime() + PROCESS_DEADLINE.toNanos();
        while (stable < 3 && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            List<String> now = Pipelines.rows(pg, q);
            stable = now.equals(last) && !now.get(0).startsWith("0\t") ? stable + 1 : 0;
            last = now;
        }
    }

    private static long send(String topic, List<TelemetryGenerator.Message> msgs, int offset) throws Exception {
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        SpanDecoder counter = new SpanDecoder(Encoding.OTLP_PROTO);
        List<org.otlpanalytics.schemas.traces.SpanRecord> scratch = new ArrayList<>();
        long spans = 0;
        int i = offset;
        for (TelemetryGenerator.Message m : msgs) {
            if (m.signal.equals("traces")) {
                recs.add(new ProducerRecord<>(topic, i++ % 2, m.timeMillis, null, m.value));
                scratch.clear();
                spans += counter.decode(m.value, 0, 0, scratch);
            }
        }
        SERVICES.kafka().send(recs);
        return spans;
    }

    static final Pattern SPANS_IN = Pattern.compile("spans in ([0-9,]+)");
    static final Pattern LAG = Pattern.compile("spans in [0-9,]+(?: \\([^)]*\\))? lag ([0-9,]+)");
    static final Pattern ROWS_RED = Pattern.compile("rows[^|]* red ([0-9,]+)");

    static long spansIn(String line) {
        return number(SPANS_IN.matcher(line));
    }

    static long lagOf(String line) {
        return number(LAG.matcher(line));
    }

    static long rowsRed(String line) {
        return number(ROWS_RED.matcher(line));
    }

    private static long number(Matcher m) {
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    }

    /** The sum of every sample of a Prometheus metric whose name ends with {@code suffix}. */
    static long prometheusSum(String exposition, String suffix) {
        long sum = 0;
        for (String l : exposition.split("\n")) {
            if (l.startsWith("#")) {
                continue;
            }
            int brace = l.indexOf('{');
            int space = l.lastIndexOf(' ');
            String name = brace > 0 ? l.substring(0, brace) : l.substring(0, Math.max(0, space));
            if (name.endsWith(suffix)) {
                sum += (long) Double.parseDouble(l.substring(space + 1));
            }
        }
        return sum;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    private static String[] with(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
