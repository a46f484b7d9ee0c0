package org.otlpanalytics.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumePointTest {
    @Test
    void theNewestCompletedCheckpointOrSavepointWins(@TempDir Path dir) throws Exception {
        assertThat(ResumePoint.latest(dir.toString())).isEmpty();
        Path chk = Files.createDirectories(dir.resolve("0123abcd/chk-7"));
        Files.writeString(chk.resolve("_metadata"), "x");
        Files.setLastModifiedTime(chk.resolve("_metadata"), FileTime.fromMillis(1_000_000));
        Files.createDirectories(dir.resolve("0123abcd/chk-8")); // in progress: no _metadata yet
        assertThat(ResumePoint.latest(dir.toUri().toString())).contains(chk);
        Path sp = Files.createDirectories(dir.resolve("savepoints/savepoint-0123ab-1"));
        Files.writeString(sp.resolve("_metadata"), "x");
        Files.setLastModifiedTime(sp.resolve("_metadata"), FileTime.fromMillis(2_000_000));
        assertThat(ResumePoint.latest(dir.toString())).contains(sp);
    }
}
