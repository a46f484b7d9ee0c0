package org.otlpanalytics.operators.red;

import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.time.KeyedWindows;

/**
 * What RED keeps per service and minute besides its series: the labels of the rows, whether the
 * minute has fired, the spans folded into overflow and the Kafka range read. Small, so that a
 * partial on RocksDB reads and writes little; the accumulators are per series
 * ({@link RedSeriesKey}).
 */
public final class RedWindow implements KeyedWindows.Window {
    String tenant;
    String serviceName;
    String serviceNamespace;
    String serviceUrn;
    boolean fired;
    /** Spans counted in the overflow rows of this minute. */
    long foldedSpans;
    final KafkaRange range;

    RedWindow() {
        this(new KafkaRange());
    }

    RedWindow(KafkaRange range) {
        this.range = range;
    }

    static RedWindow of(RedPartial p) {
        RedWindow w = new RedWindow();
        w.tenant = p.tenant;
        w.serviceName = p.serviceName;
        w.serviceNamespace = p.serviceNamespace;
        w.serviceUrn = p.serviceUrn;
        return w;
    }

    @Override
    public boolean fired() {
        return fired;
    }

    @Override
    public void markFired() {
        fired = true;
    }
}
