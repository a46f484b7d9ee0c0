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
    void shortNamesHaveNoSpacesOrEqualsSigns() {
        assertThat(TaskLoad.shortName("Source: spans-source -> spans-split-dead-letters -> red pre=aggregate"))
                .isEqualTo("spans-source+spans-split-dead-letters+red_pre_aggregate");
    }

    @Test
    void probeValuesRoundTripInWholeMillisecondsThroughAProbeLine() {
        TaskLoad l = new TaskLoad("log-tenant-resource-limit+log-resource-limit-drain", 987.6, 12.2);
        assertThat(l.probeValue()).isEqualTo("988/12");
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
