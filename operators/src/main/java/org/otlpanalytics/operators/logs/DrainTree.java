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
 * to a leaf, where the most similar cluster either accepts them or the message's template is decided
 * from the evidence of its family.
 *
 * <p>Departures from classic Drain, all format-agnostic:
 * <ul>
 *   <li>similarity counts only the template's constant tokens, so masked values neither help nor hurt;
 *   <li>a message searches the leaf of its own routing tokens and the leaves reached through {@code <*>}
 *       children, so a template that generalised a routing position still catches that position's
 *       old values;
 *   <li>a message that is similar to a cluster without being accepted by it gets its template from
 *       {@link PositionEvidence}: positions of masked values, positions that vary independently of
 *       each other, and positions with more than {@link DrainOptions#maxEnumValues()} words among its
 *       family become {@code <*>}; other differing words stay constants of a sibling template;
 *   <li>a token that differs only inside keeps its common punctuation-bounded prefix and suffix
 *       ({@code user=root} + {@code user=guest} -> {@code user=<*>});
 *   <li>no cluster lives beside another that accepts all its messages: whenever a template is created
 *       or generalised, every live cluster it covers is merged into the oldest of them, which keeps its
 *       id and takes the template (merged ids are reported in {@link TemplateMatch#absorbedIds()}). This
 *       is what keeps a value that dominated a statement's first records (a hot product id) from staying
 *       a constant of its own template after the statement generalised.
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
        boolean[] mv = variables(tokens);
        List<DrainNode> leaves = new ArrayList<>(2);
        candidateLeaves(tokens, mv, leaves);

        LogCluster best = null;
        double bestSim = -1.0;
        search:
        for (DrainNode leaf : leaves) {
            for (LogCluster c : leaf.clusters) {
                double sim = similarity(c, tokens, mv);
                if (sim > bestSim) {
                    best = c;
                    bestSim = sim;
                    if (sim >= 1.0) {
                        break search;
                    }
                }
            }
        }
        if (best != null && bestSim >= 1.0) {
            return hit(best, ClusterChange.NONE, TemplateMatch.NO_IDS);
        }
        if (best == null || bestSim < options.simThreshold()) {
            return settle(tokens.clone());
        }
        return generalize(leaves, best, tokens);
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

    private static boolean[] variables(String[] tokens) {
        boolean[] v = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            v[i] = TemplateTokens.hasVariable(tokens[i]);
        }
        return v;
    }

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

    /**
     * The message is similar to {@code best} but not accepted by it. Its family is every cluster of its
     * leaves that differs from it in at most one position more than {@code best} does, outside the
     * positions {@code best} holds as variables;
     * {@link PositionEvidence} decides which differing positions are variables, and the message's
     * template (those positions generalised over the family members that agree with it everywhere
     * else) is settled into the tree.
     */
    private TemplateMatch generalize(List<DrainNode> leaves, LogCluster best, String[] tokens) {
        boolean[] open = best.variableRef();
        int budget = differences(best, tokens, open, Integer.MAX_VALUE) + 1;
        List<LogCluster> family = new ArrayList<>();
        for (DrainNode leaf : leaves) {
            for (LogCluster c : leaf.clusters) {
                if (c == best || differences(c, tokens, open, budget) <= budget) {
                    family.add(c);
                }
            }
        }
        boolean[] variable = PositionEvidence.variablePositions(family, tokens, options);
        String[] nt = tokens.clone();
        for (LogCluster c : family) {
            String[] ct = c.tokensRef();
            if (agreesOutside(ct, tokens, variable)) {
                for (int j = 0; j < nt.length; j++) {
                    if (variable[j]) {
                        nt[j] = TemplateTokens.generalize(nt[j], ct[j]);
                    }
                }
            }
        }
        return settle(nt);
    }

    /**
     * Positions outside {@code ignore} where {@code c} does not accept {@code tokens}, counted up to
     * {@code limit + 1}. The caller ignores the positions its anchor cluster already holds as variables,
     * so that clusters still carrying a value there (created before it generalised) count as family.
     */
    private static int differences(LogCluster c, String[] tokens, boolean[] ignore, int limit) {
        String[] ct = c.tokensRef();
        boolean[] cv = c.variableRef();
        int d = 0;
        for (int i = 0; i < ct.length && d <= limit; i++) {
            if (!ignore[i] && !TemplateTokens.accepts(ct[i], cv[i], tokens[i])) {
                d++;
            }
        }
        return d;
    }

    private static boolean agreesOutside(String[] a, String[] b, boolean[] skip) {
        for (int i = 0; i < a.length; i++) {
            if (!skip[i] && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Puts template {@code nt} (accepting the current message) into the tree. When it covers live
     * clusters, the oldest of them takes the template, keeping its id, moves to the leaf the template
     * routes to and absorbs the others; so a specific template (a hot value seen first) never lives on
     * beside a general one that accepts its messages. Otherwise a new cluster starts.
     */
    private TemplateMatch settle(String[] nt) {
        boolean[] nv = variables(nt);
        List<LogCluster> covered = new ArrayList<>();
        DrainNode root = roots.get(nt.length);
        if (root != null) {
            collectCovered(root, 0, levels(nt.length), nt, nv, covered);
        }
        if (covered.isEmpty()) {
            return create(nt);
        }
        LogCluster survivor = covered.get(0);
        for (LogCluster c : covered) {
            if (c.seq() < survivor.seq()) {
                survivor = c;
            }
        }
        long[] absorbed = TemplateMatch.NO_IDS;
        for (LogCluster c : covered) {
            if (c != survivor) {
                clusters.remove(c.id());
                detach(c);
                survivor.addSize(c.size());
                clustersMerged++;
                absorbed = append(absorbed, c.id());
            }
        }
        survivor.setTokens(nt);
        if (leafFor(nt, nv, false) != survivor.leaf) {
            detach(survivor);
            attach(survivor, leafFor(nt, nv, true));
        }
        return hit(survivor, ClusterChange.TEMPLATE_CHANGED, absorbed);
    }

    /** Clusters under {@code node} whose tokens template {@code nt} accepts, in tree order. */
    private void collectCovered(DrainNode node, int level, int levels, String[] nt, boolean[] nv, List<LogCluster> out) {
        if (level == levels) {
            for (LogCluster c : node.clusters) {
                if (covers(nt, nv, c.tokensRef())) {
                    out.add(c);
                }
            }
            return;
        }
        if (nv[level]) {
            for (DrainNode child : node.children.values()) {
                collectCovered(child, level + 1, levels, nt, nv, out);
            }
            return;
        }
        DrainNode exact = node.children.get(nt[level]);
        if (exact != null) {
            collectCovered(exact, level + 1, levels, nt, nv, out);
        }
        DrainNode wildcard = node.children.get(TemplateTokens.WILDCARD);
        if (wildcard != null) {
            collectCovered(wildcard, level + 1, levels, nt, nv, out);
        }
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

    private int levels(int tokenCount) {
        return Math.min(options.depth() - 2, tokenCount);
    }

    /**
     * The leaves a message can match in: at each routing level the child of its token and the
     * {@code <*>} child (only the latter for a masked token), the token's child first. The wildcard
     * child holds templates with a variable there, and words that arrived when the node was full.
     */
    private void candidateLeaves(String[] tokens, boolean[] mv, List<DrainNode> out) {
        DrainNode root = roots.get(tokens.length);
        if (root != null) {
            walk(root, 0, levels(tokens.length), tokens, mv, out);
        }
    }

    private static void walk(DrainNode node, int level, int levels, String[] tokens, boolean[] mv, List<DrainNode> out) {
        if (level == levels) {
            out.add(node);
            return;
        }
        if (!mv[level]) {
            DrainNode exact = node.children.get(tokens[level]);
            if (exact != null) {
                walk(exact, level + 1, levels, tokens, mv, out);
            }
        }
        DrainNode wildcard = node.children.get(TemplateTokens.WILDCARD);
        if (wildcard != null) {
            walk(wildcard, level + 1, levels, tokens, mv, out);
        }
    }

    /**
     * The leaf template {@code nt} belongs in: at each routing level its word's child, or {@code <*>}
     * for a variable or when the node already has {@code max-children - 1} named children. Missing
     * nodes are created when {@code create} is set; otherwise a missing node answers null.
     */
    private DrainNode leafFor(String[] nt, boolean[] nv, boolean create) {
        int n = nt.length;
        DrainNode node = roots.get(n);
        if (node == null) {
            if (!create) {
                return null;
            }
            node = new DrainNode(null, Integer.toString(n));
            roots.put(n, node);
        }
        int levels = levels(n);
        for (int i = 0; i < levels; i++) {
            String key = nv[i] ? TemplateTokens.WILDCARD : nt[i];
            DrainNode child = node.children.get(key);
            if (child == null && !nv[i] && namedChildren(node) >= options.maxChildren() - 1) {
                key = TemplateTokens.WILDCARD;
                child = node.children.get(key);
            }
            if (child == null) {
                if (!create) {
                    return null;
                }
                child = new DrainNode(node, key);
                node.children.put(key, child);
            }
            node = child;
        }
        return node;
    }

    private static int namedChildren(DrainNode node) {
        return node.children.size() - (node.children.containsKey(TemplateTokens.WILDCARD) ? 1 : 0);
    }

    private TemplateMatch create(String[] tokens) {
        String template = TemplateTokens.join(tokens);
        long id = TemplateFingerprint.of(tenant, service, template);
        for (int salt = 1; clusters.containsKey(id); salt++) {
            // Only on a 64-bit collision or a re-created template still alive elsewhere in the tree:
            // derive the next id deterministically so replays agree.
            id = TemplateFingerprint.of(tenant, service, template + '\u001f' + salt);
        }
        LogCluster c = new LogCluster(id, tokens, 1, clustersCreated);
        attach(c, leafFor(tokens, c.variableRef(), true));
        clusters.put(id, c);
        clustersCreated++;
        evictBeyondCap();
        return new TemplateMatch(id, c.template(), ClusterChange.CREATED, 1, TemplateMatch.NO_IDS);
    }

    private static void attach(LogCluster c, DrainNode leaf) {
        c.leaf = leaf;
        leaf.clusters.add(c);
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
        c.leaf = null;
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
