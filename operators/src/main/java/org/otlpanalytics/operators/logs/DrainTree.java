package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drain's fixed-depth parse tree over masked tokens (He et al., ICWS 2017, as in logpai/Drain3), for
 * one (tenant, service): messages are routed by token count and their first {@code depth - 2} tokens
 * to a leaf, where the most similar cluster either absorbs them or a new cluster starts.
 *
 * <p>Departures from classic Drain, all format-agnostic:
 * <ul>
 *   <li>similarity counts only the template's constant tokens, so masked values neither help nor hurt;
 *   <li>a token that differs only inside keeps its common punctuation-bounded prefix and suffix
 *       ({@code user=root} + {@code user=guest} -> {@code user=<*>});
 *   <li>a differing position becomes {@code <*>} at once only when both tokens already carry a masked
 *       variable ({@code broadcast_<*>} vs {@code rdd_<*>}); any other difference (a word, or a word
 *       against a masked value) is counted: the position stays constant while the sibling clusters (same
 *       leaf, equal elsewhere) show at most {@link DrainOptions#maxEnumValues()} distinct values, so
 *       states and modes keep their own templates, and the next value turns it into {@code <*>} and
 *       merges the siblings (reported in {@link TemplateMatch#absorbedIds()});
 *   <li>whenever a template generalises, clusters of the same leaf that it now covers are merged into it.
 * </ul>
 *
 * <p>Ids are fingerprints (see {@link TemplateFingerprint}) fixed at creation. At most
 * {@link DrainOptions#maxClusters()} clusters are kept; beyond that the least recently matched one is
 * evicted and counted in {@link #clustersEvicted()}. Not thread-safe; the result depends only on the
 * order of the messages, which is what makes ids replay-stable. State is written and read by
 * {@link DrainTreeSerializer}.
 */
public final class DrainTree {
    private final DrainOptions options;
    private final String tenant;
    private final String service;
    private final Map<Integer, DrainNode> roots = new LinkedHashMap<>();
    /** All live clusters in least-recently-used-first order. */
    private final LinkedHashMap<Long, LogCluster> clusters = new LinkedHashMap<>(64, 0.75f, true);
    private long clustersCreated;
    private long clustersEvicted;
    private long clustersMerged;

    /**
     * An empty tree for one (tenant, service); both are hashed into every fingerprint id.
     *
     * @throws IllegalArgumentException if options are missing or out of range (depth below 3, ...)
     */
    public DrainTree(DrainOptions options, String tenant, String service) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (options.depth() < DrainOptions.MIN_DEPTH) {
            throw new IllegalArgumentException(DrainOptions.DEPTH_KEY + " must be >= " + DrainOptions.MIN_DEPTH + ", got " + options.depth());
        }
        if (options.maxChildren() < 2 || options.maxClusters() < 1 || options.maxEnumValues() < 1) {
            throw new IllegalArgumentException("invalid options: " + options);
        }
        this.options = options;
        this.tenant = tenant == null ? "" : tenant;
        this.service = service == null ? "" : service;
    }

    /**
     * Adds one masked message (see {@link LogMasker#tokenize(String)}) and reports its cluster and
     * what changed. The array is not kept; tokens must not be null.
     */
    public TemplateMatch add(String[] tokens) {
        boolean[] mv = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            mv[i] = TemplateTokens.hasVariable(tokens[i]);
        }
        DrainNode leaf = route(tokens, mv);

        LogCluster best = null;
        double bestSim = -1.0;
        for (LogCluster c : leaf.clusters) {
            double sim = similarity(c, tokens, mv);
            if (sim > bestSim) {
                best = c;
                bestSim = sim;
                if (sim >= 1.0) {
                    break;
                }
            }
        }
        if (best == null || bestSim < options.simThreshold()) {
            return create(leaf, tokens.clone());
        }
        if (bestSim >= 1.0) {
            return hit(best, ClusterChange.NONE, TemplateMatch.NO_IDS);
        }
        return generalizeOrSplit(leaf, best, tokens, mv);
    }

    /** Live clusters, least recently used first; a read-only view that does not change that order. */
    public Collection<LogCluster> clusters() {
        return Collections.unmodifiableCollection(clusters.values());
    }

    public int clusterCount() {
        return clusters.size();
    }

    /** Clusters ever created in this tree (restored from snapshots). */
    public long clustersCreated() {
        return clustersCreated;
    }

    /** Clusters dropped because the tree held {@link DrainOptions#maxClusters()}. */
    public long clustersEvicted() {
        return clustersEvicted;
    }

    /** Clusters merged into a more general sibling. */
    public long clustersMerged() {
        return clustersMerged;
    }

    public DrainOptions options() {
        return options;
    }

    public String tenant() {
        return tenant;
    }

    public String service() {
        return service;
    }

    // ---- matching ----------------------------------------------------------------------------

    /** Matched constant tokens over compared constant tokens; a template without constants scores 1. */
    private static double similarity(LogCluster c, String[] tokens, boolean[] mv) {
        String[] ct = c.tokensRef();
        boolean[] cv = c.variableRef();
        int matched = 0;
        int compared = 0;
        for (int i = 0; i < ct.length; i++) {
            String t = ct[i];
            if (cv[i]) {
                if (!TemplateTokens.accepts(t, true, tokens[i])) {
                    compared++;
                }
            } else {
                compared++;
                if (!mv[i] && t.equals(tokens[i])) {
                    matched++;
                }
            }
        }
        return compared == 0 ? 1.0 : (double) matched / compared;
    }

    private TemplateMatch generalizeOrSplit(DrainNode leaf, LogCluster best, String[] tokens, boolean[] mv) {
        String[] ct = best.tokensRef();
        boolean[] cv = best.variableRef();
        int[] diff = new int[ct.length];
        int diffCount = 0;
        for (int i = 0; i < ct.length; i++) {
            if (!TemplateTokens.accepts(ct[i], cv[i], tokens[i])) {
                diff[diffCount++] = i;
            }
        }
        boolean[] variablePos = new boolean[diffCount];
        boolean anyEnum = false;
        for (int k = 0; k < diffCount; k++) {
            int i = diff[k];
            variablePos[k] = (cv[i] && mv[i]) || options.maxEnumValues() <= 1;
            anyEnum |= !variablePos[k];
        }
        if (anyEnum) {
            anyEnum = classifyEnumPositions(leaf, best, tokens, diff, diffCount, variablePos);
        }
        if (!anyEnum) {
            String[] nt = ct.clone();
            for (int k = 0; k < diffCount; k++) {
                nt[diff[k]] = TemplateTokens.generalize(ct[diff[k]], tokens[diff[k]]);
            }
            best.setTokens(nt);
            return hit(best, ClusterChange.TEMPLATE_CHANGED, absorbCovered(leaf, best));
        }
        // A new value of a still-enumerated position: a sibling template, with the positions already
        // known to be variable generalised from the start.
        String[] nt = tokens.clone();
        for (int k = 0; k < diffCount; k++) {
            if (variablePos[k]) {
                nt[diff[k]] = TemplateTokens.generalize(ct[diff[k]], tokens[diff[k]]);
            }
        }
        return create(leaf, nt);
    }

    /**
     * Decides, for each differing plain-word position, whether the siblings of {@code best} (clusters of
     * the leaf equal to it outside the differing positions) plus this message already show more than
     * {@code maxEnumValues} distinct values there. Returns whether some position stays enumerated.
     */
    private boolean classifyEnumPositions(DrainNode leaf, LogCluster best, String[] tokens, int[] diff, int diffCount, boolean[] variablePos) {
        String[] ct = best.tokensRef();
        List<LogCluster> family = new ArrayList<>();
        for (LogCluster c : leaf.clusters) {
            if (c != best && equalOutside(c.tokensRef(), ct, diff, diffCount)) {
                family.add(c);
            }
        }
        boolean anyEnum = false;
        List<String> distinct = new ArrayList<>();
        for (int k = 0; k < diffCount; k++) {
            if (variablePos[k]) {
                continue;
            }
            int i = diff[k];
            distinct.clear();
            distinct.add(ct[i]);
            distinct.add(tokens[i]);
            for (LogCluster f : family) {
                if (!distinct.contains(f.tokensRef()[i])) {
                    distinct.add(f.tokensRef()[i]);
                }
            }
            if (distinct.size() > options.maxEnumValues()) {
                variablePos[k] = true;
            }
            anyEnum |= !variablePos[k];
        }
        return anyEnum;
    }

    private static boolean equalOutside(String[] a, String[] b, int[] diff, int diffCount) {
        int k = 0;
        for (int i = 0; i < a.length; i++) {
            if (k < diffCount && diff[k] == i) {
                k++;
                continue;
            }
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Merges into {@code survivor} every other cluster of the leaf whose tokens it now accepts. */
    private long[] absorbCovered(DrainNode leaf, LogCluster survivor) {
        long[] absorbed = TemplateMatch.NO_IDS;
        String[] st = survivor.tokensRef();
        boolean[] sv = survivor.variableRef();
        Iterator<LogCluster> it = leaf.clusters.iterator();
        while (it.hasNext()) {
            LogCluster c = it.next();
            if (c == survivor || !covers(st, sv, c.tokensRef())) {
                continue;
            }
            it.remove();
            clusters.remove(c.id());
            survivor.addSize(c.size());
            clustersMerged++;
            absorbed = append(absorbed, c.id());
        }
        return absorbed;
    }

    private static boolean covers(String[] st, boolean[] sv, String[] other) {
        for (int i = 0; i < st.length; i++) {
            if (!TemplateTokens.accepts(st[i], sv[i], other[i])) {
                return false;
            }
        }
        return true;
    }

    private static long[] append(long[] a, long v) {
        long[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = v;
        return r;
    }

    private TemplateMatch hit(LogCluster c, ClusterChange change, long[] absorbed) {
        c.addSize(1);
        clusters.get(c.id()); // LRU touch
        return new TemplateMatch(c.id(), c.template(), change, c.size(), absorbed);
    }

    // ---- tree structure ------------------------------------------------------------------------

    private DrainNode route(String[] tokens, boolean[] mv) {
        int n = tokens.length;
        DrainNode node = roots.get(n);
        if (node == null) {
            node = new DrainNode(null, Integer.toString(n));
            roots.put(n, node);
        }
        int levels = Math.min(options.depth() - 2, n);
        for (int i = 0; i < levels; i++) {
            String key = mv[i] ? TemplateTokens.WILDCARD : tokens[i];
            DrainNode child = node.children.get(key);
            if (child == null) {
                if (!mv[i] && namedChildren(node) >= options.maxChildren() - 1) {
                    key = TemplateTokens.WILDCARD;
                    child = node.children.get(key);
                }
                if (child == null) {
                    child = new DrainNode(node, key);
                    node.children.put(key, child);
                }
            }
            node = child;
        }
        return node;
    }

    private static int namedChildren(DrainNode node) {
        return node.children.size() - (node.children.containsKey(TemplateTokens.WILDCARD) ? 1 : 0);
    }

    private TemplateMatch create(DrainNode leaf, String[] tokens) {
        String template = TemplateTokens.join(tokens);
        long id = TemplateFingerprint.of(tenant, service, template);
        for (int salt = 1; clusters.containsKey(id); salt++) {
            // Only on a 64-bit collision or a re-created template still alive elsewhere in the tree:
            // derive the next id deterministically so replays agree.
            id = TemplateFingerprint.of(tenant, service, template + '\u001f' + salt);
        }
        LogCluster c = new LogCluster(id, tokens, 1);
        c.leaf = leaf;
        leaf.clusters.add(c);
        clusters.put(id, c);
        clustersCreated++;
        evictBeyondCap();
        return new TemplateMatch(id, c.template(), ClusterChange.CREATED, 1, TemplateMatch.NO_IDS);
    }

    private void evictBeyondCap() {
        while (clusters.size() > options.maxClusters()) {
            Iterator<LogCluster> it = clusters.values().iterator();
            LogCluster eldest = it.next();
            it.remove();
            detach(eldest);
            clustersEvicted++;
        }
    }

    /** Removes a cluster from its leaf and prunes nodes left empty, so evicted templates free their paths. */
    private void detach(LogCluster c) {
        DrainNode node = c.leaf;
        node.clusters.remove(c);
        while (node != null && node.isEmpty()) {
            if (node.parent == null) {
                roots.remove(c.tokenCount());
            } else {
                node.parent.children.remove(node.key);
            }
            node = node.parent;
        }
    }

    // ---- access for DrainTreeSerializer -------------------------------------------------------

    Map<Integer, DrainNode> roots() {
        return roots;
    }

    void restoreCounters(long created, long evicted, long merged) {
        this.clustersCreated = created;
        this.clustersEvicted = evicted;
        this.clustersMerged = merged;
    }

    /** Adds a restored cluster at the most-recently-used end; the caller links it into its leaf. */
    void restoreCluster(LogCluster c) {
        clusters.put(c.id(), c);
    }
}
