package org.otlpanalytics.operators.metrics;

import java.util.Arrays;

/**
 * USE signals of one resource in one minute, as computed by {@link UseCalculator} from the
 * resource's {@link MetricRow}s. A Flink POJO; a signal is null when no mapped metric gave it.
 */
public class UseRow {
    public String tenant;
    public String resourceUrn;
    public long bucketStartMillis;
    /** 0..1: the largest utilization component. */
    public Double utilization;
    /** Component that gave the utilization (e.g. "cpu", "jvm.heap"). */
    public String utilizationComponent;
    /** >= 0, 1 = fully saturated: the largest saturation component. */
    public Double saturation;
    public String saturationComponent;
    /** Sum of the error components, per second. */
    public Double errorsPerSecond;
    /**
     * Every component used, sorted, as {@code signal/component=metric:value}, e.g.
     * {@code utilization/cpu=system.cpu.time:0.4200}.
     */
    public String[] contributors;

    public UseRow() {}

    @Override
    public String toString() {
        return "UseRow{" + resourceUrn + " @" + bucketStartMillis + " U=" + utilization + " (" + utilizationComponent
                + ") S=" + saturation + " (" + saturationComponent + ") E=" + errorsPerSecond + " "
                + Arrays.toString(contributors) + "}";
    }
}
