package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.schemas.traces.SpanRecord;
import org.otlpanalytics.tests.support.EdgeOracle;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.TopicReader;

/**
 * The dashboard fixture's late input (copies of trace messages of minute 2 sent again at minute 18,
 * on both partitions) through the edge job while one source subtask starts late, as on a loaded
 * machine: the other subtask reads its partition past the copies before the late one opens, so
 * the pairing's watermark, the smallest over its inputs, has not moved when the copies reach it.
 * The copies are late on their own partition: every call they hold is dead-lettered as late (the
 * oracle: one per CLIENT/PRODUCER half, root SERVER half and CONSUMER half naming its broker), and
 * {@code service_call_5m} equals the {@link EdgeOracle} of the other messages, row by row. Before
 * late halves were judged at the local pairing, some of the copies' calls were counted in the
 * 10:00 bucket (with the halves shipped one by one as well as in batches).
 */
class EdgesSlowPartitionTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-06-10T10:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    static final String TOPIC = "otlp_spans_slow";
    static final String DEAD = "otlp_deadletter_slow";

    @Test
    void lateCopiesAreDeadLetteredNotCountedWhileAnotherPartitionLags(@TempDir Path tmp) throws Exception {
        SERVICES.kafka().createTopics(2, TOPIC, DEAD);
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        EdgeOracle oracle = new EdgeOracle();
        List<TelemetryGenerator.Message> shop = new TelemetryGenerator(11, "default").generate(START, 20 * MIN, 6);
        int i = 0;
        for (TelemetryGenerator.Message m : shop) {
            if (m.signal.equals("traces")) {
                recs.add(new ProducerRecord<>(TOPIC, i++ % 2, m.timeMillis, null, m.value));
                oracle.add(m.value);
            }
        }
        long lateCalls = 0;
        int copies = 0;
        for (TelemetryGenerator.Message m : shop) {
            if (m.signal.equals("traces") && m.timeMillis >= START + 2 * MIN && copies < 16) {
                recs.add(new ProducerRecord<>(TOPIC, copies++ % 2, START + 18 * MIN, null, m.value));
                lateCalls += namedHalves(m.value);
            }
        }
        recs.sort(Comparator.comparingLong(ProducerRecord::timestamp));
        SERVICES.kafka().send(recs);

        Path released = tmp.resolve("released");
        Pipelines.runEdges(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.SPANS_TOPIC, TOPIC,
                JobOptions.DEAD_LETTER_TOPIC, DEAD, JobOptions.GROUP_ID, "slow"), new LateSecondSubtask(released, START));
        assertThat(Files.exists(released)).as("subtask 0 read past the copies before subtask 1 opened").isTrue();

        Map<String, Long> actual = new TreeMap<>();
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT e.bucket, t.code, src.name, dst.name, e.calls FROM service_call_5m e "
                        + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource src ON src.resource_id = e.src_resource_id "
                        + "JOIN dim_resource dst ON dst.resource_id = e.dst_resource_id")) {
            while (rs.next()) {
                // by name, as the oracle: a service and a peer of the same name (the host "cart") share a key
                actual.merge(EdgeOracle.key(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4)),
                        rs.getLong(5), Long::sum);
            }
        }
        Map<String, Long> expected = new TreeMap<>();
        oracle.rows().forEach((k, e) -> expected.put(k, e.calls));
        long late = 0;
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(SERVICES.kafka().bootstrapServers(), DEAD)) {
            String reason = new String(r.headers().lastHeader(DeadLetterSerializer.HEADER_REASON).value(), StandardCharsets.UTF_8);
            late += reason.startsWith("late edge") ? 1 : 0;
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(late).as("every call of the copies dead-lettered as late").isEqualTo(lateCalls);
    }

    /** The halves of a message that name a virtual node when unpaired: each is one late call. */
    static long namedHalves(byte[] message) throws Exception {
        long n = 0;
        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(message).getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    Span.SpanKind k = s.getKind();
                    boolean broker = s.getAttributesList().stream().map(KeyValue::getKey).anyMatch("messaging.system"::equals);
                    if (k == Span.SpanKind.SPAN_KIND_CLIENT || k == Span.SpanKind.SPAN_KIND_PRODUCER
                            || (k == Span.SpanKind.SPAN_KIND_SERVER && s.getParentSpanId().isEmpty())
                            || (k == Span.SpanKind.SPAN_KIND_CONSUMER && broker)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /**
     * Passes spans through; subtask 1 opens (its source reads nothing until then) only once subtask
     * 0 has read the copies on its partition and gone on past minute 19, which a file tells it.
     * Gives up waiting after two minutes, which the test then reports.
     */
    static final class LateSecondSubtask extends RichMapFunction<SpanRecord, SpanRecord> {
        private static final long serialVersionUID = 1L;
        private final String released;
        private final long start;
        private transient boolean pastMinute17;
        private transient boolean copiesSeen;

        LateSecondSubtask(Path released, long start) {
            this.released = released.toString();
            this.start = start;
        }

        @Override
        public void open(OpenContext ctx) throws Exception {
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 1) {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (!Files.exists(Paths.get(released)) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                // time for the copies to cross the shuffle to the pairing
                Thread.sleep(2_000);
            }
        }

        @Override
        public SpanRecord map(SpanRecord s) throws Exception {
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() != 0) {
                return s;
            }
            pastMinute17 |= s.startMillis() >= start + 17 * MIN;
            copiesSeen |= pastMinute17 && s.startMillis() < start + 3 * MIN;
            if (copiesSeen && s.startMillis() >= start + 19 * MIN && !Files.exists(Paths.get(released))) {
                Files.createFile(Paths.get(released));
            }
            return s;
        }
    }
}
