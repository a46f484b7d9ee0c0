package org.otlpanalytics.tests.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Finds the shaded job jar the jobs module builds in its {@code package} phase
 * ({@code jobs/<build dir>/otlp-analytics-jobs-<version>-job.jar}). The tests module runs in the
 * {@code test} phase, so the jar exists only after {@code mvn verify} (or {@code package}) from
 * the root; a missing or stale jar fails the test with the command to run, never skips it.
 */
public final class ShadedJobJar {
    /** System property with the jar's path; tests/pom.xml sets it for surefire. */
    public static final String PROPERTY = "otlp.jobJar";
    static final String DEFAULT = "../jobs/target/otlp-analytics-jobs-0.1.0-SNAPSHOT-job.jar";
    static final String HOW = "build it first: `mvn -B verify` from the project root "
            + "(or `mvn -B -pl jobs -am package -DskipTests`, then the test)";

    private ShadedJobJar() {}

    /** The jar; throws {@link IllegalStateException} saying how to build it when missing or older than the classes. */
    public static Path require() {
        Path jar = Paths.get(System.getProperty(PROPERTY, DEFAULT)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The shaded job jar " + jar + " does not exist; " + HOW);
        }
        // jobs/<build dir>/x.jar -> the root, and the same build dir in each module the jar holds
        Path buildDir = jar.getParent();
        Path root = buildDir.getParent().getParent();
        long jarTime = lastModified(jar);
        for (String module : new String[] {"schemas", "operators", "jobs"}) {
            Path classes = root.resolve(module).resolve(buildDir.getFileName()).resolve("classes");
            long newest = newest(classes);
            if (newest > jarTime) {
                throw new IllegalStateException("The shaded job jar " + jar + " is older than " + classes
                        + " (stale: the classes were recompiled after it was built); " + HOW);
            }
        }
        return jar;
    }

    private static long newest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Long.MIN_VALUE;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(ShadedJobJar::lastModified).max().orElse(Long.MIN_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
