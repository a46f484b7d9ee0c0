package org.otlpanalytics.schemas.metrics;

/**
 * Aggregation temporality of a point. Gauges have none; summaries are {@link #CUMULATIVE}, as the
 * OTLP data model defines their count and sum. OTLP's UNSPECIFIED is rejected by the decoder.
 */
public enum Temporality {
    NONE,
    DELTA,
    CUMULATIVE
}
