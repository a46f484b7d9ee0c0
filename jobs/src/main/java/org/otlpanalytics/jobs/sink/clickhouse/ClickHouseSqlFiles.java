package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The {@code .sql} files of {@code sql/clickhouse/} as the build packs them ({@value #SCHEMA} on the
 * class path: the DDL; {@value #QUERIES}: the shipped queries; {@value #EXPORTS}: what {@code analyze}
 * writes as CSV; {@value #RANGE}: the range SQL), by file name, in name order; read from the class path whether it is a folder or a jar.
 */
public final class ClickHouseSqlFiles {
    public static final String SCHEMA = "clickhouse";
    public static final String QUERIES = "clickhouse/queries";
    public static final String EXPORTS = "clickhouse/export";
    public static final String RANGE = "clickhouse/range";

    private ClickHouseSqlFiles() {}

    /** The DDL files, name → text, in the order they are applied. */
    public static Map<String, String> schema() {
        return read(SCHEMA);
    }

    /** The shipped queries, name → text. */
    public static Map<String, String> queries() {
        return read(QUERIES);
    }

    /** The {@code analyze} CSV queries, {@code <table>.sql} → text. */
    public static Map<String, String> exports() {
        return read(EXPORTS);
    }

    /** The range SQL ({@code red_range.sql}, {@code service_range.sql}, {@code span_attr_topk.sql}), name → text. */
    public static Map<String, String> range() {
        return read(RANGE);
    }

    /** The text without its whole-line {@code --} comments (what a server receives). */
    public static String withoutComments(String sql) {
        StringBuilder sb = new StringBuilder();
        for (String line : sql.split("\r?\n")) {
            if (!line.trim().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    static Map<String, String> read(String folder) {
        URL url = ClickHouseSqlFiles.class.getClassLoader().getResource(folder);
        if (url == null) {
            throw new IllegalStateException("no " + folder + "/ on the class path (the build packs sql/clickhouse/ there)");
        }
        Map<String, String> out = new TreeMap<>();
        try {
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection c = (JarURLConnection) url.openConnection();
                c.setUseCaches(false);
                try (JarFile jar = c.getJarFile()) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        String name = e.getName();
                        if (name.startsWith(folder + "/") && name.endsWith(".sql") && name.indexOf('/', folder.length() + 1) < 0) {
                            try (InputStream in = jar.getInputStream(e)) {
                                out.put(name.substring(folder.length() + 1), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
            } else {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".sql") && Files.isRegularFile(p)).toList()) {
                        out.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder + "/ from the class path", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
