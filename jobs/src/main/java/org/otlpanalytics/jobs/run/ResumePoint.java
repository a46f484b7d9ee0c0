package org.otlpanalytics.jobs.run;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a {@code run} resumes from: the newest completed checkpoint or savepoint under the
 * checkpoint directory ({@code <dir>/<job id>/chk-<n>/_metadata}, retained when the job stops,
 * or {@code <dir>/savepoints/savepoint-.../_metadata}, written on Ctrl-C). A checkpoint is complete
 * once its {@code _metadata} file exists.
 */
public final class ResumePoint {
    static final String SAVEPOINTS = "savepoints";

    private ResumePoint() {}

    /** The newest restorable state under {@code checkpointDir} (a local directory or {@code file:} URI), if any. */
    public static Optional<Path> latest(String checkpointDir) throws IOException {
        if (checkpointDir == null || checkpointDir.isBlank()) {
            return Optional.empty();
        }
        Path root = local(checkpointDir);
        if (root == null || !Files.isDirectory(root)) {
            return Optional.empty();
        }
        Path best = null;
        FileTime bestTime = null;
        try (Stream<Path> files = Files.walk(root, 3)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.getFileName().toString().equals("_metadata") || !Files.isRegularFile(p)) {
                    continue;
                }
                FileTime t = Files.getLastModifiedTime(p);
                if (bestTime == null || t.compareTo(bestTime) > 0) {
                    best = p.getParent();
                    bestTime = t;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Where savepoints of a clean stop go. */
    public static String savepointDir(String checkpointDir) {
        Path root = local(checkpointDir);
        return root == null ? checkpointDir.replaceAll("/+$", "") + "/" + SAVEPOINTS : root.resolve(SAVEPOINTS).toUri().toString();
    }

    static Path local(String dir) {
        if (dir.startsWith("file:")) {
            return Paths.get(URI.create(dir));
        }
        if (dir.contains("://")) {
            return null;
        }
        return Paths.get(dir).toAbsolutePath();
    }
}
