package org.otlpanalytics.operators.logs;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mines a labelled synthetic stream with one miner per service, as the operator does, and records
 * per service and statement how many records each end-of-run fingerprint holds (absorbed ids followed
 * to their survivor, as the pattern dictionary's aliases allow).
 */
final class MinedStatements {
    /** service -> statement index -> fingerprint -> records. */
    final Map<String, Map<Integer, Map<Long, Integer>>> counts = new TreeMap<>();
    /** service -> fingerprint -> its template at the end. */
    final Map<String, Map<Long, String>> templates = new HashMap<>();

    static MinedStatements mine(List<SyntheticServiceLogs.Line> lines, DrainOptions options) {
        MinedStatements result = new MinedStatements();
        Map<String, LogTemplateMiner> miners = new LinkedHashMap<>();
        Map<String, Map<Long, Long>> mergedInto = new HashMap<>();
        long[] ids = new long[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            SyntheticServiceLogs.Line line = lines.get(i);
            LogTemplateMiner miner = miners.computeIfAbsent(line.service(),
                    s -> new LogTemplateMiner(LogMasker.defaults(), options, "synthetic", s));
            TemplateMatch m = miner.mine(line.body());
            ids[i] = m.fingerprintId();
            for (long absorbed : m.absorbedIds()) {
                mergedInto.computeIfAbsent(line.service(), k -> new HashMap<>()).put(absorbed, m.fingerprintId());
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            SyntheticServiceLogs.Line line = lines.get(i);
            Map<Long, Long> merged = mergedInto.getOrDefault(line.service(), Map.of());
            long id = ids[i];
            while (merged.containsKey(id)) {
                id = merged.get(id);
            }
            result.counts.computeIfAbsent(line.service(), k -> new TreeMap<>())
                    .computeIfAbsent(line.statement(), k -> new TreeMap<>()).merge(id, 1, Integer::sum);
        }
        miners.forEach((service, miner) -> {
            Map<Long, String> t = new HashMap<>();
            for (LogCluster c : miner.tree().clusters()) {
                t.put(c.id(), c.template());
            }
            result.templates.put(service, t);
        });
        return result;
    }

    /** service -> statement index -> records, straight from the generator. */
    static Map<String, Map<Integer, Integer>> expected(List<SyntheticServiceLogs.Line> lines) {
        Map<String, Map<Integer, Integer>> expected = new TreeMap<>();
        for (SyntheticServiceLogs.Line line : lines) {
            expected.computeIfAbsent(line.service(), k -> new TreeMap<>()).merge(line.statement(), 1, Integer::sum);
        }
        return expected;
    }

    /**
     * The mined counts in the form of {@link #expected}, when every statement has exactly one
     * fingerprint and no fingerprint serves two statements; otherwise the statements that failed,
     * with their fingerprints' records and templates, so that a failing assertion shows them.
     */
    Map<String, Map<Integer, ?>> perStatement() {
        Map<String, Map<Integer, ?>> out = new TreeMap<>();
        counts.forEach((service, statements) -> {
            Map<Long, Integer> owners = new HashMap<>();
            statements.forEach((statement, fps) -> fps.keySet().forEach(fp -> owners.merge(fp, 1, Integer::sum)));
            Map<Integer, Object> row = new TreeMap<>();
            statements.forEach((statement, fps) -> {
                if (fps.size() == 1 && owners.get(fps.keySet().iterator().next()) == 1) {
                    row.put(statement, fps.values().iterator().next());
                } else {
                    Map<String, Integer> detail = new TreeMap<>();
                    fps.forEach((fp, n) -> detail.put(templates.get(service).get(fp) + " (shared by " + owners.get(fp) + ")", n));
                    row.put(statement, detail);
                }
            });
            out.put(service, row);
        });
        return out;
    }
}
