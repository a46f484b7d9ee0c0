package org.otlpanalytics.tests.support;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Map;

/**
 * Expected counts read straight from generated OTLP export messages with the protobuf classes and
 * none of the job's code: the oracle side of the hostile-input end-to-end tests.
 */
public final class OtlpCounts {
    private OtlpCounts() {}

    /** Adds the message's log records per {@code tenant.id|service.name} of their resource. */
    public static void addLogRecordsPerTenantService(byte[] message, Map<String, Long> counts) throws InvalidProtocolBufferException {
        for (ResourceLogs rl : ExportLogsServiceRequest.parseFrom(message).getResourceLogsList()) {
            String key = resourceAttribute(rl.getResource(), "tenant.id") + "|" + resourceAttribute(rl.getResource(), "service.name");
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                counts.merge(key, (long) sl.getLogRecordsCount(), Long::sum);
            }
        }
    }

    /** Adds the message's gauge data points per metric name. */
    public static void addGaugePointsPerMetric(byte[] message, Map<String, Long> counts) throws InvalidProtocolBufferException {
        for (ResourceMetrics rm : ExportMetricsServiceRequest.parseFrom(message).getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    if (m.hasGauge()) {
                        counts.merge(m.getName(), (long) m.getGauge().getDataPointsCount(), Long::sum);
                    }
                }
            }
        }
    }

    /** The string value of a resource attribute, or null when the resource has none by that key. */
    public static String resourceAttribute(Resource r, String key) {
        return r.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue())
                .findFirst().orElse(null);
    }
}
