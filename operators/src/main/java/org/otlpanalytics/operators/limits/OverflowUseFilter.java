package org.otlpanalytics.operators.limits;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;
import org.otlpanalytics.operators.metrics.UseRow;

/**
 * Drops the {@code use_1m} rows of a tenant's overflow resource ({@link Overflow#SERVICE_URN}):
 * its CPU, memory and disk series are those of many folded resources merged, so a utilization or
 * saturation computed from them means nothing. Each dropped row is counted in
 * {@code metricResourceLimiter.useRowsDropped}; the overflow resource's {@code metric_1m} rows stay.
 */
public final class OverflowUseFilter extends RichFilterFunction<UseRow> {
    private static final long serialVersionUID = 1L;
    public static final String USE_ROWS_DROPPED = "useRowsDropped";

    private final String metricGroup;
    private transient Counter dropped;

    public OverflowUseFilter(String metricGroup) {
        this.metricGroup = metricGroup;
    }

    @Override
    public void open(OpenContext openContext) {
        dropped = getRuntimeContext().getMetricGroup().addGroup(metricGroup).counter(USE_ROWS_DROPPED);
    }

    @Override
    public boolean filter(UseRow u) {
        if (Overflow.SERVICE_URN.equals(u.resourceUrn)) {
            dropped.inc();
            return false;
        }
        return true;
    }
}
