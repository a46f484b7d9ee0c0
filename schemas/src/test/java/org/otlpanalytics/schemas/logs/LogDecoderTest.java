package org.otlpanalytics.schemas.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.Utf8RepairTest;

class LogDecoderTest {
    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    @Test
    void replacesNulInBodiesAndEveryControlCharacterInSeverityAndIdentity() throws Exception {
        ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "pay\u0000ment"))
                        .addAttributes(kv("host.name", "node\r1")))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1_000_000_000L)
                        .setSeverityText("ERR\u0000OR").setBody(AnyValue.newBuilder()
                                .setStringValue("failed\u0000 at\n\tline 3\u001b[0m")))))
                .build();
        List<LogRecordFlat> out = new ArrayList<>();
        new LogDecoder(Encoding.OTLP_PROTO).decode(req.toByteArray(), 0, 0, out);
        LogRecordFlat r = out.get(0);
        assertThat(r.body).isEqualTo("failed\uFFFD at\n\tline 3\u001b[0m");
        assertThat(r.severityText).isEqualTo("ERR\uFFFDOR");
        assertThat(r.serviceName).isEqualTo("pay\uFFFDment");
        assertThat(r.hostName).isEqualTo("node\uFFFD1");
    }

    @Test
    void keepsTheRecordsOfAMessageWithInvalidUtf8() throws Exception {
        List<LogRecordFlat> out = new ArrayList<>();
        new LogDecoder(Encoding.OTLP_PROTO).decode(Utf8RepairTest.withInvalidUtf8(), 0, 0, out);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).body).isEqualTo("read \uFFFD( bytes");
        assertThat(out.get(0).serviceName).isEqualTo("svc\uFFFD(");
    }
}
