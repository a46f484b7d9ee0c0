package org.otlpanalytics.jobs.soak;

import org.otlpanalytics.jobs.bench.MachineCpu;

/**
 * Where a soak's judged part ends for the TaskManager's CPU. A reading taken after the TaskManager
 * process exited (out of heap) holds no process of it, so its CPU since the start of the judged part
 * would read 0: the end is then the last reading taken while it ran, and when none was taken after
 * the start, there is no figure ({@code n/a}).
 */
final class TaskManagerCpuEnd {
    /** A CPU reading and the records the job had decoded when it was taken. */
    record Mark(MachineCpu.Reading cpu, long records) {}

    /** The chosen end; {@code exited} when it is not the reading at the stop. */
    record End(Mark mark, boolean exited) {}

    private Mark lastRunning;

    /** Keeps {@code cpu} as the last reading the TaskManager ran in, if it ran in it. */
    void offer(MachineCpu.Reading cpu, long records) {
        if (ranIn(cpu)) {
            lastRunning = new Mark(cpu, records);
        }
    }

    Mark lastRunning() {
        return lastRunning;
    }

    /** Whether a process of the TaskManager was alive at {@code cpu}. */
    static boolean ranIn(MachineCpu.Reading cpu) {
        return cpu.processes().values().stream().anyMatch(p -> p.group().equals(MachineCpu.TASKMANAGER));
    }

    /**
     * The end of the part judged from {@code from}: {@code atStop} while the TaskManager still ran in
     * it; else {@code lastRunning}, when taken after {@code from}; else null (nothing measured).
     */
    static End pick(Mark from, Mark atStop, Mark lastRunning) {
        if (ranIn(atStop.cpu())) {
            return new End(atStop, false);
        }
        if (lastRunning != null && lastRunning.cpu().totalTicks() > from.cpu().totalTicks()) {
            return new End(lastRunning, true);
        }
        return null;
    }
}
