package org.otlpanalytics.operators.logs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact binary snapshot of a {@link DrainTree} for Flink checkpoints (write to a
 * {@code DataOutputView}, read from a {@code DataInputView}: both are {@link DataOutput}/{@link DataInput}).
 *
 * <p>It stores everything the next message can depend on — options, tenant and service, counters,
 * the clusters in least-recently-used order and the exact node structure with each leaf's cluster
 * order — so that snapshot, restore and continue gives the same ids, templates and changes as an
 * uninterrupted run. Strings are written once in a table and referenced by varint index.
 *
 * <p>Format v2: magic {@code "DRN"}, version byte, string table, tenant, service, options, counters,
 * clusters (id, creation sequence, size, tokens), then the roots (token count + node) recursively.
 * v1, the same without the creation sequence, is still read: its clusters get their
 * least-recently-used rank as sequence, and the tree continues under the current rules.
 */
public final class DrainTreeSerializer {
    private static final int MAGIC = 0x44524e; // "DRN"
    private static final int VERSION = 2;
    private static final int VERSION_1 = 1;

    private DrainTreeSerializer() {}

    public static void write(DrainTree tree, DataOutput out) throws IOException {
        Map<String, Integer> strings = new LinkedHashMap<>();
        intern(strings, tree.tenant());
        intern(strings, tree.service());
        Map<LogCluster, Integer> ordinals = new IdentityHashMap<>();
        for (LogCluster c : tree.clusters()) {
            ordinals.put(c, ordinals.size());
            for (String t : c.tokensRef()) {
                intern(strings, t);
            }
        }
        for (DrainNode root : tree.roots().values()) {
            internKeys(strings, root);
        }

        out.writeInt((MAGIC << 8) | VERSION);
        writeVarInt(out, strings.size());
        for (String s : strings.keySet()) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            writeVarInt(out, bytes.length);
            out.write(bytes);
        }
        writeVarInt(out, strings.get(tree.tenant()));
        writeVarInt(out, strings.get(tree.service()));
        DrainOptions o = tree.options();
        writeVarInt(out, o.depth());
        out.writeDouble(o.simThreshold());
        writeVarInt(out, o.maxChildren());
        writeVarInt(out, o.maxClusters());
        writeVarInt(out, o.maxEnumValues());
        writeVarLong(out, tree.clustersCreated());
        writeVarLong(out, tree.clustersEvicted());
        writeVarLong(out, tree.clustersMerged());

