package org.otlpanalytics.jobs.bench.patterns;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.otlpanalytics.operators.logs.DrainOptions;
import org.otlpanalytics.operators.logs.LogCluster;
import org.otlpanalytics.operators.logs.LogMasker;
import org.otlpanalytics.operators.logs.LogTemplateMiner;
import org.otlpanalytics.operators.logs.TemplateMatch;

/**
 * Mines one dataset the way the operator would (one miner per service, messages in order) and
 * resolves the end-of-run group and template of every line, following cluster merges to their
 * survivor the way a pattern dictionary would.
 */
final class BenchRun {
    static final String TENANT = "bench";

    private final LogMasker masker;
    private final DrainOptions options;
    /** Keeps the timed loop's result observable so the JIT cannot drop it. */
    private long blackhole;

    BenchRun(LogMasker masker, DrainOptions options) {
        this.masker = masker;
        this.options = options;
    }

    /** End-of-run group id and template per line. */
    record Outcome(long[] groups, String[] templates) {
        /** Prints, per predicted group that is not exactly one ground-truth group, its make-up. */
        void printWrongGroups(LoghubDataset ds, PrintStream err) {
            Map<Long, Map<String, Integer>> byGroup = new LinkedHashMap<>();
            Map<String, Integer> truthSizes = new HashMap<>();
            for (int i = 0; i < groups.length; i++) {
                byGroup.computeIfAbsent(groups[i], k -> new TreeMap<>()).merge(ds.eventIds()[i], 1, Integer::sum);
                truthSizes.merge(ds.eventIds()[i], 1, Integer::sum);
            }
            Map<Long, String> templateOf = new HashMap<>();
            for (int i = 0; i < groups.length; i++) {
                templateOf.putIfAbsent(groups[i], templates[i]);
            }
            Map<String, Integer> wrongTemplates = new TreeMap<>();
            for (int i = 0; i < groups.length; i++) {
                String truth = TemplateNormalizer.normalize(ds.eventTemplates()[i]);
                String predicted = TemplateNormalizer.normalize(templates[i]);
                if (!truth.equals(predicted)) {
                    wrongTemplates.merge(truth + "  <>  " + predicted, 1, Integer::sum);
                }
            }
            wrongTemplates.forEach((pair, count) -> err.println(ds.name() + " wrong template x" + count + ": " + pair));
            for (Map.Entry<Long, Map<String, Integer>> e : byGroup.entrySet()) {
                Map<String, Integer> mix = e.getValue();
                boolean exact = mix.size() == 1 && truthSizes.get(mix.keySet().iterator().next()).equals(mix.values().iterator().next());
                if (!exact) {
                    err.println(ds.name() + " wrong group " + mix + " of " + sizesOf(mix, truthSizes) + " -> " + templateOf.get(e.getKey()));
                }
            }
        }

        private static String sizesOf(Map<String, Integer> mix, Map<String, Integer> truthSizes) {
            StringBuilder sb = new StringBuilder("{");
            for (String id : mix.keySet()) {
                sb.append(sb.length() > 1 ? ", " : "").append(id).append('=').append(truthSizes.get(id));
            }
            return sb.append('}').toString();
        }
    }

    Outcome mine(LoghubDataset ds) {
        LogTemplateMiner miner = new LogTemplateMiner(masker, options, TENANT, ds.name());
        String[] contents = ds.contents();
        long[] ids = new long[contents.length];
        Map<Long, Long> mergedInto = new HashMap<>();
        Map<Long, String> lastTemplate = new HashMap<>();
        for (int i = 0; i < contents.length; i++) {
            TemplateMatch m = miner.mine(contents[i]);
            ids[i] = m.fingerprintId();
            lastTemplate.put(m.fingerprintId(), m.template());
            for (long absorbed : m.absorbedIds()) {
                mergedInto.put(absorbed, m.fingerprintId());
            }
        }
        Map<Long, String> live = new HashMap<>();
        for (LogCluster c : miner.tree().clusters()) {
            live.put(c.id(), c.template());
        }
        long[] groups = new long[contents.length];
        String[] templates = new String[contents.length];
        for (int i = 0; i < contents.length; i++) {
            long id = ids[i];
            for (int hops = 0; mergedInto.containsKey(id) && !live.containsKey(id) && hops < 1_000; hops++) {
                id = mergedInto.get(id);
            }
            groups[i] = id;
            templates[i] = live.getOrDefault(id, lastTemplate.get(id));
        }
        return new Outcome(groups, templates);
    }

    /** Nanoseconds to mine the whole dataset with a fresh miner. */
    long timeNanos(LoghubDataset ds) {
        LogTemplateMiner miner = new LogTemplateMiner(masker, options, TENANT, ds.name());
        String[] contents = ds.contents();
        long start = System.nanoTime();
        long sink = 0;
        for (String c : contents) {
            sink += miner.mine(c).fingerprintId();
        }
        long elapsed = System.nanoTime() - start;
        blackhole ^= sink;
        return elapsed;
    }

    /**
     * Nanoseconds of the same-run baseline over the dataset: every line split into words at
     * whitespace, lines counted per (word count, first word) in a fresh hash map.
     */
    long baselineNanos(LoghubDataset ds) {
        String[] contents = ds.contents();
        Map<String, Integer> routes = new HashMap<>();
        List<String> words = new ArrayList<>();
        long start = System.nanoTime();
        for (String c : contents) {
            words.clear();
            int len = c.length();
            int i = 0;
            while (i < len) {
                while (i < len && Character.isWhitespace(c.charAt(i))) {
                    i++;
                }
                int from = i;
                while (i < len && !Character.isWhitespace(c.charAt(i))) {
                    i++;
                }
                if (i > from) {
                    words.add(c.substring(from, i));
                }
            }
            routes.merge(words.size() + (words.isEmpty() ? "" : " " + words.get(0)), 1, Integer::sum);
        }
        long elapsed = System.nanoTime() - start;
        blackhole ^= routes.size();
        return elapsed;
    }
}
