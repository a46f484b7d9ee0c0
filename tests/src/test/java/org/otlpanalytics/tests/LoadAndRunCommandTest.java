package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.cli.LoadCommand;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RedOracle;
import org.otlpanalytics.tests.support.Services;

/**
 * {@code load} then {@code run} (the cluster main class, here bounded on a local MiniCluster)
 * with OTLP/JSON payloads: hex trace/span ids, string int64s, integer enums — every span counted.
 */
class LoadAndRunCommandTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @Test
    void loadsJsonCaptureAndRunsTheClusterMainBounded(@TempDir Path tmp) throws Exception {
        Path traces = Files.createDirectories(tmp.resolve("capture/traces"));
        long start = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(21, "json-tenant").withLogs(false).withMetrics(false)
                .generate(start, Duration.ofMinutes(2).toMillis(), 5);
        RedOracle oracle = new RedOracle();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            oracle.add(m.value);
            String json = toOtlpJson(ExportTraceServiceRequest.parseFrom(m.value));
            Files.writeString(traces.resolve(String.format("%05d.json", i++)), json);
        }
        SERVICES.kafka().createTopics(2, "otlp_spans", "otlp_deadletter");
        JobOptions o = JobOptions.defaults().with(JobOptions.BOOTSTRAP, SERVICES.kafka().bootstrapServers());
        Map<String, Integer> sent = LoadCommand.load(tmp.resolve("capture"), SERVICES.kafka().bootstrapServers(), o);
        assertThat(sent).containsEntry("otlp_spans", msgs.size());

        AnalyticsJob.main(new String[] {"--bootstrap-servers", SERVICES.kafka().bootstrapServers(),
            "--jdbc-url", SERVICES.postgres().jdbcUrl(), "--encoding", "otlp_json", "--bounded", "true",
            "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--jobs", "red"});

        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT sum(calls), sum(errors) FROM red_1m"))
                .containsExactly(oracle.totalCalls() + "\t" + oracle.rows().values().stream().mapToLong(e -> e.errors).sum());
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT DISTINCT code FROM dim_tenant")).containsExactly("json-tenant");
    }

    /** OTLP/JSON as the specification defines it: proto3 JSON with hex trace and span ids. */
    static String toOtlpJson(ExportTraceServiceRequest req) throws Exception {
        JsonElement tree = JsonParser.parseString(JsonFormat.printer().print(req));
        hexIds(tree);
        return tree.toString();
    }

    static void hexIds(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            for (Map.Entry<String, JsonElement> en : o.entrySet()) {
                if (List.of("traceId", "spanId", "parentSpanId").contains(en.getKey())) {
                    en.setValue(new JsonPrimitive(HexFormat.of().formatHex(Base64.getDecoder().decode(en.getValue().getAsString()))));
                } else {
                    hexIds(en.getValue());
                }
            }
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(LoadAndRunCommandTest::hexIds);
        }
    }
}
