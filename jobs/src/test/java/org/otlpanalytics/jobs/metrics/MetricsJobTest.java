package org.otlpanalytics.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.JobOptions;

/** The metrics pipeline's tasks, read from the job graph it builds (nothing runs): which operators share a chain. */
class MetricsJobTest {
    private static List<List<String>> chains(JobOptions o) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AnalyticsJob.build(env, o.with(JobOptions.JDBC_URL, "jdbc:postgresql://localhost:5432/otlp").with(JobOptions.JOBS, "metrics"));
        JobGraph g = env.getStreamGraph().getJobGraph();
        return StreamSupport.stream(g.getVertices().spliterator(), false).map(JobVertex::getName)
                // "a -> (b -> c, d)": the operators of a task in chain order, its branches flattened
                .map(n -> Arrays.stream(n.split(" -> |, ")).map(op -> op.replaceAll("^\\(+|\\)+$", "").trim()).toList()).toList();
    }

    private static List<String> chainOf(List<List<String>> chains, String operator) {
        return chains.stream().filter(c -> c.contains(operator)).findFirst()
                .orElseThrow(() -> new AssertionError(operator + " in no task of " + chains));
    }

    @Test
    void keptResourcesReachTheMinuteAggregatorInTheLimitsTaskWithoutASecondShuffle() {
        List<List<String>> chains = chains(JobOptions.defaults());
        assertThat(chainOf(chains, "metric-tenant-resource-limit")).as("the aggregator and its sinks in the limit's task")
                .startsWith("metric-tenant-resource-limit", "metric-aggregator-route", "metric-1m-and-use")
                .contains("metric-1m-replay-range", "metric-1m-sink: Writer", "use-1m-no-overflow", "use-1m-sink: Writer");
        assertThat(chainOf(chains, "metric-overflow-1m-and-use")).as("the overflow aggregator with sinks of its own")
                .contains("metric-1m-replay-range-overflow", "metric-1m-sink-overflow: Writer", "use-1m-sink-overflow: Writer");
        assertThat(chainOf(chains, "metric-overflow-1m-and-use")).as("the overflow resources' aggregator, behind a shuffle")
                .doesNotContain("metric-tenant-resource-limit").startsWith("metric-overflow-1m-and-use");
        assertThat(chainOf(chains, "metric-tenant-marks-restored")).as("the former layout's drains, marked again for the limit")
                .contains("metric-restored-rekeyed").doesNotContain("metric-tenant-resource-limit");
        assertThat(chainOf(chains, "metrics-cumulative-to-delta")).as("the source's shuffle, then conversion, folding and marks")
                .startsWith("metrics-cumulative-to-delta", "metrics-fold-deltas", "metric-minute-splitter", "metric-tenant-marks");
    }

    @Test
    void theSeriesLimitKeysTheMinuteAggregatorAgain() {
        List<List<String>> chains = chains(JobOptions.defaults().with(JobOptions.LIMITS_MAX_METRIC_SERIES_PER_TENANT, "100"));
        assertThat(chainOf(chains, "metric-1m-and-use")).startsWith("metric-1m-and-use");
        assertThat(chains).noneMatch(c -> c.contains("metric-overflow-1m-and-use") || c.contains("metric-aggregator-route"));
    }

    @Test
    void withoutLimitsTheMinuteAggregatorIsChainedToTheConverter() {
        List<List<String>> chains = chains(JobOptions.defaults().with(JobOptions.LIMITS_MAX_TENANTS, "0")
                .with(JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, "0"));
        assertThat(chainOf(chains, "metric-1m-and-use")).startsWith("metrics-cumulative-to-delta", "metrics-fold-deltas",
                "metric-1m-and-use").contains("metric-1m-sink: Writer");
    }
}
