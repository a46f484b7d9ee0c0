package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.bench.MachineCpu;

/** Readings written by hand: the TaskManager is process 100 (and its child 101), the launcher 50. */
class TaskManagerCpuEndTest {

    private static MachineCpu.Reading running(long total, long idle, long taskManagerTicks) {
        return new MachineCpu.Reading(total, idle, Map.of(50L, new MachineCpu.Owned(MachineCpu.LAUNCHER, 10),
                100L, new MachineCpu.Owned(MachineCpu.TASKMANAGER, taskManagerTicks - 5),
                101L, new MachineCpu.Owned(MachineCpu.TASKMANAGER, 5)));
    }

    /** After the TaskManager exited: only the launcher is left. */
    private static MachineCpu.Reading exited(long total, long idle) {
        return new MachineCpu.Reading(total, idle, Map.of(50L, new MachineCpu.Owned(MachineCpu.LAUNCHER, 12)));
    }

    @Test
    void whileTheTaskManagerRunsTheReadingAtTheStopIsTheEnd() {
        TaskManagerCpuEnd.Mark from = new TaskManagerCpuEnd.Mark(running(1_000, 500, 200), 1_000);
        TaskManagerCpuEnd.Mark stop = new TaskManagerCpuEnd.Mark(running(3_000, 1_000, 1_200), 101_000);
        TaskManagerCpuEnd.End end = TaskManagerCpuEnd.pick(from, stop, new TaskManagerCpuEnd.Mark(running(2_000, 700, 700), 50_000));
        assertThat(end.exited()).isFalse();
        assertThat(end.mark()).isSameAs(stop);
    }

    @Test
    void afterItExitedTheLastReadingItRanInIsTheEndAndItsCpuPerRecordIsKept() {
        TaskManagerCpuEnd readings = new TaskManagerCpuEnd();
        MachineCpu.Reading judged = running(1_000, 500, 200);
        readings.offer(judged, 1_000);
        readings.offer(running(2_000, 700, 700), 51_000); // 500 ticks, 5 s, for 50,000 records: 100 us each
        readings.offer(exited(2_500, 900), 60_000); // not kept: no TaskManager in it
        MachineCpu.Reading stop = exited(3_000, 1_000);
        // what the summary printed before: the reading at the stop, where the TaskManager's CPU is 0
        assertThat(stop.secondsSince(judged, MachineCpu.TASKMANAGER)).isZero();

        TaskManagerCpuEnd.End end = TaskManagerCpuEnd.pick(new TaskManagerCpuEnd.Mark(judged, 1_000),
                new TaskManagerCpuEnd.Mark(stop, 70_000), readings.lastRunning());
        assertThat(end.exited()).isTrue();
        assertThat(end.mark().records()).isEqualTo(51_000);
        double seconds = end.mark().cpu().secondsSince(judged, MachineCpu.TASKMANAGER);
        assertThat(seconds).isCloseTo(5.0, within(1e-9));
        assertThat(seconds * 1e6 / (end.mark().records() - 1_000)).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void withoutAReadingItRanInAfterTheJudgedPartBeganThereIsNoEnd() {
        TaskManagerCpuEnd readings = new TaskManagerCpuEnd();
        MachineCpu.Reading before = running(500, 200, 100);
        readings.offer(before, 0);
        MachineCpu.Reading judged = running(1_000, 500, 200);
        readings.offer(judged, 1_000);
        TaskManagerCpuEnd.Mark from = new TaskManagerCpuEnd.Mark(judged, 1_000);
        TaskManagerCpuEnd.Mark stop = new TaskManagerCpuEnd.Mark(exited(3_000, 1_000), 9_000);
        assertThat(TaskManagerCpuEnd.pick(from, stop, readings.lastRunning())).isNull();
        assertThat(TaskManagerCpuEnd.pick(from, stop, null)).isNull();
        assertThat(TaskManagerCpuEnd.pick(from, stop, new TaskManagerCpuEnd.Mark(before, 0))).isNull();
    }

    @Test
    void aReadingWithoutProcFiguresHasNoTaskManager() {
        assertThat(TaskManagerCpuEnd.ranIn(new MachineCpu.Reading(0, 0, Map.of()))).isFalse();
        assertThat(TaskManagerCpuEnd.ranIn(running(1, 0, 10))).isTrue();
        assertThat(TaskManagerCpuEnd.ranIn(exited(1, 0))).isFalse();
    }
}
