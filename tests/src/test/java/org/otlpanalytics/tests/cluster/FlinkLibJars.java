package org.otlpanalytics.tests.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The jars a Flink 2.x distribution puts on a JobManager's and TaskManager's classpath (what
 * {@code lib/flink-dist*.jar} bundles, plus log4j), picked by Maven coordinates from this test
 * JVM's classpath. A whitelist, so that nothing the job jar must bring itself (the project's
 * classes, kafka-clients, the Kafka connector, protobuf, Flyway, the PostgreSQL driver) reaches
 * the cluster by accident: a class missing from the shaded jar then fails the job as it would on a
 * real cluster.
 */
public final class FlinkLibJars {
    /** Artifact ids of the distribution; each must be on the test classpath (the first jar of an id wins). */
    static final Set<String> ARTIFACTS = Set.of(
            // Flink itself, as flink-dist bundles it (flink-runtime-web for the REST /jars API)
            "flink-annotations", "flink-core", "flink-core-api", "flink-metrics-core", "flink-runtime",
            "flink-runtime-web", "flink-clients", "flink-streaming-java", "flink-datastream", "flink-datastream-api",
            "flink-file-sink-common", "flink-rpc-core", "flink-rpc-akka-loader", "flink-queryable-state-client-java",
            "flink-hadoop-fs", "flink-connector-datagen", "flink-statebackend-rocksdb", "flink-statebackend-common",
            "flink-statebackend-changelog", "flink-dstl-dfs",
            "flink-shaded-asm-9", "flink-shaded-guava", "flink-shaded-jackson", "flink-shaded-netty",
            "flink-shaded-zookeeper-3",
            // their third-party dependencies, bundled unrelocated in flink-dist
            "frocksdbjni", "kryo", "minlog", "reflectasm", "objenesis", "commons-collections", "commons-lang3",
            "commons-text", "commons-math3", "commons-cli", "commons-io", "commons-compress", "commons-codec",
            "snakeyaml-engine", "javassist", "jsr305", "snappy-java", "lz4-java", "async-profiler",
            // logging, as in lib/
            "slf4j-api", "log4j-api", "log4j-core", "log4j-slf4j2-impl");

    private FlinkLibJars() {}

    /** The distribution's jars from this JVM's classpath; fails naming any artifact not found. */
    public static List<Path> fromTestClasspath() {
        List<Path> jars = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String entry : testClasspath()) {
            Path p = Paths.get(entry);
            String artifact = artifactIdOf(p);
            if (artifact != null && ARTIFACTS.contains(artifact) && !found.contains(artifact)) {
                jars.add(p);
                found.add(artifact);
            }
        }
        List<String> missing = new ArrayList<>(ARTIFACTS);
        missing.removeAll(found);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Flink distribution jars missing from the test classpath: " + missing);
        }
        return jars;
    }

    /**
     * The artifact id of a jar in a Maven repository layout
     * ({@code .../<artifactId>/<version>/<artifactId>-<version>.jar}); null for directories,
     * classifier jars ({@code -tests.jar}) and anything else.
     */
    static String artifactIdOf(Path jar) {
        Path version = jar.getParent();
        Path artifact = version == null ? null : version.getParent();
        if (artifact == null || !Files.isRegularFile(jar)) {
            return null;
        }
        String a = artifact.getFileName().toString();
        String expected = a + "-" + version.getFileName() + ".jar";
        return jar.getFileName().toString().equals(expected) ? a : null;
    }

    private static List<String> testClasspath() {
        // surefire's forked JVM exposes the test classpath here even when it boots from a manifest-only jar
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(cp.split(File.pathSeparator));
    }
}
