package org.otlpanalytics.operators.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Log template mining for one (tenant, service): masks a body with a {@link LogMasker} and clusters it
 * in a {@link DrainTree}, returning the fingerprint id, the template and what changed.
 *
 * <p>Ids are stable across restarts, replays and parallelism changes under one rule: the caller feeds
 * each (tenant, service) miner in a deterministic order (event time, then Kafka partition, then
 * offset) and restores it from its own snapshot; see {@link TemplateFingerprint}.
 *
 * <pre>{@code
 * LogTemplateMiner miner = new LogTemplateMiner(LogMasker.defaults(), DrainOptions.defaults(), "acme", "checkout");
 * TemplateMatch m = miner.mine("Connection closed by 10.0.0.7 port 51234");
 * m.fingerprintId(); m.template(); m.change();   // ..., "Connection closed by <*> port <*>", CREATED
 * }</pre>
 *
 * <p>Not thread-safe (the tree is mutable); one miner per key.
 */
public final class LogTemplateMiner {
    private final LogMasker masker;
    private final DrainTree tree;

    public LogTemplateMiner(LogMasker masker, DrainOptions options, String tenant, String service) {
        this(masker, new DrainTree(options, tenant, service));
    }

    /** Wraps an existing (for example restored) tree. */
    public LogTemplateMiner(LogMasker masker, DrainTree tree) {
        if (masker == null || tree == null) {
            throw new IllegalArgumentException("masker and tree must not be null");
        }
        this.masker = masker;
        this.tree = tree;
    }

    /** Masks and clusters one log body (null is treated as empty). */
    public TemplateMatch mine(String body) {
        return tree.add(masker.tokenize(body));
    }

    public DrainTree tree() {
        return tree;
    }

    public LogMasker masker() {
        return masker;
    }

    /** Writes the tree (the only state; the masker is configuration) with {@link DrainTreeSerializer}. */
    public void snapshot(DataOutput out) throws IOException {
        DrainTreeSerializer.write(tree, out);
    }

    /** A miner continuing exactly where {@link #snapshot(DataOutput)} left off. */
    public static LogTemplateMiner restore(LogMasker masker, DataInput in) throws IOException {
        return new LogTemplateMiner(masker, DrainTreeSerializer.read(in));
    }
}
