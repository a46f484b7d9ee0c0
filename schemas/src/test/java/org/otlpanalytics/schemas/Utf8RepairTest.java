package org.otlpanalytics.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;

public class Utf8RepairTest {
    /** A logs request whose body and one resource attribute value hold the marker {@code @@}. */
    public static byte[] withInvalidUtf8() {
        byte[] b = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("svc@@"))))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1)
                        .setBody(AnyValue.newBuilder().setStringValue("read @@ bytes")))))
                .build().toByteArray();
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == '@' && b[i + 1] == '@') {
                b[i] = (byte) 0xC3; // a lead byte followed by an ASCII byte: invalid
                b[i + 1] = (byte) 0x28;
            }
        }
        return b;
    }

    @Test
    void protobufRejectsTheWholeMessageForOneInvalidByte() {
        assertThatThrownBy(() -> ExportLogsServiceRequest.parseFrom(withInvalidUtf8())).hasMessageContaining("invalid UTF-8");
    }

    @Test
    void replacesEachInvalidSequenceInStringFieldsAndKeepsEverythingElse() throws Exception {
        ExportLogsServiceRequest req = OtlpProto.parse(withInvalidUtf8(), ExportLogsServiceRequest.parser(),
                ExportLogsServiceRequest.getDescriptor());
        ResourceLogs rl = req.getResourceLogs(0);
        assertThat(rl.getResource().getAttributes(0).getValue().getStringValue()).isEqualTo("svc\uFFFD(");
        LogRecord lr = rl.getScopeLogs(0).getLogRecords(0);
        assertThat(lr.getBody().getStringValue()).isEqualTo("read \uFFFD( bytes");
        assertThat(lr.getTimeUnixNano()).isEqualTo(1);
    }

    @Test
    void leavesOtherDecodeErrorsAlone() {
        assertThatThrownBy(() -> OtlpProto.parse(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
                ExportLogsServiceRequest.parser(), ExportLogsServiceRequest.getDescriptor()))
                .isInstanceOf(DecodeException.class).hasMessageStartingWith("otlp_proto: ");
    }
}
