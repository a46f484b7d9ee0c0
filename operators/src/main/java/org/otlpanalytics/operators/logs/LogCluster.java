package org.otlpanalytics.operators.logs;

/**
 * One template of a {@link DrainTree}: its fingerprint id (fixed when the cluster is created), its
 * current tokens and how many messages it has absorbed. Mutated only by the tree that owns it.
 */
public final class LogCluster {
    private final long id;
    private final long seq;
    private String[] tokens;
    private boolean[] variable;
    private String template;
    private long size;
    DrainNode leaf;

    LogCluster(long id, String[] tokens, long size, long seq) {
        this.id = id;
        this.seq = seq;
        this.size = size;
        setTokens(tokens);
    }

    /** The fingerprint id: a hash of tenant, service and the template text at creation; never changes. */
    public long id() {
        return id;
    }

    /** Creation order within its tree: when clusters merge, the oldest (smallest) keeps its id. */
    long seq() {
        return seq;
    }

    /** The current template, tokens joined by single spaces and variables printed as {@code <*>}. */
    public String template() {
        return template;
    }

    /** Messages this cluster has absorbed, including those of clusters merged into it. */
    public long size() {
        return size;
    }

    /** Number of tokens of the template (every message of the cluster has this many). */
    public int tokenCount() {
        return tokens.length;
    }

    /** A copy of the template tokens. */
    public String[] tokens() {
        return tokens.clone();
    }

    String[] tokensRef() {
        return tokens;
    }

    boolean[] variableRef() {
        return variable;
    }

    void setTokens(String[] newTokens) {
        this.tokens = newTokens;
        this.variable = new boolean[newTokens.length];
        for (int i = 0; i < newTokens.length; i++) {
            variable[i] = TemplateTokens.hasVariable(newTokens[i]);
        }
        this.template = TemplateTokens.join(newTokens);
    }

    void addSize(long n) {
        size += n;
    }

    @Override
    public String toString() {
        return "LogCluster{id=" + Long.toHexString(id) + ", size=" + size + ", template=" + template + "}";
    }
}
