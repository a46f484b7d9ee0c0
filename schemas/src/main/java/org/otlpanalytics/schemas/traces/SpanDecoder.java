package org.otlpanalytics.schemas.traces;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.schemas.AttributeLimits;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.OtlpJson;
import org.otlpanalytics.schemas.OtlpProto;
import org.otlpanalytics.schemas.TextSanitizer;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Decodes one {@code ExportTraceServiceRequest} (same bytes as {@code TracesData}) into flat
 * {@link SpanRecord}s. Validation is all-or-nothing: a message with one bad span is dead-lettered
 * whole, so that nothing is counted from a message that is also in the dead-letter topic.
 */
public final class SpanDecoder implements org.otlpanalytics.schemas.OtlpDecoder<SpanRecord> {
    private static final long serialVersionUID = 1L;

    /** Bounds a hostile message: protobuf recursion and span count per message. */
    static final int MAX_SPANS_PER_MESSAGE = 1_000_000;

    /** Longest list of extra attribute keys a decoder accepts (bounds the work per attribute). */
    public static final int MAX_ATTRIBUTE_KEYS = 16;

    private final Encoding encoding;
    private final String[] attributeKeys;
    /** Non-null: every span attribute and resource attribute is kept, bounded ({@link SpanRecord#spanAttributes}). */
    private final AttributeLimits attributes;

    /** A decoder that leaves {@link SpanRecord#attributes}, {@link SpanRecord#spanAttributes} and {@link SpanRecord#resourceAttributes} null. */
    public SpanDecoder(Encoding encoding) {
        this(encoding, java.util.List.of(), null);
    }

    /**
     * A decoder that also keeps the values of {@code attributeKeys} (string-valued or rendered as
     * strings, sanitized and cut like names) in {@link SpanRecord#attributes}; other attributes are
     * skipped as before, so the cost is one key comparison per attribute and configured key.
     */
    public SpanDecoder(Encoding encoding, java.util.List<String> attributeKeys) {
        this(encoding, attributeKeys, null);
    }

    /**
     * As {@link #SpanDecoder(Encoding, java.util.List)}; {@code attributes} non-null: spans also carry all
     * their attributes and their resource's ({@link SpanRecord#spanAttributes}, {@link
     * SpanRecord#resourceAttributes}), bounded by it (for the raw {@code span} store).
     */
    public SpanDecoder(Encoding encoding, java.util.List<String> attributeKeys, AttributeLimits attributes) {
        if (attributeKeys.size() > MAX_ATTRIBUTE_KEYS) {
            throw new IllegalArgumentException("at most " + MAX_ATTRIBUTE_KEYS + " span attributes can be kept, got "
                    + attributeKeys.size());
        }
        this.encoding = encoding;
        this.attributeKeys = attributeKeys.isEmpty() ? null : attributeKeys.toArray(new String[0]);
        this.attributes = attributes;
    }

    public ExportTraceServiceRequest parse(byte[] bytes) throws DecodeException {
        if (bytes == null) {
            throw new DecodeException("empty message (null value)");
        }
        if (encoding == Encoding.OTLP_JSON) {
            return OtlpJson.merge(bytes, ExportTraceServiceRequest.newBuilder()).build();
        }
        return OtlpProto.parse(bytes, ExportTraceServiceRequest.parser(), ExportTraceServiceRequest.getDescriptor());
    }

    /** Decodes and validates the whole message, then emits every span. */
    @Override
    public long eventTimeMillis(SpanRecord r) {
        return r.startMillis();
    }

