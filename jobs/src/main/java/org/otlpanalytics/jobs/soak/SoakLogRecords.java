package org.otlpanalytics.jobs.soak;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Log records for the soak, independent of the spans: {@value #SERVICES} services, each writing
 * lines from {@value #TEMPLATES_PER_SERVICE} templates (request, query, cache, retry and error
 * lines with numbers, ids, durations and hosts in them), one in twenty at ERROR, in export
 * requests of up to {@value #MAX_PER_MESSAGE} records per service.
 */
final class SoakLogRecords {
    static final int SERVICES = 10;
    static final int TEMPLATES_PER_SERVICE = 8;
    static final int MAX_PER_MESSAGE = 500;
    private static final String[] VERBS = {"GET", "POST", "PUT", "DELETE"};

    private final SplittableRandom random;
    private int service;

    SoakLogRecords(long seed) {
        this.random = new SplittableRandom(seed ^ 0x1095L);
    }

    /** {@code count} records dated {@code timeMillis}, spread over the services. */
    List<SoakBatch> messages(int count, long timeMillis) {
        List<SoakBatch> out = new ArrayList<>();
        int left = count;
        while (left > 0) {
            int n = Math.min(left, MAX_PER_MESSAGE);
            int svc = service++ % SERVICES;
            List<LogRecord> recs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                recs.add(record(svc, timeMillis * 1_000_000L));
            }
            Resource r = Resource.newBuilder().addAttributes(kv("service.name", "svc-" + svc))
                    .addAttributes(kv("service.namespace", "soak")).addAttributes(kv("host.name", "svc-" + svc + "-host-1")).build();
            byte[] value = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(r)
                    .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(recs))).build().toByteArray();
            out.add(new SoakBatch(value, n));
            left -= n;
        }
        return out;
    }

    private LogRecord record(int svc, long nanos) {
        boolean error = random.nextInt(20) == 0;
        String body = error ? errorLine(svc) : line(svc, random.nextInt(TEMPLATES_PER_SERVICE - 1));
        SeverityNumber sev = error ? SeverityNumber.SEVERITY_NUMBER_ERROR : SeverityNumber.SEVERITY_NUMBER_INFO;
        return LogRecord.newBuilder().setTimeUnixNano(nanos).setObservedTimeUnixNano(nanos).setSeverityNumber(sev)
                .setSeverityText(error ? "ERROR" : "INFO").setBody(AnyValue.newBuilder().setStringValue(body)).build();
    }

    private String line(int svc, int template) {
        switch ((template + svc) % (TEMPLATES_PER_SERVICE - 1)) {
            case 0:
                return VERBS[random.nextInt(VERBS.length)] + " /api/v1/svc" + svc + "/items/" + random.nextInt(100_000)
                        + " completed with status 200 in " + random.nextInt(500) + " ms";
            case 1:
                return "Query on table orders_" + svc + " returned " + random.nextInt(1000) + " rows in " + random.nextInt(80) + " ms";
            case 2:
                return "Cache miss for key user:" + random.nextInt(1_000_000) + " loading from backend";
            case 3:
                return "Retrying call to svc-" + random.nextInt(SERVICES) + " attempt " + (1 + random.nextInt(3)) + " of 3";
            case 4:
                return "Session " + Long.toHexString(random.nextLong()) + " started for user " + random.nextInt(1_000_000)
                        + " from 10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
            case 5:
                return "Flushed " + random.nextInt(10_000) + " events to partition " + random.nextInt(32) + " offset " + random.nextInt(1 << 30);
            default:
                return "Connection pool svc" + svc + " active=" + random.nextInt(50) + " idle=" + random.nextInt(50) + " waiting=" + random.nextInt(5);
        }
    }

    private String errorLine(int svc) {
        return "Request " + Long.toHexString(random.nextLong()) + " to svc-" + ((svc + 1) % SERVICES) + " failed: timeout after "
                + (1000 + random.nextInt(4000)) + " ms";
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
