package org.otlpanalytics.jobs.run;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The job's own metrics, as Flink reports them, for {@code run}'s status line: a metric
 * reporter (registered on the local MiniCluster like any other reporter) that keeps every
 * counter and gauge it is handed, with the operator it belongs to. The status line is computed
 * from these, never estimated.
 *
 * <p>Reporters are created by Flink from the configuration, so the instance is found through
 * {@link #forRun}: the configuration carries a run id ({@link #RUN_ID}).
 */
public final class StatusMetrics implements MetricReporter {
    public static final String REPORTER = "status";
    public static final String RUN_ID = "run-id";
    private static final Map<String, StatusMetrics> RUNS = new ConcurrentHashMap<>();

    /** One metric with the operator (or job, for JobManager metrics) it belongs to. */
    public static final class Entry {
        public final String operator;
        public final String name;
        public final Metric metric;

        public Entry(String operator, String name, Metric metric) {
            this.operator = operator;
            this.name = name;
            this.metric = metric;
        }

        /**
         * The current value as a number (counters, numeric gauges), else NaN; NaN too when the gauge
         * throws. Gauges are read on the status thread while their task runs, and some of Flink's
         * are not safe for that: the sink committer's {@code pendingCommittables} iterates a
         * {@code TreeMap} its task changes and threw a {@code ConcurrentModificationException}, which
         * ended a soak's TaskManager (its sampling loop died with it). Flink's own reporters skip such
         * a gauge the same way.
         */
        public double value() {
            if (metric instanceof Counter) {
                return ((Counter) metric).getCount();
            }
            if (metric instanceof Gauge) {
                Object v;
                try {
                    v = ((Gauge<?>) metric).getValue();
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
                return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
            }
            return Double.NaN;
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    /** The reporter of run {@code id} (created on first use). */
    public static StatusMetrics forRun(String id) {
        return RUNS.computeIfAbsent(id, k -> new StatusMetrics());
    }

    public static void forget(String id) {
        RUNS.remove(id);
    }

    public List<Entry> entries() {
        return entries;
    }

    @Override
    public void open(MetricConfig config) {
        // nothing to open
    }

    @Override
    public void close() {
        entries.clear();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        Map<String, String> vars = group.getAllVariables();
        String operator = vars.getOrDefault("<operator_name>", vars.getOrDefault("<task_name>", "job"));
        // the user-defined groups between the scope and the name: e.g. "otlpDecoder.recordsDecoded"
        entries.add(new Entry(operator, logicalName(group.getMetricIdentifier(metricName), metricName), metric));
    }

    /**
     * The metric identifier without the system scope: an operator's scope ends with its subtask
     * index (a number), after which come the user-defined groups, e.g.
     * {@code ...red-1m.0.redAggregator.rowsEmitted} gives {@code redAggregator.rowsEmitted}. Metrics
     * without a subtask index (the JobManager's job metrics) keep their plain name.
     */
    static String logicalName(String identifier, String metricName) {
        String[] parts = identifier.split("\\.");
        for (int i = parts.length - 2; i >= 0; i--) {
            if (!parts[i].isEmpty() && parts[i].chars().allMatch(Character::isDigit)) {
                return String.join(".", java.util.Arrays.copyOfRange(parts, i + 1, parts.length));
            }
        }
        return metricName;
    }

    /**
     * A removed counter (its task ended: the job stopped, or a task restarts after a failure) keeps
     * its last value, so totals since start stay right and the final status line still has them;
     * so do the job's checkpoint figures (read as maxima). Other gauges (lag) go.
     */
    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.metric != metric) {
                continue;
            }
            if (metric instanceof Counter || metricName.startsWith("lastCheckpoint") || metricName.startsWith("numberOf")) {
                double last = e.value();
                entries.set(i, new Entry(e.operator, e.name, (Gauge<Double>) () -> last));
            } else {
                entries.remove(i);
            }
            return;
        }
    }

    /** Creates the reporter of the run named in the configuration ({@link #RUN_ID}). */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return forRun(properties.getProperty(RUN_ID, "default"));
        }
    }
}
