package org.otlpanalytics.schemas.metrics;

/** The five OTLP metric point types, named as in {@code metrics.proto}'s {@code Metric.data} oneof. */
public enum MetricType {
    GAUGE,
    SUM,
    HISTOGRAM,
    EXPONENTIAL_HISTOGRAM,
    SUMMARY
}
