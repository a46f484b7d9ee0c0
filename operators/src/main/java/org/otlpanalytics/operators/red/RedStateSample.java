package org.otlpanalytics.operators.red;

import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * The keyed state {@link RedAggregator} holds, built outside a running operator for the
 * state-cost benchmark ({@code bench-state}): the same classes, filled by the same methods the
 * pre-aggregator and the aggregator call, so their serializers and heap layout are the real ones.
 */
public final class RedStateSample {
    private RedStateSample() {}

    /** One series' accumulator of one minute after these spans (merging partials gives the same state). */
    public static RedAccumulator accumulator(Iterable<SpanRecord> spans, RedOptions options) {
        RedAccumulator a = new RedAccumulator(options.hllLgK());
        for (SpanRecord s : spans) {
            a.add(s.durationNanos(), s.isError(), s.traceIdHi, s.traceIdLo);
            if (options.dimensions().size() > 0) {
                a.addDimensions(s, options);
            }
        }
        return a;
    }

    /** The map key of that accumulator ({@code red-series}). */
    public static RedSeriesKey seriesKey(long bucketStartMillis, SpanRecord s) {
        return new RedSeriesKey(bucketStartMillis, s.name, s.kind, s.statusCode);
    }

    /** The per-service-minute window ({@code red-windows}) with the span's Kafka position read. */
    public static RedWindow window(SpanRecord s) {
        RedWindow w = new RedWindow();
        w.tenant = s.tenant;
        w.serviceName = s.serviceName;
        w.serviceNamespace = s.serviceNamespace;
        w.serviceUrn = s.serviceUrn;
        w.range.add(s.kafkaPartition, s.kafkaOffset, s.startMillis());
        return w;
    }
}
