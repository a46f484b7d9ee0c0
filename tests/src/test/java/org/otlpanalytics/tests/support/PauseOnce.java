package org.otlpanalytics.tests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes records through and, once, on subtask 0, after a checkpoint has completed and {@code afterRecords}
 * more records have passed, creates the file {@code ready} and waits until the file {@code resume}
 * exists: the test then knows the job is in the middle of its run and acts on the world (stops a
 * server) before the job goes on. "Once" survives restarts through the {@code ready} file (no static
 * state). Gives up after {@link #MAX_WAIT} so a broken test cannot hang the build.
 */
public class PauseOnce<T> extends RichMapFunction<T, T> implements CheckpointListener {
    private static final long serialVersionUID = 1L;
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private final String ready;
    private final String resume;
    private final long afterRecords;
    private transient boolean checkpointed;
    private transient long seen;

    public PauseOnce(Path ready, Path resume, long afterRecords) {
        this.ready = ready.toString();
        this.resume = resume.toString();
        this.afterRecords = afterRecords;
    }

    @Override
    public T map(T value) throws Exception {
        Throttle.pause();
        if (checkpointed && ++seen >= afterRecords && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                && !Files.exists(Paths.get(ready))) {
            Files.createFile(Paths.get(ready));
            long deadline = System.nanoTime() + MAX_WAIT.toNanos();
            while (!Files.exists(Paths.get(resume))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nobody created " + resume + " within " + MAX_WAIT);
                }
                Thread.sleep(20);
            }
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
