package org.otlpanalytics.jobs.bench.patterns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One labelled Loghub-2k sample: the {@code Content} column of {@code <name>_2k.log_structured.csv}
 * (the message after the Loghub header regex stripped timestamp, level, component, ...; the standard
 * setup of the Loghub parsing benchmarks) with its ground-truth {@code EventId} and
 * {@code EventTemplate}, in {@code LineId} order.
 */
record LoghubDataset(String name, String[] contents, String[] eventIds, String[] eventTemplates) {

    /** Whether {@code dir} holds a {@code <dirname>_2k.log_structured.csv}. */
    static boolean isDataset(Path dir) {
        return Files.isRegularFile(structuredCsv(dir));
    }

    static LoghubDataset load(Path dir) throws IOException {
        Path csv = structuredCsv(dir);
        List<List<String>> rows = CsvReader.parse(Files.readString(csv, StandardCharsets.UTF_8));
        if (rows.isEmpty()) {
            throw new IOException(csv + " is empty");
        }
        List<String> header = rows.get(0);
        int content = column(header, "Content", csv);
        int eventId = column(header, "EventId", csv);
        int template = column(header, "EventTemplate", csv);
        int n = rows.size() - 1;
        String[] contents = new String[n];
        String[] ids = new String[n];
        String[] templates = new String[n];
        for (int i = 0; i < n; i++) {
            List<String> row = rows.get(i + 1);
            if (row.size() != header.size()) {
                throw new IOException(csv + ": record " + (i + 1) + " has " + row.size() + " fields, header has " + header.size());
            }
            contents[i] = row.get(content);
            ids[i] = row.get(eventId);
            templates[i] = row.get(template);
        }
        return new LoghubDataset(dir.getFileName().toString(), contents, ids, templates);
    }

    private static Path structuredCsv(Path dir) {
        String name = dir.getFileName().toString();
        return dir.resolve(name + "_2k.log_structured.csv");
    }

    private static int column(List<String> header, String name, Path csv) throws IOException {
        int idx = header.indexOf(name);
        if (idx < 0) {
            throw new IOException(csv + " has no column " + name + " (header " + header + ")");
        }
        return idx;
    }
}
