package org.otlpanalytics.schemas.logs;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.schemas.AttributeLimits;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.OtlpJson;
import org.otlpanalytics.schemas.OtlpProto;
import org.otlpanalytics.schemas.TextSanitizer;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/** Decodes one {@code ExportLogsServiceRequest} into flat {@link LogRecordFlat}s. */
public final class LogDecoder implements org.otlpanalytics.schemas.OtlpDecoder<LogRecordFlat> {
    private static final long serialVersionUID = 1L;

    /** Log bodies are cut to this many characters before mining. */
    public static final int MAX_BODY_CHARS = 4096;
    /** Severity texts are cut to this many characters. */
    public static final int MAX_SEVERITY_TEXT_CHARS = 32;

    private final Encoding encoding;
    private final AttributeLimits attributes;

    /** A decoder that leaves {@link LogRecordFlat#attributes} and {@link LogRecordFlat#resourceAttributes} null. */
    public LogDecoder(Encoding encoding) {
        this(encoding, null);
    }

    /** {@code attributes} non-null: records carry their attributes and their resource's, bounded by it. */
    public LogDecoder(Encoding encoding, AttributeLimits attributes) {
        this.encoding = encoding;
        this.attributes = attributes;
    }

    public ExportLogsServiceRequest parse(byte[] bytes) throws DecodeException {
        if (bytes == null) {
            throw new DecodeException("empty message (null value)");
        }
        if (encoding == Encoding.OTLP_JSON) {
            return OtlpJson.merge(bytes, ExportLogsServiceRequest.newBuilder()).build();
        }
        return OtlpProto.parse(bytes, ExportLogsServiceRequest.parser(), ExportLogsServiceRequest.getDescriptor());
    }

    @Override
    public long eventTimeMillis(LogRecordFlat r) {
        return r.timeMillis();
    }

    @Override
    public int decode(byte[] bytes, int partition, long offset, List<LogRecordFlat> out) throws DecodeException {
        ExportLogsServiceRequest req = parse(bytes);
        int start = out.size();
        for (ResourceLogs rl : req.getResourceLogsList()) {
            ResourceInfo res = ResourceInfo.of(rl.getResource());
            Map<String, String> resourceAttributes = attributes == null ? null : attributes.read(rl.getResource().getAttributesList());
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord lr : sl.getLogRecordsList()) {
                    LogRecordFlat f = new LogRecordFlat();
                    f.tenant = res.tenant;
                    f.serviceName = res.serviceName;
                    f.serviceNamespace = res.serviceNamespace;
                    f.serviceUrn = res.urn;
                    f.hostName = res.hostName;
                    f.timeNanos = lr.getTimeUnixNano() != 0 ? lr.getTimeUnixNano() : lr.getObservedTimeUnixNano();
                    if (f.timeNanos <= 0) {
                        out.subList(start, out.size()).clear();
                        throw new DecodeException(f.timeNanos == 0 ? "log record without time_unix_nano or observed_time_unix_nano"
                                : "log record time beyond year 2262");
                    }
                    f.severityNumber = Math.max(0, Math.min(24, lr.getSeverityNumberValue()));
                    f.severityText = lr.getSeverityText().isEmpty() ? null : TextSanitizer.name(lr.getSeverityText(), MAX_SEVERITY_TEXT_CHARS);
                    f.body = TextSanitizer.text(bodyText(lr.getBody()), MAX_BODY_CHARS);
                    ByteString tid = lr.getTraceId();
                    if (tid.size() == 16) {
                        f.traceIdHi = readLong(tid, 0);
                        f.traceIdLo = readLong(tid, 8);
                    }
                    if (lr.getSpanId().size() == 8) {
                        f.spanId = readLong(lr.getSpanId(), 0);
                    }
                    if (attributes != null) {
                        f.attributes = attributes.read(lr.getAttributesList());
                        f.resourceAttributes = resourceAttributes;
                    }
                    f.kafkaPartition = partition;
                    f.kafkaOffset = offset;
                    f.indexInMessage = out.size() - start;
                    out.add(f);
                }
            }
        }
        return out.size() - start;
    }

    static String bodyText(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE:
                return v.getStringValue();
            case VALUE_NOT_SET:
                return "";
            default:
                String s = ResourceInfo.stringValue(v);
                return s == null ? "" : s;
        }
    }

    private static long readLong(ByteString b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b.byteAt(off + i) & 0xFF);
        }
        return v;
    }
}