        writeVarInt(out, ordinals.size());
        for (LogCluster c : tree.clusters()) {
            out.writeLong(c.id());
            writeVarLong(out, c.seq());
            writeVarLong(out, c.size());
            String[] tokens = c.tokensRef();
            writeVarInt(out, tokens.length);
            for (String t : tokens) {
                writeVarInt(out, strings.get(t));
            }
        }
        writeVarInt(out, tree.roots().size());
        for (Map.Entry<Integer, DrainNode> e : tree.roots().entrySet()) {
            writeVarInt(out, e.getKey());
            writeNode(out, e.getValue(), strings, ordinals);
        }
    }

    public static DrainTree read(DataInput in) throws IOException {
        int header = in.readInt();
        int version = header & 0xff;
        if ((header >>> 8) != MAGIC || (version != VERSION && version != VERSION_1)) {
            throw new IOException("not a DrainTree snapshot v" + VERSION_1 + " or v" + VERSION + ": header 0x" + Integer.toHexString(header));
        }
        int stringCount = readVarInt(in);
        String[] strings = new String[stringCount];
        for (int k = 0; k < stringCount; k++) {
            byte[] bytes = new byte[readVarInt(in)];
            in.readFully(bytes);
            strings[k] = TemplateTokens.WILDCARD.equals(new String(bytes, StandardCharsets.UTF_8))
                    ? TemplateTokens.WILDCARD : new String(bytes, StandardCharsets.UTF_8);
        }
        String tenant = strings[readVarInt(in)];
        String service = strings[readVarInt(in)];
        DrainOptions options;
        try {
            options = DrainOptions.builder().depth(readVarInt(in)).simThreshold(in.readDouble())
                    .maxChildren(readVarInt(in)).maxClusters(readVarInt(in)).maxEnumValues(readVarInt(in)).build();
        } catch (IllegalStateException e) {
            throw new IOException("corrupt DrainTree snapshot: " + e.getMessage(), e);
        }
        DrainTree tree = new DrainTree(options, tenant, service);
        tree.restoreCounters(readVarLong(in), readVarLong(in), readVarLong(in));

        int clusterCount = readVarInt(in);
        List<LogCluster> clusters = new ArrayList<>(clusterCount);
        for (int k = 0; k < clusterCount; k++) {
            long id = in.readLong();
            // v1 kept no creation order: the least-recently-used order stands in for it
            long seq = version == VERSION_1 ? k : readVarLong(in);
            long size = readVarLong(in);
            String[] tokens = new String[readVarInt(in)];
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = strings[readVarInt(in)];
            }
            LogCluster c = new LogCluster(id, tokens, size, seq);
            clusters.add(c);
            tree.restoreCluster(c);
        }
        int rootCount = readVarInt(in);
        for (int k = 0; k < rootCount; k++) {
            int length = readVarInt(in);
            DrainNode root = new DrainNode(null, Integer.toString(length));
            readNode(in, root, strings, clusters);
            tree.roots().put(length, root);
        }
        return tree;
    }

    /** The snapshot as bytes, for state backends that store {@code byte[]}. */
    public static byte[] toBytes(DrainTree tree) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(tree, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static DrainTree fromBytes(byte[] bytes) throws IOException {
        return read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    private static void writeNode(DataOutput out, DrainNode node, Map<String, Integer> strings, Map<LogCluster, Integer> ordinals) throws IOException {
        writeVarInt(out, node.children.size());
        for (DrainNode child : node.children.values()) {
            writeVarInt(out, strings.get(child.key));
            writeNode(out, child, strings, ordinals);
        }
        writeVarInt(out, node.clusters.size());
        for (LogCluster c : node.clusters) {
            writeVarInt(out, ordinals.get(c));
        }
    }

    private static void readNode(DataInput in, DrainNode node, String[] strings, List<LogCluster> clusters) throws IOException {
        int children = readVarInt(in);
        for (int k = 0; k < children; k++) {
            String key = strings[readVarInt(in)];
            DrainNode child = new DrainNode(node, key);
            node.children.put(key, child);
            readNode(in, child, strings, clusters);
        }
        int count = readVarInt(in);
        for (int k = 0; k < count; k++) {
            int ordinal = readVarInt(in);
            if (ordinal < 0 || ordinal >= clusters.size()) {
                throw new IOException("corrupt DrainTree snapshot: cluster ordinal " + ordinal);
            }
            LogCluster c = clusters.get(ordinal);
            c.leaf = node;
            node.clusters.add(c);
        }
    }

    private static void internKeys(Map<String, Integer> strings, DrainNode node) {
        for (DrainNode child : node.children.values()) {
            intern(strings, child.key);
            internKeys(strings, child);
        }
    }

    private static void intern(Map<String, Integer> strings, String s) {
        strings.putIfAbsent(s, strings.size());
    }

    static void writeVarInt(DataOutput out, int value) throws IOException {
        writeVarLong(out, value & 0xffffffffL);
    }

    static void writeVarLong(DataOutput out, long value) throws IOException {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.writeByte((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static int readVarInt(DataInput in) throws IOException {
        long v = readVarLong(in);
        if (v > 0xffffffffL) {
            throw new IOException("corrupt DrainTree snapshot: varint overflow");
        }
        return (int) v;
    }

    static long readVarLong(DataInput in) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IOException("corrupt DrainTree snapshot: varint too long");
    }
}
