package org.otlpanalytics.operators.metrics;

/** The three USE signals (Brendan Gregg's USE method) computed per resource and minute. */
public enum UseSignal {
    /** Share of capacity in use, 0..1. */
    UTILIZATION,
    /** Queued or excess demand, >= 0; 1 means demand equals capacity (fully saturated). */
    SATURATION,
    /** Error events per second, >= 0. */
    ERRORS
}
