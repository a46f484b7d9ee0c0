package org.otlpanalytics.schemas.traces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.Encoding;

class SpanDecoderTest {
    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static ExportTraceServiceRequest request(Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "checkout"))
                        .addAttributes(kv("service.namespace", "shop")).addAttributes(kv("tenant.id", "acme")))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
    }

    static Span span(int spanByte, int parentByte) {
        byte[] trace = new byte[16];
        trace[15] = 7;
        byte[] id = new byte[8];
        id[7] = (byte) spanByte;
        Span.Builder b = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id))
                .setName("GET /cart").setKind(Span.SpanKind.SPAN_KIND_CLIENT).setStartTimeUnixNano(1_000_000_000L)
                .setEndTimeUnixNano(1_250_000_000L).setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
                .addAttributes(kv("db.system", "redis")).addAttributes(kv("db.system.name", "valkey"));
        if (parentByte != 0) {
            byte[] p = new byte[8];
            p[7] = (byte) parentByte;
            b.setParentSpanId(ByteString.copyFrom(p));
        }
        return b.build();
    }

    @Test
    void decodesResourceIdentityAndSpanFields() throws Exception {
        List<SpanRecord> out = new ArrayList<>();
        int n = new SpanDecoder(Encoding.OTLP_PROTO).decode(request(span(1, 2)).toByteArray(), 3, 99, out);
        assertThat(n).isEqualTo(1);
        SpanRecord r = out.get(0);
        assertThat(r.tenant).isEqualTo("acme");
        assertThat(r.serviceUrn).isEqualTo("urn:svc:shop/checkout");
        assertThat(r.traceIdHex()).isEqualTo("00000000000000000000000000000007");
        assertThat(r.spanId).isEqualTo(1);
        assertThat(r.parentSpanId).isEqualTo(2);
        assertThat(r.kind).isEqualTo(SpanRecord.KIND_CLIENT);
        assertThat(r.isError()).isTrue();
        assertThat(r.durationNanos()).isEqualTo(250_000_000L);
        assertThat(r.dbSystem).as("db.system.name wins over the legacy db.system").isEqualTo("valkey");
        assertThat(r.kafkaPartition).isEqualTo(3);
        assertThat(r.kafkaOffset).isEqualTo(99);
    }

    @Test
    void decodesOtlpJsonWithHexIdsAndStringInts() throws Exception {
        String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}}]},"
                + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
                + "\"parentSpanId\":\"eee19b7ec3c1b173\",\"name\":\"I'm a server span\",\"kind\":2,"
                + "\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":1544712661000000000,"
                + "\"status\":{\"code\":2},\"attributes\":[{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"503\"}}]}]}]}]}";
        List<SpanRecord> out = new ArrayList<>();
        new SpanDecoder(Encoding.OTLP_JSON).decode(json.getBytes(StandardCharsets.UTF_8), 0, 0, out);
        SpanRecord r = out.get(0);
        assertThat(r.traceIdHex()).isEqualTo("5b8efff798038103d269b633813fc60c");
        assertThat(Long.toHexString(r.spanId)).isEqualTo("eee19b7ec3c1b174");
        assertThat(r.kind).isEqualTo(SpanRecord.KIND_SERVER);
        assertThat(r.serviceUrn).isEqualTo("urn:svc:default/api");
        assertThat(r.tenant).isEqualTo("default");
        assertThat(r.durationNanos()).isEqualTo(1_000_000_000L);
        assertThat(r.httpStatusCode).isEqualTo(503);
        assertThat(r.isError()).isTrue();
    }

    @Test
    void rejectsGarbageTruncatedAndInvalidIdsWholeMessage() {
        SpanDecoder d = new SpanDecoder(Encoding.OTLP_PROTO);
        byte[] good = request(span(1, 0), span(2, 1)).toByteArray();
        List<SpanRecord> out = new ArrayList<>();
        assertThatThrownBy(() -> d.decode("not protobuf".getBytes(StandardCharsets.UTF_8), 0, 0, out))
                .isInstanceOf(DecodeException.class).hasMessageStartingWith("otlp_proto:");
        assertThatThrownBy(() -> d.decode(java.util.Arrays.copyOf(good, good.length - 5), 0, 0, out))
                .isInstanceOf(DecodeException.class);
        Span badId = span(3, 0).toBuilder().setSpanId(ByteString.copyFrom(new byte[3])).build();
        assertThatThrownBy(() -> d.decode(request(span(1, 0), badId).toByteArray(), 0, 0, out))
                .isInstanceOf(DecodeException.class).hasMessageContaining("span id has 3 bytes");
        Span backwards = span(4, 0).toBuilder().setEndTimeUnixNano(1).build();
        assertThatThrownBy(() -> d.decode(request(span(1, 0), backwards).toByteArray(), 0, 0, out))
                .isInstanceOf(DecodeException.class).hasMessageContaining("ends before it starts");
        assertThat(out).as("nothing of a rejected message is emitted").isEmpty();
        assertThatThrownBy(() -> new SpanDecoder(Encoding.OTLP_JSON).decode("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}"
                .getBytes(StandardCharsets.UTF_8), 0, 0, out)).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> d.decode(null, 0, 0, out)).isInstanceOf(DecodeException.class);
    }

    @Test
    void boundsHostileNames() throws Exception {
        String huge = "x".repeat(100_000);
        Span s = span(1, 0).toBuilder().setName(huge).build();
        List<SpanRecord> out = new ArrayList<>();
        new SpanDecoder(Encoding.OTLP_PROTO).decode(request(s).toByteArray(), 0, 0, out);
        assertThat(out.get(0).name).hasSize(256);
    }

    @Test
    void replacesNulAndControlCharactersInEveryStringOfASpan() throws Exception {
        Span s = span(1, 0).toBuilder().setName("GET /ca\u0000rt\n").clearAttributes()
                .addAttributes(kv("peer.service", "pay\u0000ment")).addAttributes(kv("server.address", "db\u0001host"))
                .addAttributes(kv("messaging.system", "kaf\u0000ka")).addAttributes(kv("db.system", "post\u0000gres"))
                .build();
        ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "check\u0000out"))
                        .addAttributes(kv("tenant.id", "ac\u0000me")))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(s))).build();
        List<SpanRecord> out = new ArrayList<>();
        new SpanDecoder(Encoding.OTLP_PROTO).decode(req.toByteArray(), 0, 0, out);
        SpanRecord r = out.get(0);
        assertThat(r.name).isEqualTo("GET /ca\uFFFDrt\uFFFD");
        assertThat(r.tenant).isEqualTo("ac\uFFFDme");
        assertThat(r.serviceName).isEqualTo("check\uFFFDout");
        assertThat(r.serviceUrn).isEqualTo("urn:svc:default/check\uFFFDout");
        assertThat(r.peerService).isEqualTo("pay\uFFFDment");
        assertThat(r.serverAddress).isEqualTo("db\uFFFDhost");
        assertThat(r.messagingSystem).isEqualTo("kaf\uFFFDka");
        assertThat(r.dbSystem).isEqualTo("post\uFFFDgres");
    }

    @Test
    void replacesEscapedNulAndLoneSurrogatesInOtlpJson() throws Exception {
        String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"a\\u0000pi\"}}]},"
                + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
                + "\"name\":\"lone \\ud800 \\u0000\",\"kind\":2,"
                + "\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":1544712661000000000}]}]}]}";
        List<SpanRecord> out = new ArrayList<>();
        new SpanDecoder(Encoding.OTLP_JSON).decode(json.getBytes(StandardCharsets.UTF_8), 0, 0, out);
        assertThat(out.get(0).serviceName).isEqualTo("a\uFFFDpi");
        assertThat(out.get(0).name).isEqualTo("lone \uFFFD \uFFFD");
    }

    @Test
    void keepsTheSpansOfAMessageWithInvalidUtf8InAnAttribute() throws Exception {
        byte[] b = request(span(1, 0).toBuilder().addAttributes(kv("peer.service", "pay@@")).build()).toByteArray();
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == '@' && b[i + 1] == '@') {
                b[i] = (byte) 0xE2; // a truncated three-byte sequence
                b[i + 1] = (byte) 0x82;
            }
        }
        List<SpanRecord> out = new ArrayList<>();
        new SpanDecoder(Encoding.OTLP_PROTO).decode(b, 0, 0, out);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).peerService).isEqualTo("pay\uFFFD");
        assertThat(out.get(0).name).isEqualTo("GET /cart");
    }
}
