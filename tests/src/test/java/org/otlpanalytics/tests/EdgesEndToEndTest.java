package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.cli.CsvExport;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.schemas.traces.SpanRecord;
import org.otlpanalytics.tests.support.EdgeOracle;
import org.otlpanalytics.tests.support.PartitionLateness;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Generated traces of a known topology (the shop: HTTP calls, a postgresql database, a redis
 * cache, a kafka queue with producer and consumer; plus hand-made traces with unpaired
 * producers and consumers, peer.service, server.address, unnamed peers, orphans, same-service
 * pairs and service names full of quotes, {@code $$}, braces and Cypher), spread over two Kafka
 * partitions and sent out of order, through the edge job on a MiniCluster into a real
 * PostgreSQL: every service_call_5m row equals the independent {@link EdgeOracle}, no edge is
 * invented, intervals and the live graph are those of the calls, and running the job again on
 * the same input leaves every table as it was. Longer than most classes because the hand-made
 * traces live next to the assertions they serve; {@link EdgesExactlyOnceTest} reuses them.
 */
class EdgesEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    static final String HOSTILE = "$$}MATCH (n) DETACH DELETE n//";
    static final String QUOTES = "quote'n\"dbl";
    /** The jobs' default out-of-orderness, which the test inputs stay inside. */
    static final Duration OUT_OF_ORDERNESS = JobOptions.defaults().getDuration(JobOptions.OUT_OF_ORDERNESS);

    static final String CALL_ROWS = "SELECT e.bucket, t.code, s.urn, d.urn, e.connection_type, e.calls, e.errors, e.rps, "
            + "e.err_rate, e.duration_side, e.p50_ms, e.p95_ms, e.p99_ms, e.duration_sum_ms, e.duration_kll, e.server_calls, "
            + "e.server_p50_ms, e.server_p95_ms, e.server_kll, e.first_seen, e.last_seen, e.sample_trace_id, "
            + "k.partitions, k.offset_from, k.offset_to, k.time_from, k.time_to "
            + "FROM service_call_5m e JOIN dim_tenant t USING (tenant_id) "
            + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
            + "LEFT JOIN kafka_locator k ON k.id = e.sample_ref ORDER BY 1, 2, 3, 4";
    static final String TOPO_ROWS = "SELECT t.code, s.urn, d.urn, e.relation, lower(e.valid), upper(e.valid), "
            + "lower_inc(e.valid), upper_inc(e.valid), e.connection_type FROM topo_edge_time e JOIN dim_tenant t USING (tenant_id) "
            + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
            + "ORDER BY 1, 2, 3, 5";
    static final String LIVE_ROWS = "SELECT t.code, s.urn, d.urn, e.connection_type, e.first_seen, e.last_seen, e.calls, "
            + "e.errors, e.rps, e.err_rate, e.p95_ms, e.as_of FROM live_edge e JOIN dim_tenant t USING (tenant_id) "
            + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
            + "ORDER BY 1, 2, 3";
    static final String DIM_ROWS = "SELECT resource_id, urn, kind, name, namespace FROM dim_resource ORDER BY urn";

    /** Runs the edge job (all three sinks) to the end of the topic; {@code tap} may inject a failure. */
    static void runEdges(JobOptions o, MapFunction<SpanRecord, SpanRecord> tap) throws Exception {
        Pipelines.runEdges(o, tap);
    }

    /**
     * Sends messages in {@link #outOfOrder} order, each service to a fixed partition, neighbours
     * in the shop to different ones, so that the spans of one trace are spread over the partitions
     * and often arrive callee first. Every span is on time on its partition (checked).
     */
    static void sendShuffled(EmbeddedKafka kafka, String topic, int partitions, List<Msg> msgs) throws Exception {
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        List<String> shop = List.of(TelemetryGenerator.SERVICES);
        for (Msg m : outOfOrder(msgs)) {
            // the shop's services one partition after the other, so each call crosses partitions
            int i = shop.indexOf(m.service());
            int partition = Math.floorMod(i >= 0 ? i : m.service().hashCode(), partitions);
            recs.add(new ProducerRecord<>(topic, partition, m.timeMillis(), null, m.value()));
        }
        assertThat(PartitionLateness.lateSpans(recs, OUT_OF_ORDERNESS)).as("spans behind their partition's watermark")
                .containsOnly(0);
        kafka.send(recs);
    }

    /**
     * The messages in event-time order but reversed within groups of up to 8 spanning at most
     * 5 s, well inside the out-of-orderness. A group must not straddle the 15-minute gap between
     * the two stretches of {@link #traffic}: the later stretch would go first, and the earlier
     * records after it would be behind their partition's watermark, where whether a half still
     * finds its partner depends on how far the other partition has been read (see
     * {@link PartitionLateness}).
     */
    static List<Msg> outOfOrder(List<Msg> msgs) {
        List<Msg> sorted = new ArrayList<>(msgs);
        sorted.sort(Comparator.comparingLong(Msg::timeMillis));
        for (int i = 0; i < sorted.size();) {
            int j = i + 1;
            while (j < sorted.size() && j < i + 8 && sorted.get(j).timeMillis() - sorted.get(i).timeMillis() <= 5_000) {
                j++;
            }
            Collections.reverse(sorted.subList(i, j));
            i = j;
        }
        return sorted;
    }

    /** The shop traffic in two stretches 15 minutes apart, plus the hand-made edge cases. */
    static List<Msg> traffic(long start, String tenant, double tracesPerSecond) {
        List<Msg> msgs = new ArrayList<>();
        for (TelemetryGenerator.Message m : new TelemetryGenerator(42, tenant).withLogs(false).withMetrics(false)
                .incident(start + 2 * MIN, start + 3 * MIN).generate(start, 6 * MIN, tracesPerSecond)) {
            msgs.add(new Msg(m.timeMillis, m.value, m.service));
        }
        for (TelemetryGenerator.Message m : new TelemetryGenerator(43, tenant).withLogs(false).withMetrics(false)
                .generate(start + 21 * MIN, 2 * MIN, tracesPerSecond)) {
            msgs.add(new Msg(m.timeMillis, m.value, m.service));
        }
        EdgeCases cases = new EdgeCases(7, tenant);
        for (int i = 0; i < 10; i++) {
            cases.all(start + 30_000 + i * 30_000L, i);
            cases.all(start + 21 * MIN + 10_000 + i * 10_000L, i + 10);
        }
        msgs.addAll(cases.messages);
        return msgs;
    }

    @Test
    void edgesMatchTheOracleAndARerunChangesNothing(@TempDir Path tmp) throws Exception {
        String topic = "otlp_spans";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter");
        List<Msg> msgs = traffic(START, "acme", 20);
        sendShuffled(SERVICES.kafka(), topic, 2, msgs);
        EdgeOracle oracle = new EdgeOracle();
        for (Msg m : msgs) {
            oracle.add(m.value());
        }
        Map<String, EdgeOracle.Expected> expected = oracle.rows();
        assertThat(expected.values().stream().mapToLong(e -> e.calls).sum()).isGreaterThan(15_000);

        runEdges(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "first"), null);

        // service_call_5m: exactly the oracle's rows, counts and errors
        Map<String, long[]> actual = new TreeMap<>();
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT e.bucket, t.code, src.name, dst.name, e.calls, e.errors, e.p50_ms, "
                        + "e.p95_ms, e.rps, e.err_rate FROM service_call_5m e JOIN dim_tenant t USING (tenant_id) "
                        + "JOIN dim_resource src ON src.resource_id = e.src_resource_id "
                        + "JOIN dim_resource dst ON dst.resource_id = e.dst_resource_id")) {
            while (rs.next()) {
                String key = EdgeOracle.key(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4));
                actual.put(key, new long[] {rs.getLong(5), rs.getLong(6)});
                assertThat(rs.getDouble(8)).as("p95 of %s", key).isGreaterThanOrEqualTo(rs.getDouble(7));
                assertThat(rs.getDouble(9)).isEqualTo(rs.getLong(5) / 300.0);
            }
        }
        assertThat(actual.keySet()).as("no edge missing, none invented").containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, EdgeOracle.Expected> e : expected.entrySet()) {
            assertThat(actual.get(e.getKey())).as("calls and errors of %s", e.getKey())
                    .containsExactly(e.getValue().calls, e.getValue().errors);
        }
        // the topology the shop is known to have, virtual nodes included
        assertThat(edgeNames("acme")).contains("user->frontend", "frontend->cart", "frontend->checkout",
                "checkout->payment", "cart->redis", "checkout->postgresql", "checkout->shipping",
                QUOTES + "->" + HOSTILE, HOSTILE + "->legacy-billing", HOSTILE + "->api.example.com", HOSTILE + "->unknown",
                HOSTILE + "->kafka", "kafka->auditor");
        assertThat(edgeNames("acme")).noneMatch(n -> n.contains("orphan-svc") || n.contains("self-caller"));
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT urn, kind, name FROM dim_resource WHERE kind = 'peer' ORDER BY urn"))
                .contains("urn:peer:redis/0\tpeer\tredis", "urn:peer:postgresql/orders\tpeer\tpostgresql",
                        "urn:peer:user/user\tpeer\tuser", "urn:peer:kafka/audit\tpeer\tkafka",
                        "urn:peer:service/legacy-billing\tpeer\tlegacy-billing", "urn:peer:host/api.example.com\tpeer\tapi.example.com",
                        "urn:peer:unknown/unknown\tpeer\tunknown");
        // every row points at the Kafka records behind it
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM service_call_5m e "
                + "LEFT JOIN kafka_locator k ON k.id = e.sample_ref WHERE k.id IS NULL")).containsExactly("0");

        // topo_edge_time: the runs of calls, each [first, last]; the end of the input closed the last ones
        Map<String, List<long[]>> runs = oracle.intervals(Duration.ofMinutes(10).toMillis());
        Map<String, List<String>> actualRuns = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT t.code || '|' || s.name || '|' || d.name, "
                + "(extract(epoch FROM lower(e.valid)) * 1000)::bigint, (extract(epoch FROM upper(e.valid)) * 1000)::bigint, "
                + "upper_inc(e.valid) FROM topo_edge_time e JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
                + "ORDER BY 1, 2")) {
            String[] f = row.split("\t");
            actualRuns.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + ".." + ("null".equals(f[2]) ? "open" : f[2] + " " + f[3]));
        }
        Map<String, List<String>> expectedRuns = new TreeMap<>();
        for (Map.Entry<String, List<long[]>> e : runs.entrySet()) {
            List<String> l = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                long[] r = e.getValue().get(i);
                l.add(r[0] + ".." + r[1] + " true");
            }
            expectedRuns.put(e.getKey(), l);
        }
        assertThat(actualRuns).isEqualTo(expectedRuns);
        assertThat(actualRuns.get("acme|frontend|checkout")).hasSize(2);

        // the live graph: the edges of the last 10 minutes of event time, as of the next minute
        long asOf = START + 23 * MIN;
        Map<String, long[]> live = new TreeMap<>();
        for (EdgeOracle.Call c : oracle.calls()) {
            if (c.startMillis() >= asOf - 10 * MIN && c.startMillis() < asOf) {
                long[] v = live.computeIfAbsent(c.tenant() + "|" + c.caller() + "|" + c.callee(), k -> new long[4]);
                v[0]++;
                v[1] += c.failed() ? 1 : 0;
                v[2] = v[0] == 1 ? c.startMillis() : Math.min(v[2], c.startMillis());
                v[3] = Math.max(v[3], c.startMillis());
            }
        }
        Map<String, long[]> liveActual = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT t.code || '|' || s.name || '|' || d.name, e.calls, e.errors, "
                + "(extract(epoch FROM e.first_seen) * 1000)::bigint, (extract(epoch FROM e.last_seen) * 1000)::bigint, "
                + "(extract(epoch FROM e.as_of) * 1000)::bigint FROM live_edge e JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id")) {
            String[] f = row.split("\t");
            liveActual.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])});
            assertThat(Long.parseLong(f[5])).as("as_of of %s", f[0]).isEqualTo(asOf);
        }
        assertThat(liveActual.keySet()).containsExactlyElementsOf(live.keySet());
        for (Map.Entry<String, long[]> e : live.entrySet()) {
            assertThat(liveActual.get(e.getKey())).as("live %s", e.getKey()).containsExactly(e.getValue());
        }

        // the incident queries find the hostile names through bound parameters
        try (Connection c = SERVICES.postgres().connect()) {
            List<Map<String, Object>> down = GraphQueriesTest.query(c, "edges_downstream.sql",
                    Map.of("tenant", "acme", "service", QUOTES, "hops", "3"));
            assertThat(down).extracting(r -> r.get("caller") + "->" + r.get("callee")).containsExactlyInAnyOrder(
                    QUOTES + "->" + HOSTILE, HOSTILE + "->legacy-billing", HOSTILE + "->api.example.com",
                    HOSTILE + "->unknown", HOSTILE + "->kafka", "kafka->auditor");
            List<Map<String, Object>> up = GraphQueriesTest.query(c, "edges_upstream_impact.sql",
                    Map.of("tenant", "acme", "service", "payment", "hops", "5"));
            assertThat(up).extracting(r -> r.get("affected") + "@" + r.get("hops_away"))
                    .containsExactly("checkout@1", "frontend@2", "user@3");
        }

        // analyze's CSV files
        Map<String, Integer> exported;
        try (Connection c = SERVICES.postgres().connect()) {
            exported = CsvExport.exportAll(c, tmp);
        }
        assertThat(exported.get("service_call_5m")).isEqualTo(expected.size());
        assertThat(Files.readAllLines(tmp.resolve("service_call_5m.csv"), StandardCharsets.UTF_8).get(0))
                .startsWith("bucket,tenant,caller,callee,calls,errors,p50_ms,p95_ms");
        assertThat(Files.readString(tmp.resolve("service_call_5m.csv"))).contains("2026-03-01T10:00:00Z,acme,checkout,postgresql,");
        assertThat(exported.get("topo_edge_time")).isEqualTo(runs.values().stream().mapToInt(List::size).sum());

        // running the job again over the same input rewrites the same rows: the graph stays as it is
        Map<String, List<String>> before = snapshot(SERVICES.postgres());
        runEdges(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "second"), null);
        assertThat(snapshot(SERVICES.postgres())).isEqualTo(before);
    }

    static Map<String, List<String>> snapshot(PostgresServer pg) throws Exception {
        Map<String, List<String>> m = new HashMap<>();
        m.put("service_call_5m", Pipelines.rows(pg, CALL_ROWS));
        m.put("topo_edge_time", Pipelines.rows(pg, TOPO_ROWS));
        m.put("live_edge", Pipelines.rows(pg, LIVE_ROWS));
        m.put("dim_resource", Pipelines.rows(pg, DIM_ROWS));
        return m;
    }

    static List<String> edgeNames(String tenant) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = SERVICES.postgres().connect();
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT DISTINCT s.name, d.name FROM service_call_5m e "
                        + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource s ON s.resource_id = e.src_resource_id "
                        + "JOIN dim_resource d ON d.resource_id = e.dst_resource_id WHERE t.code = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "->" + rs.getString(2));
                }
            }
        }
        return out;
    }

    /** Hand-made traces for the cases the shop does not have; one OTLP message per service and trace. */
    static final class EdgeCases {
        final List<Msg> messages = new ArrayList<>();
        private final java.util.SplittableRandom random;
        private final String tenant;

        EdgeCases(long seed, String tenant) {
            this.random = new java.util.SplittableRandom(seed);
            this.tenant = tenant;
        }

        void all(long t, int i) {
            boolean fail = i % 3 == 0;
            // a root SERVER span in a service named with quotes calls a service named like Cypher
            byte[] trace = traceId();
            long root = id();
            long client = id();
            long server = id();
            send(QUOTES, t + 20, span(trace, root, 0, Span.SpanKind.SPAN_KIND_SERVER, t, t + 20, false),
                    span(trace, client, root, Span.SpanKind.SPAN_KIND_CLIENT, t + 1, t + 15, fail));
            send(HOSTILE, t + 14, span(trace, server, client, Span.SpanKind.SPAN_KIND_SERVER, t + 2, t + 14, fail),
                    span(trace, id(), server, Span.SpanKind.SPAN_KIND_CLIENT, t + 3, t + 5, false, kv("peer.service", "legacy-billing")),
                    span(trace, id(), server, Span.SpanKind.SPAN_KIND_CLIENT, t + 5, t + 7, i % 2 == 0, kv("server.address", "api.example.com")),
                    span(trace, id(), server, Span.SpanKind.SPAN_KIND_CLIENT, t + 7, t + 8, false),
                    span(trace, id(), server, Span.SpanKind.SPAN_KIND_PRODUCER, t + 8, t + 9, false,
                            kv("messaging.system", "kafka"), kv("messaging.destination.name", "audit")));
            // consumers whose producer never reported: with a parent, and as a root
            byte[] t2 = traceId();
            send("auditor", t + 30, span(t2, id(), id(), Span.SpanKind.SPAN_KIND_CONSUMER, t + 25, t + 30, false,
                    kv("messaging.system", "kafka"), kv("messaging.destination.name", "audit")),
                    span(traceId(), id(), 0, Span.SpanKind.SPAN_KIND_CONSUMER, t + 26, t + 29, fail,
                            kv("messaging.system", "kafka"), kv("messaging.destination.name", "audit")));
            // an orphan SERVER span (its caller never reported) and a call inside one service
            byte[] t3 = traceId();
            long inner = id();
            long innerRoot = id();
            send("orphan-svc", t + 40, span(t3, id(), id(), Span.SpanKind.SPAN_KIND_SERVER, t + 35, t + 40, false));
            send("self-caller", t + 50, span(t3, innerRoot, id(), Span.SpanKind.SPAN_KIND_INTERNAL, t + 41, t + 50, false),
                    span(t3, inner, innerRoot, Span.SpanKind.SPAN_KIND_CLIENT, t + 42, t + 48, false),
                    span(t3, id(), inner, Span.SpanKind.SPAN_KIND_SERVER, t + 43, t + 47, false));
        }

        private void send(String service, long timeMillis, Span... spans) {
            Resource r = Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", "lab"))
                    .addAttributes(kv("tenant.id", tenant)).build();
            byte[] value = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(r)
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build().toByteArray();
            messages.add(new Msg(timeMillis, value, service));
        }

        private byte[] traceId() {
            byte[] b = new byte[16];
            for (int i = 0; i < 16; i++) {
                b[i] = (byte) random.nextInt(256);
            }
            b[0] |= 1;
            return b;
        }

        private long id() {
            long v;
            do {
                v = random.nextLong();
            } while (v == 0);
            return v;
        }
    }

    /** One OTLP export request to send, stamped with its event time and sending service. */
    record Msg(long timeMillis, byte[] value, String service) {}

    static Span span(byte[] trace, long id, long parent, Span.SpanKind kind, long startMs, long endMs, boolean error,
            KeyValue... attrs) {
        Span.Builder b = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(id8(id)).setName("op")
                .setKind(kind).setStartTimeUnixNano(startMs * 1_000_000L).setEndTimeUnixNano(endMs * 1_000_000L)
                .setStatus(Status.newBuilder().setCode(error ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET));
        if (parent != 0) {
            b.setParentSpanId(id8(parent));
        }
        for (KeyValue kv : attrs) {
            b.addAttributes(kv);
        }
        return b.build();
    }

    static ByteString id8(long id) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) id;
            id >>>= 8;
        }
        return ByteString.copyFrom(b);
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
