package org.otlpanalytics.operators.logs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A {@link LogMinerState} as keyed state holds it since 0.2: one entry per fingerprint (its cluster,
 * when the tree has it, and its dictionary entry) and a small index (options, counters, the
 * clusters' least-recently-used order, the dictionary's order and the parse tree's nodes with the
 * fingerprints of each leaf). On RocksDB a checkpoint then writes the index and only the entries
 * whose bytes changed, instead of the whole tree and dictionary of the service.
 *
 * <p>Entry format v1: version byte, flags (1 cluster, 2 dictionary entry), the cluster (creation
 * sequence, size, tokens), the entry ({@link LogMinerStateSerializer#writeStats}). Index format v1:
 * version byte, tenant, service, options, counters, the fingerprints (clusters in least-recently-used
 * order, then dictionary-only ones), the dictionary order as ordinals, then the roots (token count and
 * node: children by key, then the leaf's clusters as ordinals). Restoring gives a tree equal to the
 * one written, as {@link DrainTreeSerializer} does.
 */
final class LogMinerEntries {
    private static final int VERSION = 1;
    private static final int HAS_CLUSTER = 1;
    private static final int HAS_STATS = 2;

    /** The serialized form: the index, and each fingerprint's entry. */
    record Written(byte[] index, LinkedHashMap<Long, byte[]> entries) {}

    private LogMinerEntries() {}

    static Written write(LogMinerState st) throws IOException {
        DrainTree tree = st.tree;
        DataOutputSerializer out = new DataOutputSerializer(256);
        LinkedHashMap<Long, byte[]> entries = new LinkedHashMap<>();
        Map<Long, Integer> ordinals = new HashMap<>();
        List<Long> ids = new ArrayList<>();
        Map<Long, LogCluster> clusters = new HashMap<>();
        for (LogCluster c : tree.clusters()) {
            ordinals.put(c.id(), ids.size());
            ids.add(c.id());
            clusters.put(c.id(), c);
        }
        int clusterCount = ids.size();
        for (Long id : st.patterns.keySet()) {
            if (!ordinals.containsKey(id)) {
                ordinals.put(id, ids.size());
                ids.add(id);
            }
        }
        for (Long id : ids) {
            out.clear();
            LogCluster c = clusters.get(id);
            PatternStats ps = st.patterns.get(id);
            out.writeByte(VERSION);
            out.writeByte((c == null ? 0 : HAS_CLUSTER) | (ps == null ? 0 : HAS_STATS));
            if (c != null) {
                DrainTreeSerializer.writeVarLong(out, c.seq());
                DrainTreeSerializer.writeVarLong(out, c.size());
                String[] tokens = c.tokensRef();
                DrainTreeSerializer.writeVarInt(out, tokens.length);
                for (String t : tokens) {
                    StringCodec.write(out, t);
                }
            }
            if (ps != null) {
                LogMinerStateSerializer.writeStats(ps, out);
            }
            entries.put(id, out.getCopyOfBuffer());
        }

        out.clear();
        out.writeByte(VERSION);
        StringCodec.write(out, tree.tenant());
        StringCodec.write(out, tree.service());
        DrainOptions o = tree.options();
        DrainTreeSerializer.writeVarInt(out, o.depth());
        out.writeDouble(o.simThreshold());
        DrainTreeSerializer.writeVarInt(out, o.maxChildren());
        DrainTreeSerializer.writeVarInt(out, o.maxClusters());
        DrainTreeSerializer.writeVarInt(out, o.maxEnumValues());
        DrainTreeSerializer.writeVarLong(out, tree.clustersCreated());
        DrainTreeSerializer.writeVarLong(out, tree.clustersEvicted());
        DrainTreeSerializer.writeVarLong(out, tree.clustersMerged());
        DrainTreeSerializer.writeVarInt(out, ids.size());
        DrainTreeSerializer.writeVarInt(out, clusterCount);
        for (Long id : ids) {
            out.writeLong(id);
        }
        DrainTreeSerializer.writeVarInt(out, st.patterns.size());
        for (Long id : st.patterns.keySet()) {
            DrainTreeSerializer.writeVarInt(out, ordinals.get(id));
        }
        DrainTreeSerializer.writeVarInt(out, tree.roots().size());
        for (Map.Entry<Integer, DrainNode> e : tree.roots().entrySet()) {
            DrainTreeSerializer.writeVarInt(out, e.getKey());
            writeNode(out, e.getValue(), ordinals);
        }
        return new Written(out.getCopyOfBuffer(), entries);
    }

    /** The state of an index and its entries ({@code entries} gives the bytes of a fingerprint). */
    static LogMinerState read(byte[] index, EntryReader entries) throws Exception {
        DataInputDeserializer in = new DataInputDeserializer(index);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown log miner index version " + version);
        }
        String tenant = StringCodec.read(in);
        String service = StringCodec.read(in);
        DrainOptions options;
        try {
            options = DrainOptions.builder().depth(DrainTreeSerializer.readVarInt(in)).simThreshold(in.readDouble())
                    .maxChildren(DrainTreeSerializer.readVarInt(in)).maxClusters(DrainTreeSerializer.readVarInt(in))
                    .maxEnumValues(DrainTreeSerializer.readVarInt(in)).build();
        } catch (IllegalStateException e) {
            throw new IOException("corrupt log miner index: " + e.getMessage(), e);
        }
        DrainTree tree = new DrainTree(options, tenant, service);
        tree.restoreCounters(DrainTreeSerializer.readVarLong(in), DrainTreeSerializer.readVarLong(in), DrainTreeSerializer.readVarLong(in));
        int idCount = DrainTreeSerializer.readVarInt(in);
        int clusterCount = DrainTreeSerializer.readVarInt(in);
        long[] ids = new long[idCount];
        for (int k = 0; k < idCount; k++) {
            ids[k] = in.readLong();
        }
        LogCluster[] clusters = new LogCluster[idCount];
        PatternStats[] stats = new PatternStats[idCount];
        for (int k = 0; k < idCount; k++) {
            byte[] bytes = entries.get(ids[k]);
            if (bytes == null) {
                throw new IOException("log miner entry " + Long.toHexString(ids[k]) + " missing");
            }
            DataInputDeserializer e = new DataInputDeserializer(bytes);
            int v = e.readByte();
            if (v != VERSION) {
                throw new IOException("unknown log miner entry version " + v);
            }
            int flags = e.readByte();
            if ((flags & HAS_CLUSTER) != 0) {
                long seq = DrainTreeSerializer.readVarLong(e);
                long size = DrainTreeSerializer.readVarLong(e);
                String[] tokens = new String[DrainTreeSerializer.readVarInt(e)];
                for (int t = 0; t < tokens.length; t++) {
                    tokens[t] = token(StringCodec.read(e));
                }
                clusters[k] = new LogCluster(ids[k], tokens, size, seq);
            }
            if ((flags & HAS_STATS) != 0) {
                stats[k] = LogMinerStateSerializer.readStats(e);
            }
        }
        for (int k = 0; k < clusterCount; k++) {
            if (clusters[k] == null) {
                throw new IOException("log miner entry " + Long.toHexString(ids[k]) + " has no cluster");
            }
            tree.restoreCluster(clusters[k]);
        }
        int patternCount = DrainTreeSerializer.readVarInt(in);
        LinkedHashMap<Long, PatternStats> patterns = new LinkedHashMap<>(Math.max(16, patternCount * 2));
        for (int k = 0; k < patternCount; k++) {
            int ordinal = ordinal(in, idCount);
            if (stats[ordinal] == null) {
                throw new IOException("log miner entry " + Long.toHexString(ids[ordinal]) + " has no dictionary entry");
            }
            patterns.put(ids[ordinal], stats[ordinal]);
        }
        int rootCount = DrainTreeSerializer.readVarInt(in);
        for (int k = 0; k < rootCount; k++) {
            int length = DrainTreeSerializer.readVarInt(in);
            DrainNode root = new DrainNode(null, Integer.toString(length));
            readNode(in, root, clusters, clusterCount);
            tree.roots().put(length, root);
        }
        return new LogMinerState(tree, patterns);
    }

    /** Reads the entry bytes of a fingerprint (from keyed state). */
    @FunctionalInterface
    interface EntryReader {
        byte[] get(long id) throws Exception;
    }

    private static String token(String s) {
        return TemplateTokens.WILDCARD.equals(s) ? TemplateTokens.WILDCARD : s;
    }

    private static int ordinal(DataInputDeserializer in, int limit) throws IOException {
        int ordinal = DrainTreeSerializer.readVarInt(in);
        if (ordinal < 0 || ordinal >= limit) {
            throw new IOException("corrupt log miner index: ordinal " + ordinal);
        }
        return ordinal;
    }

    private static void writeNode(DataOutputSerializer out, DrainNode node, Map<Long, Integer> ordinals) throws IOException {
        DrainTreeSerializer.writeVarInt(out, node.children.size());
        for (DrainNode child : node.children.values()) {
            StringCodec.write(out, child.key);
            writeNode(out, child, ordinals);
        }
        DrainTreeSerializer.writeVarInt(out, node.clusters.size());
        for (LogCluster c : node.clusters) {
            DrainTreeSerializer.writeVarInt(out, ordinals.get(c.id()));
        }
    }

    private static void readNode(DataInputDeserializer in, DrainNode node, LogCluster[] clusters, int clusterCount) throws IOException {
        int children = DrainTreeSerializer.readVarInt(in);
        for (int k = 0; k < children; k++) {
            String key = token(StringCodec.read(in));
            DrainNode child = new DrainNode(node, key);
            node.children.put(key, child);
            readNode(in, child, clusters, clusterCount);
        }
        int count = DrainTreeSerializer.readVarInt(in);
        for (int k = 0; k < count; k++) {
            LogCluster c = clusters[ordinal(in, clusterCount)];
            c.leaf = node;
            node.clusters.add(c);
        }
    }
}
