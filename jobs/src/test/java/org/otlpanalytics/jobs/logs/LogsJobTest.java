package org.otlpanalytics.jobs.logs;

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

/** The logs pipeline's tasks, read from the job graph it builds (nothing runs): which operators share a chain. */
class LogsJobTest {
    private static List<List<String>> chains() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AnalyticsJob.build(env, JobOptions.defaults().with(JobOptions.JDBC_URL, "jdbc:postgresql://localhost:5432/otlp")
                .with(JobOptions.JOBS, "logs"));
        JobGraph g = env.getStreamGraph().getJobGraph();
        return StreamSupport.stream(g.getVertices().spliterator(), false).map(JobVertex::getName)
                .map(n -> Arrays.stream(n.split(" -> ")).map(String::trim).toList()).toList();
    }

    private static List<String> chainOf(List<List<String>> chains, String operator) {
        return chains.stream().filter(c -> c.contains(operator)).findFirst()
                .orElseThrow(() -> new AssertionError(operator + " in no task of " + chains));
    }

    @Test
    void keptRecordsReachTheFingerprinterInTheLimitsTaskWithoutASecondShuffle() {
        List<List<String>> chains = chains();
        assertThat(chainOf(chains, "log-tenant-resource-limit"))
                .containsExactly("log-tenant-resource-limit", "log-fingerprinter-route", "log-fingerprinter");
        assertThat(chainOf(chains, "log-overflow-fingerprinter")).as("the overflow streams' fingerprinter, behind a shuffle")
                .doesNotContain("log-tenant-resource-limit").startsWith("log-overflow-fingerprinter");
        assertThat(chainOf(chains, "log-tenant-marks-restored")).as("the former layout's drains, marked again for the limit")
                .contains("log-resource-limit-drain");
    }
}