    @Override
    public int decode(byte[] bytes, int partition, long offset, List<SpanRecord> out) throws DecodeException {
        ExportTraceServiceRequest req = parse(bytes);
        int start = out.size();
        int n = 0;
        try {
            for (ResourceSpans rs : req.getResourceSpansList()) {
                ResourceInfo res = ResourceInfo.of(rs.getResource());
                Map<String, String> resourceAttributes = attributes == null ? null
                        : attributes.read(rs.getResource().getAttributesList());
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        if (++n > MAX_SPANS_PER_MESSAGE) {
                            throw new DecodeException("more than " + MAX_SPANS_PER_MESSAGE + " spans in one message");
                        }
                        SpanRecord r = toRecord(res, s, partition, offset, attributeKeys);
                        String problem = validate(r);
                        if (problem != null) {
                            throw new DecodeException(problem);
                        }
                        r.indexInMessage = n - 1;
                        if (attributes != null) {
                            r.spanAttributes = attributes.read(s.getAttributesList());
                            r.resourceAttributes = resourceAttributes;
                        }
                        out.add(r);
                    }
                }
            }
        } catch (DecodeException e) {
            // all or nothing: a message with one bad span is dead-lettered whole
            out.subList(start, out.size()).clear();
            throw e;
        }
        return n;
    }

    static String validate(SpanRecord r) {
        if (r.traceIdHi == 0 && r.traceIdLo == 0) {
            return "span without a valid trace id";
        }
        if (r.spanId == 0) {
            return "span without a valid span id";
        }
        if (r.startTimeNanos == 0) {
            return "span without a start time";
        }
        if (r.startTimeNanos < 0 || r.endTimeNanos < 0) {
            // fixed64 above 2^63-1 nanoseconds: after 2262-04-11, read as a negative long
            return "span time beyond year 2262";
        }
        if (r.endTimeNanos < r.startTimeNanos) {
            return "span ends before it starts";
        }
        return null;
    }

    static SpanRecord toRecord(ResourceInfo res, Span s, int partition, long offset) throws DecodeException {
        return toRecord(res, s, partition, offset, null);
    }

    static SpanRecord toRecord(ResourceInfo res, Span s, int partition, long offset, String[] attributeKeys)
            throws DecodeException {
        SpanRecord r = new SpanRecord();
        r.tenant = res.tenant;
        r.serviceName = res.serviceName;
        r.serviceNamespace = res.serviceNamespace;
        r.serviceUrn = res.urn;
        r.hostName = res.hostName;
        ByteString tid = s.getTraceId();
        if (tid.size() != 16) {
            throw new DecodeException("trace id has " + tid.size() + " bytes, expected 16");
        }
        r.traceIdHi = readLong(tid, 0);
        r.traceIdLo = readLong(tid, 8);
        if (s.getSpanId().size() != 8) {
            throw new DecodeException("span id has " + s.getSpanId().size() + " bytes, expected 8");
        }
        r.spanId = readLong(s.getSpanId(), 0);
        int psize = s.getParentSpanId().size();
        if (psize != 0 && psize != 8) {
            throw new DecodeException("parent span id has " + psize + " bytes, expected 0 or 8");
        }
        r.parentSpanId = psize == 0 ? 0L : readLong(s.getParentSpanId(), 0);
        r.name = TextSanitizer.name(s.getName().isEmpty() ? "<unnamed>" : s.getName(), ResourceInfo.MAX_NAME_CHARS);
        r.kind = s.getKindValue();
        if (r.kind < 0 || r.kind > SpanRecord.KIND_CONSUMER) {
            r.kind = SpanRecord.KIND_UNSPECIFIED;
        }
        r.statusCode = s.getStatus().getCodeValue();
        if (r.statusCode < 0 || r.statusCode > SpanRecord.STATUS_ERROR) {
            r.statusCode = SpanRecord.STATUS_UNSET;
        }
        r.startTimeNanos = s.getStartTimeUnixNano();
        r.endTimeNanos = s.getEndTimeUnixNano();
        readAttributes(s.getAttributesList(), r, attributeKeys);
        r.kafkaPartition = partition;
        r.kafkaOffset = offset;
        return r;
    }

    private static void readAttributes(List<KeyValue> attrs, SpanRecord r, String[] keys) {
        if (keys != null) {
            r.attributes = new String[keys.length];
        }
        for (KeyValue kv : attrs) {
            String k = kv.getKey();
            if (keys != null) {
                for (int i = 0; i < keys.length; i++) {
                    if (keys[i].equals(k)) {
                        r.attributes[i] = str(kv);
                    }
                }
            }
            switch (k) {
                case "peer.service":
                    r.peerService = str(kv);
                    break;
                case "db.system.name":
                    r.dbSystem = str(kv);
                    break;
                case "db.system":
                    if (r.dbSystem == null) {
                        r.dbSystem = str(kv);
                    }
                    break;
                case "db.namespace":
                    r.dbNamespace = str(kv);
                    break;
                case "db.name":
                    if (r.dbNamespace == null) {
                        r.dbNamespace = str(kv);
                    }
                    break;
                case "messaging.system":
                    r.messagingSystem = str(kv);
                    break;
                case "messaging.destination.name":
                    r.messagingDestination = str(kv);
                    break;
                case "messaging.destination":
                    if (r.messagingDestination == null) {
                        r.messagingDestination = str(kv);
                    }
                    break;
                case "server.address":
                    r.serverAddress = str(kv);
                    break;
                case "net.peer.name":
                    if (r.serverAddress == null) {
                        r.serverAddress = str(kv);
                    }
                    break;
                case "http.route":
                    r.httpRoute = str(kv);
                    break;
                case "error.type":
                    r.errorType = str(kv);
                    break;
                case "http.response.status_code":
                case "http.status_code":
                    if (kv.getValue().hasIntValue()) {
                        r.httpStatusCode = (int) Math.max(0, Math.min(999, kv.getValue().getIntValue()));
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private static String str(KeyValue kv) {
        String v = ResourceInfo.stringValue(kv.getValue());
        return v == null || v.isEmpty() ? null : TextSanitizer.name(v, ResourceInfo.MAX_NAME_CHARS);
    }

    static long readLong(ByteString b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b.byteAt(off + i) & 0xFF);
        }
        return v;
    }
}
