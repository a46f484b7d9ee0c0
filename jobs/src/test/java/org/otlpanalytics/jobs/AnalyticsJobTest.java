package org.otlpanalytics.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.config.JobOptions;

/** The job's wiring, read from the stream graph it builds (nothing runs). */
class AnalyticsJobTest {
    private static JobOptions options(String... extra) {
        JobOptions o = JobOptions.defaults().with(JobOptions.JDBC_URL, "jdbc:postgresql://localhost:5432/otlp");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            o = o.with(extra[i], extra[i + 1]);
        }
        return o;
    }

    private static List<String> uids(JobOptions o) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AnalyticsJob.build(env, o);
        StreamGraph g = env.getStreamGraph();
        return g.getStreamNodes().stream().map(StreamNode::getTransformationUID).filter(u -> u != null).sorted().toList();
    }

    private static long sources(List<String> uids) {
        return uids.stream().filter(u -> u.endsWith("-source")).count();
    }

    @Test
    void redAndEdgesShareOneSpanSourceSoEverySpanIsReadOnce() {
        List<String> uids = uids(options(JobOptions.JOBS, "red,edges"));
        assertThat(sources(uids)).isEqualTo(1);
        assertThat(uids).contains("spans-source", "red-aggregator", "edge-pairer", "red-1m-sink", "service-call-5m-sink",
                "topo-edge-time-sink", "live-graph-sink", "spans-dead-letters");
        assertThat(uids).doesNotContain("edge-spans-source");
    }

    @Test
    void eachPipelineAloneKeepsTheSourceUidItsStateWasSavedUnder() {
        assertThat(uids(options(JobOptions.JOBS, "edges"))).contains("edge-spans-source", "edge-spans-dead-letters")
                .doesNotContain("spans-source");
        assertThat(uids(options(JobOptions.JOBS, "red"))).contains("spans-source").doesNotContain("edge-pairer");
        List<String> all = uids(options());
        assertThat(all).contains("spans-source", "logs-source", "metrics-source", "log-pattern-sink", "log-pattern-5m-sink",
                "metric-1m-sink", "use-1m-sink", "red-late-dead-letters", "log-late-dead-letters", "metrics-late-dead-letters",
                "edge-late-dead-letters");
        assertThat(sources(all)).isEqualTo(3);
    }

    @Test
    void aReplayLeavesTheLiveGraphToTheStreamingJob() {
        List<String> uids = uids(options(JobOptions.JOBS, "edges", JobOptions.FROM, "2026-03-01T10:00:00Z",
                JobOptions.TO, "2026-03-01T12:00:00Z"));
        assertThat(uids).contains("service-call-5m-sink", "service-call-replay-range", "topo-edge-replay-range")
                .doesNotContain("live-graph-sink");
    }

    @Test
    void rejectsAnUnknownStoreNamingTheOption() {
        assertThatThrownBy(() -> uids(options(JobOptions.SINKS, "postgres,mongodb")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sinks").hasMessageContaining("mongodb");
    }

    @Test
    void tenantAndResourceLimitsSitBetweenPreAggregationAndAggregation() {
        assertThat(uids(options(JobOptions.JOBS, "red,edges"))).contains("red-tenant-limit", "red-resource-limit",
                "red-series-limit", "edge-tenant-limit", "edge-caller-limit", "edge-callee-limit", "edge-series-limit");
    }

    @Test
    void rejectsANegativeLimitNamingTheOption() {
        assertThatThrownBy(() -> uids(options(JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--limits-max-resources-per-tenant");
        assertThatThrownBy(() -> uids(options(JobOptions.LIMITS_MAX_TENANTS, "-5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--limits-max-tenants");
        assertThatThrownBy(() -> uids(options(JobOptions.LIMITS_MAX_SERIES_PER_TENANT, "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--limits-max-series-per-tenant");
    }
}
