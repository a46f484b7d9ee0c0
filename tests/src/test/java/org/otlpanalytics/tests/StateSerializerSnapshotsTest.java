package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Every serializer of the project (each {@link TypeSerializer} under {@code org.otlpanalytics},
 * found on the classpath, so a new one is covered without being listed here) has a snapshot that
 * Flink can write into a savepoint and read back: the snapshot restores a serializer of the same
 * class, resolves as compatible with the current serializer, refuses a snapshot format version it
 * does not know, and is incompatible with another serializer's snapshot (state restored into the
 * wrong serializer fails instead of being misread). Whether the values themselves still read is
 * what {@link SavepointFixtureTest} checks, on a savepoint written by an earlier build.
 */
class StateSerializerSnapshotsTest {
    @Test
    void everySerializerSnapshotRoundTripsAndResolvesCompatibilityWithAVersionItChecks() throws Exception {
        List<TypeSerializer<?>> serializers = projectSerializers();
        List<String> names = serializers.stream().map(s -> s.getClass().getName()).toList();
        assertThat(names).as("serializers found").hasSizeGreaterThanOrEqualTo(15)
                .contains("org.otlpanalytics.operators.red.RedWindowSerializer",
                        "org.otlpanalytics.operators.edges.PendingSpanSerializer",
                        "org.otlpanalytics.operators.logs.LogMinerStateSerializer",
                        "org.otlpanalytics.operators.metrics.SeriesStateTypeSerializer");
        for (TypeSerializer<?> s : serializers) {
            check(s, serializers);
        }
        System.out.println("[faults] serializer snapshots checked (" + names.size() + "): " + names);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void check(TypeSerializer<?> serializer, List<TypeSerializer<?>> all) throws Exception {
        String name = serializer.getClass().getName();
        TypeSerializerSnapshot snapshot = serializer.snapshotConfiguration();
        assertThat(snapshot).as("snapshot of %s", name).isNotNull();
        assertThat(snapshot.getCurrentVersion()).as("snapshot version of %s", name).isPositive();

        // written as Flink writes it into a savepoint, and read back with the version it was written with
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), StateSerializerSnapshotsTest.class.getClassLoader());
        assertThat(restored.restoreSerializer().getClass()).as("serializer restored from the snapshot of %s", name)
                .isEqualTo(serializer.getClass());
        TypeSerializerSchemaCompatibility c = serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(c.isCompatibleAsIs()).as("%s resolves its own restored snapshot as compatible", name).isTrue();

        // a snapshot format this build does not know is refused, not misread
        DataOutputSerializer body = new DataOutputSerializer(64);
        snapshot.writeSnapshot(body);
        TypeSerializerSnapshot fresh = snapshot.getClass().getDeclaredConstructor().newInstance();
        assertThatThrownBy(() -> fresh.readSnapshot(snapshot.getCurrentVersion() + 1000,
                new DataInputDeserializer(body.getCopyOfBuffer()), StateSerializerSnapshotsTest.class.getClassLoader()))
                .as("%s reading an unknown snapshot version", name).isInstanceOf(IOException.class);

        // another serializer's state is never taken for this one's
        for (TypeSerializer<?> other : all) {
            if (other.getClass() != serializer.getClass()) {
                TypeSerializerSchemaCompatibility x = serializer.snapshotConfiguration()
                        .resolveSchemaCompatibility((TypeSerializerSnapshot) other.snapshotConfiguration());
                assertThat(x.isIncompatible()).as("%s against the snapshot of %s", name, other.getClass().getName()).isTrue();
            }
        }
    }

    /** One instance of every concrete TypeSerializer class under org.otlpanalytics (no-arg constructor or INSTANCE). */
    static List<TypeSerializer<?>> projectSerializers() throws Exception {
        ClassLoader cl = StateSerializerSnapshotsTest.class.getClassLoader();
        TreeSet<String> classes = new TreeSet<>();
        Enumeration<URL> roots = cl.getResources("org/otlpanalytics");
        while (roots.hasMoreElements()) {
            URL u = roots.nextElement();
            if (u.getProtocol().equals("file")) {
                Path base = Paths.get(u.toURI()).getParent().getParent();
                try (Stream<Path> files = Files.walk(Paths.get(u.toURI()))) {
                    files.filter(p -> p.toString().endsWith(".class"))
                            .forEach(p -> classes.add(className(base.relativize(p).toString())));
                }
            } else if (u.getProtocol().equals("jar")) {
                String jar = u.getPath().substring("file:".length(), u.getPath().indexOf("!/"));
                try (JarFile j = new JarFile(new File(jar))) {
                    for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements();) {
                        String n = e.nextElement().getName();
                        if (n.startsWith("org/otlpanalytics/") && n.endsWith(".class")) {
                            classes.add(className(n));
                        }
                    }
                }
            }
        }
        List<TypeSerializer<?>> out = new ArrayList<>();
        for (String name : classes) {
            Class<?> c = Class.forName(name, false, cl);
            if (!TypeSerializer.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())
                    || name.startsWith("org.otlpanalytics.tests.")) {
                continue;
            }
            out.add(instance(c));
        }
        return out;
    }

    private static TypeSerializer<?> instance(Class<?> c) throws Exception {
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == c && f.getName().equals("INSTANCE")) {
                f.setAccessible(true);
                return (TypeSerializer<?>) f.get(null);
            }
        }
        Constructor<?> k = c.getDeclaredConstructor();
        k.setAccessible(true);
        return (TypeSerializer<?>) k.newInstance();
    }

    private static String className(String path) {
        return path.replace(File.separatorChar, '/').replace('/', '.').substring(0, path.length() - ".class".length());
    }
}
