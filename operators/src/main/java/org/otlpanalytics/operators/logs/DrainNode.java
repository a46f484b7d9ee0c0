package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of the Drain parse tree: inner nodes route by one token, leaves hold the clusters. Children
 * keep insertion order so that a snapshot writes, and a restore rebuilds, the same tree.
 */
final class DrainNode {
    final DrainNode parent;
    final String key;
    final Map<String, DrainNode> children = new LinkedHashMap<>();
    final List<LogCluster> clusters = new ArrayList<>(2);

    DrainNode(DrainNode parent, String key) {
        this.parent = parent;
        this.key = key;
    }

    boolean isEmpty() {
        return children.isEmpty() && clusters.isEmpty();
    }
}
