package org.otlpanalytics.operators.edges;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Lets through only the spans that can be half of a call ({@link PendingSpan#isPairable}), before
 * the shuffle by trace: INTERNAL spans (most of a trace) never cross it. The others are counted
 * as {@code spansIgnored}, as {@link EdgePairer} would count them.
 */
public class PairableSpanFilter extends RichFilterFunction<SpanRecord> {
    private static final long serialVersionUID = 1L;
    private transient Counter ignored;

    @Override
    public void open(OpenContext openContext) {
        ignored = getRuntimeContext().getMetricGroup().addGroup(EdgePairerMetrics.GROUP)
                .counter(EdgePairerMetrics.SPANS_IGNORED);
    }

    @Override
    public boolean filter(SpanRecord span) {
        if (PendingSpan.isPairable(span)) {
            return true;
        }
        ignored.inc();
        return false;
    }
}
