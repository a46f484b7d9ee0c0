package org.otlpanalytics.tests.support;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;

/** What a savepoint directory holds, read from its {@code _metadata} as Flink reads it on restore. */
public final class SavepointContents {
    private final CheckpointMetadata metadata;

    private SavepointContents(CheckpointMetadata metadata) {
        this.metadata = metadata;
    }

    public static SavepointContents read(Path savepointDir) throws Exception {
        try (InputStream in = Files.newInputStream(savepointDir.resolve("_metadata"))) {
            return new SavepointContents(Checkpoints.loadCheckpointMetadata(new DataInputStream(in),
                    SavepointContents.class.getClassLoader(), savepointDir.toUri().toString()));
        }
    }

    /**
     * The bytes of state the operator with {@code uid} left in the savepoint, 0 when it left none;
     * the operator id is the hash Flink derives from a user-given uid.
     */
    public long stateBytes(String uid) {
        OperatorID id = new OperatorID(Hashing.murmur3_128(0).newHasher().putString(uid, StandardCharsets.UTF_8).hash().asBytes());
        return metadata.getOperatorStates().stream().filter(s -> s.getOperatorID().equals(id))
                .mapToLong(OperatorState::getStateSize).sum();
    }
}
