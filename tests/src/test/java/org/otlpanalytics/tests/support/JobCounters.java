package org.otlpanalytics.tests.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.SinkSelection;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;

/**
 * The Flink counters of one job run on a local MiniCluster, read through Flink's
 * {@link InMemoryReporter} (the metrics are kept after the job ends): {@link #run} runs the job
 * as {@link Pipelines#run} does and returns its counters, named by their own group and name.
 */
public final class JobCounters {
    private final List<Counter> counters = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private JobCounters(Map<MetricGroup, Map<String, Metric>> byGroup) {
        byGroup.forEach((g, metrics) -> {
            String[] scope = g.getScopeComponents();
            String last = scope.length == 0 ? "" : scope[scope.length - 1];
            metrics.forEach((name, m) -> {
                if (m instanceof Counter c) {
                    counters.add(c);
                    names.add(last + "." + name);
                }
            });
        });
    }

    /** Runs the job to the end of its topics and returns its counters. */
    public static JobCounters run(JobOptions o) throws Exception {
        if (o.sinks().has(SinkSelection.Store.POSTGRES)) {
            SchemaMigrator.migrate(AnalyticsJob.postgres(o));
        }
        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        Configuration c = reporter.addToConfiguration(Environments.configuration(o));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        AnalyticsJob.build(env, o, AnalyticsJob.Taps.NONE);
        env.execute("test " + o.get(JobOptions.JOBS));
        return new JobCounters(reporter.getMetricsByGroup());
    }

    /** The sum over subtasks of counter {@code group.name}. */
    public long sum(String group, String name) {
        String key = group + "." + name;
        long n = 0;
        for (int i = 0; i < counters.size(); i++) {
            if (names.get(i).equals(key)) {
                n += counters.get(i).getCount();
            }
        }
        return n;
    }

    /** How many counters {@code group.name} there are (one per subtask), so a sum of 0 is not a missing counter. */
    public long count(String group, String name) {
        return names.stream().filter(n -> n.equals(group + "." + name)).count();
    }
}
