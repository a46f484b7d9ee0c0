package org.otlpanalytics.jobs.bench.patterns;

import java.util.HashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;

/**
 * The two accuracy measures of the Loghub log-parsing benchmarks.
 *
 * <p>Grouping Accuracy (Zhu et al., ICSE-SEIP 2019): a message counts as correct when the set of
 * messages sharing its predicted cluster is exactly the set sharing its ground-truth {@code EventId}.
 * Parsing Accuracy (Dai et al.; Jiang et al., Loghub-2.0): a message counts as correct when its
 * predicted template equals its ground-truth template after {@link TemplateNormalizer}.
 */
final class AccuracyScorer {
    private AccuracyScorer() {}

    static double groupingAccuracy(String[] truthIds, long[] predicted) {
        if (truthIds.length != predicted.length) {
            throw new IllegalArgumentException("length mismatch");
        }
        Map<String, Integer> truthSizes = new HashMap<>();
        for (String t : truthIds) {
            truthSizes.merge(t, 1, Integer::sum);
        }
        Map<Long, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < predicted.length; i++) {
            groups.computeIfAbsent(predicted[i], k -> new ArrayList<>()).add(i);
        }
        long correct = 0;
        for (List<Integer> members : groups.values()) {
            String truth = truthIds[members.get(0)];
            boolean pure = true;
            for (int idx : members) {
                if (!Objects.equals(truthIds[idx], truth)) {
                    pure = false;
                    break;
                }
            }
            if (pure && truthSizes.get(truth) == members.size()) {
                correct += members.size();
            }
        }
        return truthIds.length == 0 ? 1.0 : (double) correct / truthIds.length;
    }

    static double parsingAccuracy(String[] truthTemplates, String[] predictedTemplates) {
        if (truthTemplates.length != predictedTemplates.length) {
            throw new IllegalArgumentException("length mismatch");
        }
        Map<String, String> cache = new HashMap<>();
        long correct = 0;
        for (int i = 0; i < truthTemplates.length; i++) {
            String t = cache.computeIfAbsent(truthTemplates[i], TemplateNormalizer::normalize);
            String p = cache.computeIfAbsent(predictedTemplates[i], TemplateNormalizer::normalize);
            if (t.equals(p)) {
                correct++;
            }
        }
        return truthTemplates.length == 0 ? 1.0 : (double) correct / truthTemplates.length;
    }
}
