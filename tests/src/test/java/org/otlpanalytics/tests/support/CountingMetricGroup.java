package org.otlpanalytics.tests.support;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * A metric group for a writer run outside a Flink job: keeps the counters it hands out, by
 * name (sub-groups flattened), so a test can read them.
 */
public final class CountingMetricGroup extends UnregisteredMetricsGroup {
    private final Map<String, Counter> counters = new HashMap<>();

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return this;
    }

    /** The count of {@code name}, 0 when the writer never registered it. */
    public long count(String name) {
        Counter c = counters.get(name);
        return c == null ? 0 : c.getCount();
    }
}
