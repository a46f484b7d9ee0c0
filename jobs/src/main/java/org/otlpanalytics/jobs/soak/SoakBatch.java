package org.otlpanalytics.jobs.soak;

/** One OTLP export request ready for Kafka and the number of log records or data points in it. */
record SoakBatch(byte[] value, int records) {}
