package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.run.StatusMetrics;

class TaskLoadTest {
    private static StatusMetrics.Entry gauge(String task, String name, double value) {
        return new StatusMetrics.Entry(task, name, (Gauge<Double>) () -> value);
    }

    @Test
    void takesTheLargestSubtaskPerTaskBusiestFirstAndIgnoresOtherMetrics() {
        SimpleCounter other = new SimpleCounter();
        other.inc(5_000);
        List<TaskLoad> loads = TaskLoad.of(List.of(
                gauge("Source: logs-source -> logs-decode", TaskLoad.BUSY, 120),
                gauge("Source: logs-source -> logs-decode", TaskLoad.BUSY, 300),
                gauge("Source: logs-source -> logs-decode", TaskLoad.BACK_PRESSURED, 640),
                gauge("log-fingerprinter", TaskLoad.BUSY, 910),
                gauge("log-fingerprinter", TaskLoad.BACK_PRESSURED, 0),
                gauge("red-1m", TaskLoad.BUSY, Double.NaN),
                new StatusMetrics.Entry("red-1m", "numRecordsIn", other)));
        // a task whose gauges are not measured yet (NaN) is not listed
        assertThat(loads).containsExactly(new TaskLoad("log-fingerprinter", 910, 0), new TaskLoad("logs-source+logs-decode", 300, 640));
        assertThat(TaskLoad.mostBackPressured(loads)).isEqualTo(new TaskLoad("logs-source+logs-decode", 300, 640));
        assertThat(TaskLoad.mostBackPressured(List.of(new TaskLoad("a", 5, 0)))).isNull();
    }

    @Test
    void hardBackPressureIsTheTimeATaskWaitedInTheMiddleOfARecord() {
        List<TaskLoad> loads = TaskLoad.of(List.of(
                gauge("Source: metrics-source -> metrics-preaggregate", TaskLoad.BUSY, 200),
                gauge("Source: metrics-source -> metrics-preaggregate", TaskLoad.BACK_PRESSURED, 700),
                gauge("Source: metrics-source -> metrics-preaggregate", TaskLoad.HARD_BACK_PRESSURED, 430),
                gauge("Source: metrics-source -> metrics-preaggregate", TaskLoad.HARD_BACK_PRESSURED, 650),
                gauge("Source: logs-source", TaskLoad.BACK_PRESSURED, 900),
                gauge("Source: logs-source", TaskLoad.HARD_BACK_PRESSURED, 0)));
        TaskLoad metrics = new TaskLoad("metrics-source+metrics-preaggregate", 200, 700, 650);
        assertThat(loads).contains(metrics);
        // the logs source waits longer, but between records (it can take a checkpoint): the metrics source is the one
        assertThat(TaskLoad.mostBackPressured(loads).task()).isEqualTo("logs-source");
        assertThat(TaskLoad.mostHardBackPressured(loads)).isEqualTo(metrics);
        assertThat(TaskLoad.mostHardBackPressured(List.of(new TaskLoad("a", 5, 900)))).isNull();
        assertThat(metrics.describe()).isEqualTo("metrics-source+metrics-preaggregate 200 ms/s busy, 700 back-pressured (650 in the middle of a record)");
        assertThat(TaskLoad.mean(List.of(List.of(metrics), List.of()))).containsExactly(
                new TaskLoad("metrics-source+metrics-preaggregate", 100, 350, 325));
    }

    @Test
    void shortNamesHaveNoSpacesOrEqualsSigns() {
        assertThat(TaskLoad.shortName("Source: spans-source -> spans-split-dead-letters -> red pre=aggregate"))
                .isEqualTo("spans-source+spans-split-dead-letters+red_pre_aggregate");
    }

    @Test
    void probeValuesRoundTripInWholeMillisecondsThroughAProbeLine() {
        TaskLoad l = new TaskLoad("log-tenant-resource-limit+log-resource-limit-drain", 987.6, 12.2);
        assertThat(l.probeValue()).isEqualTo("988/12/0");
        ProbeLine p = ProbeLine.parse(new ProbeLine("tasks", java.util.Map.of(l.task(), l.probeValue())).format());
        assertThat(TaskLoad.parse(l.task(), p.values().get(l.task()))).isEqualTo(new TaskLoad(l.task(), 988, 12));
        assertThat(l.describe()).isEqualTo("log-tenant-resource-limit+log-resource-limit-drain 988 ms/s busy, 12 back-pressured");
    }

    @Test
    void meansCountATaskMissingFromASampleAsIdle() {
        List<TaskLoad> mean = TaskLoad.mean(List.of(
                List.of(new TaskLoad("a", 900, 0), new TaskLoad("b", 100, 800)),
                List.of(new TaskLoad("a", 700, 0)),
                List.of(new TaskLoad("a", 800, 0), new TaskLoad("b", 200, 400))));
        assertThat(mean).containsExactly(new TaskLoad("a", 800, 0), new TaskLoad("b", 100, 400));
    }
}
