package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.operators.logs.LogPatternMetrics;
import org.otlpanalytics.operators.metrics.MetricPipelineMetrics;
import org.otlpanalytics.tests.cluster.FaultInput;
import org.otlpanalytics.tests.support.JobCounters;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * A {@code --mode batch} run honours {@code --parallelism}: Flink's adaptive batch scheduler decides
 * a parallelism only for operators without one, and the job sets the environment's, so every keyed
 * operator runs with as many subtasks as asked (counted here from the subtasks that registered the
 * operator's counters, one each, read through Flink's in-memory metric reporter).
 */
class BatchParallelismTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @Test
    void batchRunsTheKeyedOperatorsAtTheParallelismAsked() throws Exception {
        FaultInput input = FaultInput.generate(Instant.parse("2026-03-06T10:00:00Z").toEpochMilli(), Duration.ofMinutes(4), 2);
        SERVICES.kafka().createTopics(FaultInput.PARTITIONS, FaultInput.SPANS, FaultInput.LOGS, FaultInput.METRICS, "otlp_deadletter");
        SERVICES.kafka().send(input.records());
        JobCounters counters = JobCounters.run(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "batch-p3",
                JobOptions.JOBS, "logs,metrics", JobOptions.MODE, "batch", JobOptions.PARALLELISM, "3"));
        assertThat(counters.sum(LogPatternMetrics.FINGERPRINTER_GROUP, LogPatternMetrics.RECORDS_MINED)).as("records mined").isPositive();
        // two fingerprinters (the kept streams', chained behind the limit, and the overflow streams'), 3 subtasks each
        assertThat(counters.count(LogPatternMetrics.FINGERPRINTER_GROUP, LogPatternMetrics.RECORDS_MINED)).as("fingerprinter subtasks")
                .isEqualTo(2 * 3);
        assertThat(counters.sum(MetricPipelineMetrics.CONVERTER_GROUP, MetricPipelineMetrics.SERIES_CREATED)).as("series").isPositive();
        assertThat(counters.count(MetricPipelineMetrics.CONVERTER_GROUP, MetricPipelineMetrics.SERIES_CREATED)).as("converter subtasks")
                .isEqualTo(3);
    }
}
