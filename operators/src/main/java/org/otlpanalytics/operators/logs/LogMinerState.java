package org.otlpanalytics.operators.logs;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The checkpointed mining state of one (tenant, service): the Drain tree (the order-dependent part
 * that makes ids stable when it is restored with the records' offsets) and a {@link PatternStats}
 * per fingerprint for the {@code log_pattern} dictionary.
 *
 * <p>The tree evicts clusters on its own when it holds {@link DrainOptions#maxClusters()}; entries of
 * evicted clusters are dropped here in batches ({@link #pruneEvicted()}) once their last row is out,
 * so the dictionary stays within the same cap plus a small slack.
 */
public final class LogMinerState {
    final DrainTree tree;
    /** fingerprint -> entry, in creation order. */
    final LinkedHashMap<Long, PatternStats> patterns;

    LogMinerState(DrainTree tree) {
        this(tree, new LinkedHashMap<>());
    }

    LogMinerState(DrainTree tree, LinkedHashMap<Long, PatternStats> patterns) {
        this.tree = tree;
        this.patterns = patterns;
    }

    public DrainTree tree() {
        return tree;
    }

    /** The dictionary entry of {@code id}, created empty if there is none. */
    PatternStats stats(long id) {
        PatternStats ps = patterns.get(id);
        if (ps == null) {
            ps = new PatternStats();
            patterns.put(id, ps);
        }
        return ps;
    }

    /** Live and not yet pruned dictionary entries. */
    public int patternCount() {
        return patterns.size();
    }

    /** Entries beyond the live clusters tolerated before a prune pass (amortises the scan). */
    int pruneSlack() {
        return Math.max(16, tree.options().maxClusters() / 8);
    }

    /**
     * Drops entries of clusters no longer in the tree whose last change has been emitted (the two
     * entries of {@link UnminedPatterns} stay: they never are in the tree).
     */
    void pruneEvicted() {
        if (patterns.size() <= tree.clusterCount() + 2 + pruneSlack()) {
            return;
        }
        Set<Long> live = new HashSet<>(tree.clusterCount() * 2 + 4);
        for (LogCluster c : tree.clusters()) {
            live.add(c.id());
        }
        live.add(UnminedPatterns.overCapId(tree.tenant(), tree.service()));
        live.add(UnminedPatterns.lateUnmatchedId(tree.tenant(), tree.service()));
        Iterator<Map.Entry<Long, PatternStats>> it = patterns.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, PatternStats> e = it.next();
            if (!e.getValue().dirty && !live.contains(e.getKey())) {
                it.remove();
            }
        }
    }
}
