package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DrainTreeSerializerTest {
    private static final LogMasker MASKER = LogMasker.defaults();
    private static final String[] WORDS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};
    private static final String[] STATES = {"LOOKING", "FOLLOWING", "LEADING"};

    /** A deterministic mix of templates, enumerations, word variables and one-off lines. */
    private static List<String> stream(int n) {
        Random random = new Random(42);
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            String ip = "10.0." + random.nextInt(256) + "." + random.nextInt(256);
            switch (random.nextInt(7)) {
                case 0 -> lines.add("Connection closed by " + ip + " port " + random.nextInt(65536));
                case 1 -> lines.add("Invalid user " + word + " from " + ip);
                case 2 -> lines.add("peer " + random.nextInt(5) + " moved to state " + STATES[random.nextInt(3)]);
                case 3 -> lines.add("job " + word + " finished in " + random.nextInt(100) + " steps");
                case 4 -> lines.add("disk /dev/sd" + (char) ('a' + random.nextInt(4)) + " is " + random.nextInt(100) + "% full");
                case 5 -> lines.add("GET /api/items returned " + (200 + random.nextInt(3)) + " in " + random.nextInt(900) + "ms");
                default -> lines.add("once " + word + random.nextInt(1_000_000) + " x" + random.nextInt(10) + " " + WORDS[random.nextInt(WORDS.length)]);
            }
        }
        return lines;
    }

    private static String describe(TemplateMatch m) {
        return m.fingerprintHex() + "|" + m.template() + "|" + m.change() + "|" + m.clusterSize() + "|" + Arrays.toString(m.absorbedIds());
    }

    private static byte[] snapshot(DrainTree tree) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            DrainTreeSerializer.write(tree, out);
        }
        return bytes.toByteArray();
    }

    private static DrainTree restore(byte[] bytes) throws IOException {
        return DrainTreeSerializer.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void snapshotRestoreAndContinueGivesTheSameResultsAsAnUninterruptedRun() throws IOException {
        DrainOptions options = DrainOptions.builder().maxClusters(6).build();
        List<String> lines = stream(3_000);

        DrainTree uninterrupted = new DrainTree(options, "acme", "checkout");
        List<String> expected = new ArrayList<>();
        for (String line : lines) {
            expected.add(describe(uninterrupted.add(MASKER.tokenize(line))));
        }

        DrainTree restored = new DrainTree(options, "acme", "checkout");
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (i % 97 == 0) {
                restored = restore(snapshot(restored));
            }
            actual.add(describe(restored.add(MASKER.tokenize(lines.get(i)))));
        }

        assertThat(uninterrupted.clustersEvicted()).isPositive();
        assertThat(uninterrupted.clustersMerged()).isPositive();
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(snapshot(restored)).isEqualTo(snapshot(uninterrupted));
        assertThat(restored.clustersCreated()).isEqualTo(uninterrupted.clustersCreated());
        assertThat(restored.clustersEvicted()).isEqualTo(uninterrupted.clustersEvicted());
    }

    @Test
    void restoresOptionsScopeAndClustersInLeastRecentlyUsedOrder() throws IOException {
        DrainOptions options = DrainOptions.builder().depth(5).simThreshold(0.6).maxChildren(7).maxClusters(100).maxEnumValues(2).build();
        DrainTree tree = new DrainTree(options, "acme", "checkout");
        for (String line : stream(200)) {
            tree.add(MASKER.tokenize(line));
        }

        DrainTree copy = DrainTreeSerializer.fromBytes(DrainTreeSerializer.toBytes(tree));

        assertThat(copy.options()).isEqualTo(options);
        assertThat(copy.tenant()).isEqualTo("acme");
        assertThat(copy.service()).isEqualTo("checkout");
        assertThat(copy.clusters()).extracting(LogCluster::id).containsExactlyElementsOf(tree.clusters().stream().map(LogCluster::id).toList());
        assertThat(copy.clusters()).extracting(LogCluster::template).containsExactlyElementsOf(tree.clusters().stream().map(LogCluster::template).toList());
        assertThat(copy.clusters()).extracting(LogCluster::size).containsExactlyElementsOf(tree.clusters().stream().map(LogCluster::size).toList());
    }

    @Test
    void minerSnapshotContinuesWithTheSameFingerprints() throws IOException {
        LogTemplateMiner miner = new LogTemplateMiner(MASKER, DrainOptions.defaults(), "acme", "checkout");
        long id = miner.mine("Connection closed by 10.0.0.7 port 51234").fingerprintId();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        miner.snapshot(new DataOutputStream(bytes));
        LogTemplateMiner restored = LogTemplateMiner.restore(MASKER, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        TemplateMatch next = restored.mine("Connection closed by 10.9.9.9 port 22");

        assertThat(next.fingerprintId()).isEqualTo(id);
        assertThat(next.change()).isEqualTo(ClusterChange.NONE);
        assertThat(next.clusterSize()).isEqualTo(2);
    }

    @Test
    void snapshotIsCompact() {
        DrainTree tree = new DrainTree(DrainOptions.defaults(), "acme", "checkout");
        for (String line : stream(5_000)) {
            tree.add(MASKER.tokenize(line));
        }

        byte[] bytes = DrainTreeSerializer.toBytes(tree);

        // strings are written once: well under 100 bytes per cluster on average
        assertThat(bytes.length).isLessThan(100 * tree.clusterCount() + 200);
    }

    /**
     * {@code logs/drain-tree-v1.bin} was written by the v1 serializer (before creation sequences) after
     * nine lines: connections, four invalid users (merged at the fourth), two peer states, one job.
     */
    @Test
    void readsAVersion1SnapshotAndContinuesUnderTheCurrentRules() throws IOException {
        byte[] v1;
        try (var in = DrainTreeSerializerTest.class.getResourceAsStream("/logs/drain-tree-v1.bin")) {
            v1 = in.readAllBytes();
        }

        DrainTree tree = DrainTreeSerializer.fromBytes(v1);

        assertThat(tree.options().depth()).isEqualTo(4); // the options the snapshot was taken with
        assertThat(tree.clusters()).extracting(c -> TemplateFingerprint.toHex(c.id()) + " " + c.size() + " " + c.template())
                .containsExactly("a8c1a6b9516fe26f 1 peer <*> moved to state LOOKING",
                        "014fb5713991b4cc 1 peer <*> moved to state FOLLOWING",
                        "436e3b9a0b1f0f11 2 Connection closed by <*> port <*>",
                        "ac57b40e45403585 4 Invalid user <*> from <*>",
                        "31dc2eb8208c3ba1 1 job nightly finished in <*> steps");
        assertThat(tree.clustersCreated()).isEqualTo(7);
        assertThat(tree.clustersMerged()).isEqualTo(2);
        TemplateMatch known = tree.add(MASKER.tokenize("Invalid user erin from 10.9.9.9"));
        assertThat(known.fingerprintHex()).isEqualTo("ac57b40e45403585");
        assertThat(known.clusterSize()).isEqualTo(5);
        // v1 clusters got their least-recently-used rank as creation order; they round-trip as v2
        DrainTree again = DrainTreeSerializer.fromBytes(DrainTreeSerializer.toBytes(tree));
        assertThat(again.clusters()).extracting(LogCluster::seq).containsExactly(0L, 1L, 2L, 4L, 3L);
        assertThat(DrainTreeSerializer.toBytes(again)).isEqualTo(DrainTreeSerializer.toBytes(tree));
    }

    @Test
    void rejectsBytesThatAreNotASnapshot() {
        assertThatThrownBy(() -> DrainTreeSerializer.fromBytes(new byte[] {1, 2, 3, 4, 5, 6}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a DrainTree snapshot");
    }
}
