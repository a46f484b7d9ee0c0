package org.otlpanalytics.operators.metrics;

/**
 * Which kind of resource a USE rule describes. Host metrics ({@code system.*}) are aggregated under
 * {@code urn:host:...}; process, runtime and service metrics under the service URN
 * ({@code urn:svc:...}), see {@code MetricDecoder.resourceUrn}.
 */
public enum ResourceKind {
    HOST,
    PROCESS,
    RUNTIME,
    SERVICE
}
