package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the pattern of a late record without changing the tree: the cluster whose template accepts
 * every token of the masked message (same length, constants equal, variables covering the rest). If
 * several do, the most specific one (most constant tokens), then the smallest id: a choice that
 * depends only on the tree, not on the order of the clusters.
 *
 * <p>Why not {@link DrainTree#add}: a record that arrives after its second was mined would grow the
 * tree at a point that depends on when it arrived, so a restore or a replay could create other
 * clusters with other ids. Matching it read-only leaves the tree exactly as the records mined in order
 * grew it; a record no template accepts as it stands is counted under the stream's late-unmatched
 * pattern ({@link UnminedPatterns}). Built once per batch of late records (reads the tree's clusters).
 */
final class LateLogMatcher {
    private final Map<Integer, List<Candidate>> byLength = new HashMap<>();

    LateLogMatcher(DrainTree tree) {
        if (tree == null) {
            return;
        }
        for (LogCluster c : tree.clusters()) {
            String[] tokens = c.tokens();
            boolean[] variable = new boolean[tokens.length];
            int constants = 0;
            for (int i = 0; i < tokens.length; i++) {
                variable[i] = TemplateTokens.hasVariable(tokens[i]);
                if (!variable[i]) {
                    constants++;
                }
            }
            byLength.computeIfAbsent(tokens.length, k -> new ArrayList<>()).add(new Candidate(c, tokens, variable, constants));
        }
    }

    /** The cluster that accepts {@code tokens} (a masked message), or null. */
    LogCluster match(String[] tokens) {
        List<Candidate> candidates = byLength.get(tokens.length);
        if (candidates == null) {
            return null;
        }
        Candidate best = null;
        for (Candidate c : candidates) {
            if (c.accepts(tokens) && (best == null || c.constants > best.constants
                    || c.constants == best.constants && c.cluster.id() < best.cluster.id())) {
                best = c;
            }
        }
        return best == null ? null : best.cluster;
    }

    private record Candidate(LogCluster cluster, String[] tokens, boolean[] variable, int constants) {
        boolean accepts(String[] message) {
            for (int i = 0; i < tokens.length; i++) {
                if (!TemplateTokens.accepts(tokens[i], variable[i], message[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
