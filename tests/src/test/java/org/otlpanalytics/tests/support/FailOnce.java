package org.otlpanalytics.tests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes records through and throws once, after a checkpoint has completed and this subtask
 * has seen {@code afterRecords} more records. "Once" survives the restart through a marker file
 * (no static state). Records are slowed slightly until the first checkpoint so the failure
 * lands in the middle of the run, not after it.
 */
public class FailOnce<T> extends RichMapFunction<T, T> implements CheckpointListener {
    private static final long serialVersionUID = 1L;
    private final String marker;
    private final long afterRecords;
    private final boolean throttleAlways;
    private transient boolean checkpointed;
    private transient long seenSinceCheckpoint;

    public FailOnce(Path marker, long afterRecords) {
        this(marker, afterRecords, false);
    }

    /**
     * With {@code throttleAlways}, every record is delayed ({@link Throttle#pause()}), before and
     * after the failure: periodic watermarks then keep up with the reading, so records far behind
     * the stream are judged late the same way in every run (see LateRecords).
     */
    public FailOnce(Path marker, long afterRecords, boolean throttleAlways) {
        this.marker = marker.toString();
        this.afterRecords = afterRecords;
        this.throttleAlways = throttleAlways;
    }

    @Override
    public T map(T value) throws Exception {
        Path m = Paths.get(marker);
        if (throttleAlways) {
            Throttle.pause();
        }
        if (!checkpointed) {
            if (!Files.exists(m)) {
                Thread.sleep(0, 200_000);
            }
            return value;
        }
        if (++seenSinceCheckpoint >= afterRecords && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                && !Files.exists(m)) {
            Files.createFile(m);
            throw new IllegalStateException("injected failure after " + seenSinceCheckpoint + " records past a checkpoint");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
