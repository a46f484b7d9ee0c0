package org.otlpanalytics.jobs.soak;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of what the soak's TaskManager process reports on its standard output:
 * {@code soak-probe <kind> name=value ...} with values free of spaces. Everything else the
 * process prints (Flink's own output) is not a probe and is passed to the log.
 */
record ProbeLine(String kind, Map<String, String> values) {
    static final String PREFIX = "soak-probe ";

    String format() {
        StringBuilder sb = new StringBuilder(PREFIX).append(kind);
        values.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v.replace(' ', '_')));
        return sb.toString();
    }

    /** The probe on {@code line}, or null when the line is not one. */
    static ProbeLine parse(String line) {
        if (line == null || !line.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = line.substring(PREFIX.length()).trim().split(" +");
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                v.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return new ProbeLine(parts[0], v);
    }

    long getLong(String name) {
        String s = values.get(name);
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }
}
