package org.otlpanalytics.operators.metrics;

/**
 * One series' points of one minute, aggregated before the shuffle by {@link MetricPreAggregator}:
 * the accumulator (which carries the series identity and the Kafka range of its points), the
 * minute, and the smallest reporting service among its points (the row names that one, whatever
 * the order points arrived in).
 */
public final class MetricPartial {
    public long minuteStartMillis;
    public String serviceUrn;
    public String serviceName;
    public String serviceNamespace;
    public MetricAccumulator accumulator;

    public MetricPartial() {}

    MetricPartial(long minuteStartMillis, MetricAccumulator accumulator) {
        this.minuteStartMillis = minuteStartMillis;
        this.accumulator = accumulator;
    }

    /** Keeps the smallest service URN seen (order-independent). */
    void observeService(String urn, String name, String namespace) {
        if (urn != null && (serviceUrn == null || urn.compareTo(serviceUrn) < 0)) {
            serviceUrn = urn;
            serviceName = name;
            serviceNamespace = namespace;
        }
    }

    public long points() {
        return accumulator.points();
    }
}
