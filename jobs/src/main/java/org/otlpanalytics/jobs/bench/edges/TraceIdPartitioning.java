package org.otlpanalytics.jobs.bench.edges;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits an OTLP export request into one request per trace id, keyed by the trace id in hex, as
 * the OpenTelemetry Collector's Kafka exporter does with {@code partition_traces_by_id: true}:
 * Kafka's default partitioner then puts every span of a trace on one partition, so both halves of
 * every call reach one source subtask. Each request keeps its spans' resource and scope, and the
 * spans their order.
 */
final class TraceIdPartitioning {
    private TraceIdPartitioning() {}

    /** One Kafka record's key and value. */
    record Keyed(byte[] key, byte[] value) {}

    static List<Keyed> split(byte[] request) throws InvalidProtocolBufferException {
        ExportTraceServiceRequest in = ExportTraceServiceRequest.parseFrom(request);
        Map<ByteString, ExportTraceServiceRequest.Builder> byTrace = new LinkedHashMap<>();
        for (ResourceSpans rs : in.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                Map<ByteString, ScopeSpans.Builder> scoped = new LinkedHashMap<>();
                for (Span s : ss.getSpansList()) {
                    scoped.computeIfAbsent(s.getTraceId(), t -> ScopeSpans.newBuilder().setScope(ss.getScope())
                            .setSchemaUrl(ss.getSchemaUrl())).addSpans(s);
                }
                for (Map.Entry<ByteString, ScopeSpans.Builder> e : scoped.entrySet()) {
                    byTrace.computeIfAbsent(e.getKey(), t -> ExportTraceServiceRequest.newBuilder())
                            .addResourceSpans(ResourceSpans.newBuilder().setResource(rs.getResource())
                                    .setSchemaUrl(rs.getSchemaUrl()).addScopeSpans(e.getValue()));
                }
            }
        }
        List<Keyed> out = new ArrayList<>(byTrace.size());
        for (Map.Entry<ByteString, ExportTraceServiceRequest.Builder> e : byTrace.entrySet()) {
            byte[] key = HexFormat.of().formatHex(e.getKey().toByteArray()).getBytes(StandardCharsets.UTF_8);
            out.add(new Keyed(key, e.getValue().build().toByteArray()));
        }
        return out;
    }
}
