package org.otlpanalytics.operators.logs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of one {@link DrainTree}, immutable; every default lives in the {@link Builder}, and one
 * configuration serves every log format (nothing here is tuned to a particular source).
 *
 * <pre>{@code
 * DrainOptions o = DrainOptions.builder().depth(3).simThreshold(0.5).maxClusters(5_000).build();
 * }</pre>
 */
public final class DrainOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEPTH_KEY = "log-patterns.drain.depth";
    public static final String SIM_THRESHOLD_KEY = "log-patterns.drain.sim-threshold";
    public static final String MAX_CHILDREN_KEY = "log-patterns.drain.max-children";
    public static final String MAX_CLUSTERS_KEY = "log-patterns.drain.max-clusters";
    public static final String MAX_ENUM_VALUES_KEY = "log-patterns.drain.max-enum-values";

    public static final int DEFAULT_DEPTH = 3;
    public static final double DEFAULT_SIM_THRESHOLD = 0.5;
    public static final int DEFAULT_MAX_CHILDREN = 100;
    public static final int DEFAULT_MAX_CLUSTERS = 5_000;
    public static final int DEFAULT_MAX_ENUM_VALUES = 3;

    /** Fewer than three levels would leave no token level between the length layer and the leaves. */
    public static final int MIN_DEPTH = 3;
    /** Deeper trees only fragment templates whose first words vary; 16 levels is far past useful. */
    public static final int MAX_DEPTH = 16;

    private final int depth;
    private final double simThreshold;
    private final int maxChildren;
    private final int maxClusters;
    private final int maxEnumValues;

    DrainOptions(int depth, double simThreshold, int maxChildren, int maxClusters, int maxEnumValues) {
        this.depth = depth;
        this.simThreshold = simThreshold;
        this.maxChildren = maxChildren;
        this.maxClusters = maxClusters;
        this.maxEnumValues = maxEnumValues;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static DrainOptions defaults() {
        return builder().build();
    }

    /**
     * Levels of the parse tree counting the length layer and the leaf ({@code log-patterns.drain.depth});
     * the first {@code depth - 2} tokens route a message, as in Drain. Why 3 (one routing token): a
     * routing token is never merged with another value, and application logs put word values in the
     * second and third position ({@code User alice logged in}); the first token names the event. On
     * the Loghub-2k samples depths 3 to 5 score the same, so the samples do not decide it.
     */
    public int depth() {
        return depth;
    }

    /**
     * Share of a template's constant tokens a message must repeat to join it
     * ({@code log-patterns.drain.sim-threshold}); masked tokens are not counted either way.
     */
    public double simThreshold() {
        return simThreshold;
    }

    /** Children per inner node before further tokens share the {@code <*>} child ({@code log-patterns.drain.max-children}). */
    public int maxChildren() {
        return maxChildren;
    }

    /** Clusters kept per tree; the least recently used is evicted and counted beyond it ({@code log-patterns.drain.max-clusters}). */
    public int maxClusters() {
        return maxClusters;
    }

    /**
     * The most distinct words one slot (a position, or positions whose values determine each other)
     * may show among sibling templates while still being constants that tell them apart
     * ({@code log-patterns.drain.max-enum-values}): a state ({@code LOOKING}, {@code LEADING}) or a
     * mode ({@code bytes}/{@code values}) keeps one template per value, and the next value turns the
     * slot into {@code <*>} and merges the siblings. It is the last of the rules in
     * {@link PositionEvidence}: masked values are variables at once, and two slots that vary
     * independently of each other are variables whatever their number of values. {@code 1} gives
     * classic Drain, which generalises on the first difference. Why 3: chosen by leave-one-dataset-out
     * over the six Loghub-2k samples (every fold picks 3; see the README); statements that differ in
     * one word come in small sets, while data shows a fourth value soon.
     */
    public int maxEnumValues() {
        return maxEnumValues;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DrainOptions)) {
            return false;
        }
        DrainOptions other = (DrainOptions) o;
        return depth == other.depth
                && Double.compare(simThreshold, other.simThreshold) == 0
                && maxChildren == other.maxChildren
                && maxClusters == other.maxClusters
                && maxEnumValues == other.maxEnumValues;
    }

    @Override
    public int hashCode() {
        return ((depth * 31 + Double.hashCode(simThreshold)) * 31 + maxChildren) * 31 + maxClusters * 7 + maxEnumValues;
    }

    @Override
    public String toString() {
        return DEPTH_KEY + "=" + depth + ", " + SIM_THRESHOLD_KEY + "=" + simThreshold + ", "
                + MAX_CHILDREN_KEY + "=" + maxChildren + ", " + MAX_CLUSTERS_KEY + "=" + maxClusters + ", "
                + MAX_ENUM_VALUES_KEY + "=" + maxEnumValues;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private int depth = DEFAULT_DEPTH;
        private double simThreshold = DEFAULT_SIM_THRESHOLD;
        private int maxChildren = DEFAULT_MAX_CHILDREN;
        private int maxClusters = DEFAULT_MAX_CLUSTERS;
        private int maxEnumValues = DEFAULT_MAX_ENUM_VALUES;

        Builder() {}

        public Builder depth(int depth) {
            this.depth = depth;
            return this;
        }

        public Builder simThreshold(double simThreshold) {
            this.simThreshold = simThreshold;
            return this;
        }

        public Builder maxChildren(int maxChildren) {
            this.maxChildren = maxChildren;
            return this;
        }

        public Builder maxClusters(int maxClusters) {
            this.maxClusters = maxClusters;
            return this;
        }

        public Builder maxEnumValues(int maxEnumValues) {
            this.maxEnumValues = maxEnumValues;
            return this;
        }

        /** Checks every setting at once and names each bad one by its key. */
        public DrainOptions build() {
            List<String> problems = new ArrayList<>(4);
            if (depth < MIN_DEPTH || depth > MAX_DEPTH) {
                problems.add(DEPTH_KEY + " must be in [" + MIN_DEPTH + ", " + MAX_DEPTH + "], got " + depth);
            }
            if (!(simThreshold >= 0.0 && simThreshold <= 1.0)) {
                problems.add(SIM_THRESHOLD_KEY + " must be in [0, 1], got " + simThreshold);
            }
            if (maxChildren < 2) {
                problems.add(MAX_CHILDREN_KEY + " must be >= 2 (one slot is kept for <*>), got " + maxChildren);
            }
            if (maxClusters < 1) {
                problems.add(MAX_CLUSTERS_KEY + " must be > 0, got " + maxClusters);
            }
            if (maxEnumValues < 1) {
                problems.add(MAX_ENUM_VALUES_KEY + " must be >= 1, got " + maxEnumValues);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new DrainOptions(depth, simThreshold, maxChildren, maxClusters, maxEnumValues);
        }
    }
}
