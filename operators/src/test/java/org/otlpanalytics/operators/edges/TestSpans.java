package org.otlpanalytics.operators.edges;

import org.otlpanalytics.schemas.resource.ResourceInfo;
import org.otlpanalytics.schemas.traces.SpanRecord;

/** Fluent builder of {@link SpanRecord}s for the pairing tests; times in epoch milliseconds. */
final class TestSpans {
    static final long TRACE_HI = 0x5b8efff798038103L;
    static final long TRACE_LO = 0xd269b633813fc60cL;
    static final long T0 = 1_700_000_000_000L;

    private final SpanRecord s = new SpanRecord();

    private TestSpans(String service, int kind, long spanId, long parentSpanId) {
        s.tenant = ResourceInfo.DEFAULT_TENANT;
        s.serviceName = service;
        s.serviceNamespace = ResourceInfo.DEFAULT_NAMESPACE;
        s.serviceUrn = ResourceInfo.serviceUrn(s.serviceNamespace, service);
        s.traceIdHi = TRACE_HI;
        s.traceIdLo = TRACE_LO;
        s.spanId = spanId;
        s.parentSpanId = parentSpanId;
        s.kind = kind;
        s.name = "op";
        s.statusCode = SpanRecord.STATUS_UNSET;
        times(T0, 10);
    }

    static TestSpans client(String service, long spanId, long parentSpanId) {
        return new TestSpans(service, SpanRecord.KIND_CLIENT, spanId, parentSpanId);
    }

    static TestSpans server(String service, long spanId, long parentSpanId) {
        return new TestSpans(service, SpanRecord.KIND_SERVER, spanId, parentSpanId);
    }

    static TestSpans producer(String service, long spanId, long parentSpanId) {
        return new TestSpans(service, SpanRecord.KIND_PRODUCER, spanId, parentSpanId);
    }

    static TestSpans consumer(String service, long spanId, long parentSpanId) {
        return new TestSpans(service, SpanRecord.KIND_CONSUMER, spanId, parentSpanId);
    }

    static TestSpans internal(String service, long spanId, long parentSpanId) {
        return new TestSpans(service, SpanRecord.KIND_INTERNAL, spanId, parentSpanId);
    }

    TestSpans times(long startMillis, long durationMillis) {
        s.startTimeNanos = startMillis * 1_000_000L;
        s.endTimeNanos = (startMillis + durationMillis) * 1_000_000L;
        return this;
    }

    TestSpans trace(long hi, long lo) {
        s.traceIdHi = hi;
        s.traceIdLo = lo;
        return this;
    }

    TestSpans tenant(String tenant) {
        s.tenant = tenant;
        return this;
    }

    TestSpans namespace(String ns) {
        s.serviceNamespace = ns;
        s.serviceUrn = ResourceInfo.serviceUrn(ns, s.serviceName);
        return this;
    }

    TestSpans error() {
        s.statusCode = SpanRecord.STATUS_ERROR;
        return this;
    }

    TestSpans ok() {
        s.statusCode = SpanRecord.STATUS_OK;
        return this;
    }

    TestSpans peerService(String v) {
        s.peerService = v;
        return this;
    }

    TestSpans db(String system, String namespace) {
        s.dbSystem = system;
        s.dbNamespace = namespace;
        return this;
    }

    TestSpans messaging(String system, String destination) {
        s.messagingSystem = system;
        s.messagingDestination = destination;
        return this;
    }

    TestSpans serverAddress(String v) {
        s.serverAddress = v;
        return this;
    }

    TestSpans kafka(int partition, long offset) {
        s.kafkaPartition = partition;
        s.kafkaOffset = offset;
        return this;
    }

    SpanRecord build() {
        return s;
    }
}
