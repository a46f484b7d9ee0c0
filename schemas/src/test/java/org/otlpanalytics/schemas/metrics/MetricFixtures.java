package org.otlpanalytics.schemas.metrics;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;

/** Builds small OTLP metric requests for decoder tests. */
final class MetricFixtures {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long SEC = 1_000_000_000L;

    private MetricFixtures() {}

    static KeyValue attr(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static KeyValue attr(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    static Resource resource(String service, String host) {
        Resource.Builder r = Resource.newBuilder()
                .addAttributes(attr("service.name", service))
                .addAttributes(attr("service.namespace", "shop"))
                .addAttributes(attr("tenant.id", "acme"));
        if (host != null) {
            r.addAttributes(attr("host.name", host));
        }
        return r.build();
    }

    static ExportMetricsServiceRequest request(Resource resource, Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(resource)
                        .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(java.util.List.of(metrics))))
                .build();
    }

    static ExportMetricsServiceRequest request(Metric... metrics) {
        return request(resource("checkout", "node-1"), metrics);
    }
}
