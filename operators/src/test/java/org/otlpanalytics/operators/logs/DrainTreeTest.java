package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainTreeTest {
    private static final LogMasker MASKER = LogMasker.defaults();

    private static DrainTree tree(DrainOptions options) {
        return new DrainTree(options, "acme", "checkout");
    }

    private static TemplateMatch add(DrainTree tree, String body) {
        return tree.add(MASKER.tokenize(body));
    }

    @Test
    void linesOfOneTemplateWithDifferentVariablesGetOneFingerprint() {
        DrainTree tree = tree(DrainOptions.defaults());

        TemplateMatch first = add(tree, "Connection closed by 10.0.0.7 port 51234 after 12ms");
        TemplateMatch second = add(tree, "Connection closed by 192.168.1.20 port 22 after 3.5s");
        TemplateMatch third = add(tree, "Connection closed by fe80::1 port 8080 after 900ms");

        assertThat(List.of(second.fingerprintId(), third.fingerprintId())).containsOnly(first.fingerprintId());
        assertThat(third.template()).isEqualTo("Connection closed by <*> port <*> after <*>");
        assertThat(third.clusterSize()).isEqualTo(3);
        assertThat(tree.clusterCount()).isEqualTo(1);
    }

    @Test
    void linesOfDifferentTemplatesGetDifferentFingerprints() {
        DrainTree tree = tree(DrainOptions.defaults());

        long closed = add(tree, "Connection closed by 10.0.0.7 port 51234").fingerprintId();
        long opened = add(tree, "Session opened for user 42 on tty 3").fingerprintId();
        long refused = add(tree, "Connection refused by upstream").fingerprintId();

        assertThat(List.of(closed, opened, refused)).doesNotHaveDuplicates();
        assertThat(add(tree, "Connection closed by 10.0.0.9 port 1").fingerprintId()).isEqualTo(closed);
        assertThat(add(tree, "Session opened for user 7 on tty 1").fingerprintId()).isEqualTo(opened);
    }

    @Test
    void reportsCreatedThenNoneThenTemplateChanged() {
        DrainTree tree = tree(DrainOptions.builder().maxEnumValues(1).build());

        TemplateMatch created = add(tree, "job run nightly finished in 3 steps");
        TemplateMatch same = add(tree, "job run nightly finished in 5 steps");
        TemplateMatch changed = add(tree, "job run hourly finished in 2 steps");

        assertThat(created.change()).isEqualTo(ClusterChange.CREATED);
        assertThat(same.change()).isEqualTo(ClusterChange.NONE);
        assertThat(changed.change()).isEqualTo(ClusterChange.TEMPLATE_CHANGED);
        assertThat(changed.template()).isEqualTo("job run <*> finished in <*> steps");
        assertThat(changed.fingerprintId()).isEqualTo(created.fingerprintId());
    }

    @Test
    void fingerprintIsFixedAtCreationAndSurvivesGeneralisation() {
        DrainTree tree = tree(DrainOptions.builder().maxEnumValues(1).build());

        TemplateMatch created = add(tree, "login of user alice from <*>");
        TemplateMatch generalised = add(tree, "login of user bob from 10.0.0.1");

        assertThat(created.fingerprintId())
                .isEqualTo(TemplateFingerprint.of("acme", "checkout", "login of user alice from <*>"));
        assertThat(generalised.template()).isEqualTo("login of user <*> from <*>");
        assertThat(generalised.fingerprintId()).isEqualTo(created.fingerprintId());
    }

    @Test
    void sameTemplateInTwoServicesGetsDifferentIdsButReplaysGetTheSameIds() {
        DrainTree checkout = new DrainTree(DrainOptions.defaults(), "acme", "checkout");
        DrainTree payments = new DrainTree(DrainOptions.defaults(), "acme", "payments");
        DrainTree otherTenant = new DrainTree(DrainOptions.defaults(), "globex", "checkout");
        DrainTree replay = new DrainTree(DrainOptions.defaults(), "acme", "checkout");
        String body = "cache miss for key 12345";

        long id = add(checkout, body).fingerprintId();

        assertThat(add(payments, body).fingerprintId()).isNotEqualTo(id);
        assertThat(add(otherTenant, body).fingerprintId()).isNotEqualTo(id);
        assertThat(add(replay, body).fingerprintId()).isEqualTo(id);
    }

    @Test
    void keepsAWordPositionWithFewValuesAsSeparateTemplates() {
        DrainTree tree = tree(DrainOptions.defaults());

        long looking = add(tree, "peer 3 moved to state LOOKING after 12ms").fingerprintId();
        long following = add(tree, "peer 1 moved to state FOLLOWING after 3ms").fingerprintId();
        long leading = add(tree, "peer 2 moved to state LEADING after 7ms").fingerprintId();

        assertThat(List.of(looking, following, leading)).doesNotHaveDuplicates();
        assertThat(add(tree, "peer 4 moved to state LOOKING after 1ms").fingerprintId()).isEqualTo(looking);
        assertThat(tree.clusterCount()).isEqualTo(3);
    }

    @Test
    void mergesSiblingValuesOnceAPositionExceedsTheEnumLimit() {
        DrainTree tree = tree(DrainOptions.defaults()); // max-enum-values 3
        List<TemplateMatch> matches = new ArrayList<>();
        for (String user : new String[] {"alice", "bob", "carol", "dave", "erin"}) {
            matches.add(add(tree, "Invalid user " + user + " from 10.0.0.1"));
        }

        assertThat(matches.subList(0, 3)).extracting(TemplateMatch::change).containsOnly(ClusterChange.CREATED);
        TemplateMatch merge = matches.get(3);
        assertThat(merge.change()).isEqualTo(ClusterChange.TEMPLATE_CHANGED);
        assertThat(merge.fingerprintId()).isEqualTo(matches.get(0).fingerprintId());
        assertThat(merge.absorbedIds()).containsExactly(matches.get(1).fingerprintId(), matches.get(2).fingerprintId());
        assertThat(merge.template()).isEqualTo("Invalid user <*> from <*>");
        assertThat(merge.clusterSize()).isEqualTo(4);
        assertThat(matches.get(4).change()).isEqualTo(ClusterChange.NONE);
        assertThat(tree.clusterCount()).isEqualTo(1);
        assertThat(tree.clustersMerged()).isEqualTo(2);
    }

    /** Follows absorbed ids to their survivor, as a pattern dictionary does. */
    private static long survivor(Map<Long, Long> mergedInto, long id) {
        long s = id;
        while (mergedInto.containsKey(s)) {
            s = mergedInto.get(s);
        }
        return s;
    }

    private static List<Long> mineAll(DrainTree tree, List<String> bodies) {
        Map<Long, Long> mergedInto = new HashMap<>();
        List<Long> raw = new ArrayList<>();
        for (String body : bodies) {
            TemplateMatch m = add(tree, body);
            raw.add(m.fingerprintId());
            for (long absorbed : m.absorbedIds()) {
                mergedInto.put(absorbed, m.fingerprintId());
            }
        }
        List<Long> resolved = new ArrayList<>();
        for (long id : raw) {
            resolved.add(survivor(mergedInto, id));
        }
        return resolved;
    }

    @Test
    void aValueSharedByTheFirstRecordsDoesNotStayAConstantOnceTheStatementVaries() {
        DrainTree tree = tree(DrainOptions.defaults());
        String format = "Cache miss for product %s, loaded from catalog store in %d ms";
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bodies.add(String.format(format, "roofbinoculars", 10 + i)); // a hot product first
        }
        for (String product : new String[] {"42", "solarfilter", "4711", "starchart", "roofbinoculars", "lens", "roofbinoculars"}) {
            bodies.add(String.format(format, product, 7));
        }

        List<Long> ids = mineAll(tree, bodies);

        // one statement, one fingerprint: the hot value's records follow the generalised template,
        // which keeps the id of the first cluster
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(tree.clusterCount()).isEqualTo(1);
        assertThat(tree.clusters()).extracting(LogCluster::template)
                .containsExactly("Cache miss for product <*>, loaded from catalog store in <*> ms");
        TemplateMatch hot = add(tree, String.format(format, "roofbinoculars", 3));
        assertThat(hot.fingerprintId()).isEqualTo(ids.get(0));
        assertThat(hot.change()).isEqualTo(ClusterChange.NONE);
    }

    @Test
    void twoSmallEnumerationsThatVaryTogetherAreVariablesOfOneStatement() {
        DrainTree tree = tree(DrainOptions.defaults());
        String[] methods = {"GET", "POST"};
        String[] reasons = {"missing_field", "bad_signature", "payload_too_large"};
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            bodies.add("Request validation failed for " + methods[i % 2] + " /api/cart/" + i + " from 10.0.0." + i + ": " + reasons[(i / 2) % 3]);
        }

        List<Long> ids = mineAll(tree, bodies);

        assertThat(ids).containsOnly(ids.get(0));
        assertThat(tree.clusters()).extracting(LogCluster::template)
                .containsExactly("Request validation failed for <*> <*> from <*>: <*>");
    }

    @Test
    void aSmallEnumerationThatVariesAloneStaysConstantAlternatives() {
        DrainTree tree = tree(DrainOptions.defaults());
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String outcome = i % 3 == 0 ? "miss" : "hit";
            bodies.add("Cache " + outcome + " for cart of user " + (1000 + i) + " in " + i + "ms");
            bodies.add("Request " + (i % 2 == 0 ? "GET" : "POST") + " /api/cart/" + i + " completed with status 200 in " + i + " ms");
        }

        List<Long> ids = mineAll(tree, bodies);

        assertThat(new java.util.HashSet<>(ids)).hasSize(4);
        assertThat(tree.clusters()).extracting(LogCluster::template).containsExactlyInAnyOrder(
                "Cache hit for cart of user <*> in <*>", "Cache miss for cart of user <*> in <*>",
                "Request GET <*> completed with status <*> in <*> ms", "Request POST <*> completed with status <*> in <*> ms");
    }

    @Test
    void keepsCommonPunctuationAroundAGeneralisedToken() {
        DrainTree tree = tree(DrainOptions.builder().maxEnumValues(1).build());

        add(tree, "login ok user=root tty=pts");
        TemplateMatch m = add(tree, "login ok user=guest tty=console");

        assertThat(m.template()).isEqualTo("login ok user=<*> tty=<*>");
    }

    @Test
    void evictsLeastRecentlyUsedClusterAtCapAndCountsIt() {
        DrainTree tree = tree(DrainOptions.builder().maxClusters(2).build());

        long a = add(tree, "alpha started").fingerprintId();
        long b = add(tree, "beta stopped now").fingerprintId();
        add(tree, "alpha started"); // a is now the most recently used
        long c = add(tree, "gamma failed with code 3 twice").fingerprintId();

        assertThat(tree.clustersEvicted()).isEqualTo(1);
        assertThat(tree.clusterCount()).isEqualTo(2);
        assertThat(tree.clusters()).extracting(LogCluster::id).containsExactly(a, c);

        TemplateMatch again = add(tree, "beta stopped now");
        assertThat(again.change()).isEqualTo(ClusterChange.CREATED);
        assertThat(again.fingerprintId()).isEqualTo(b);
        assertThat(tree.clustersEvicted()).isEqualTo(2);
        assertThat(tree.clusters()).extracting(LogCluster::id).containsExactly(c, b);
    }

    @Test
    void routesTokensBeyondMaxChildrenThroughTheWildcardChild() {
        DrainTree tree = tree(DrainOptions.builder().depth(3).maxChildren(2).maxEnumValues(1).build());

        long first = add(tree, "alpha task done").fingerprintId();
        long second = add(tree, "beta task done").fingerprintId(); // the root is full: beta goes to <*>
        TemplateMatch third = add(tree, "gamma task done");        // found through <*>, generalises

        assertThat(second).isNotEqualTo(first);
        // the generalised template covers alpha's cluster too: the oldest keeps its id, the other merges
        assertThat(third.fingerprintId()).isEqualTo(first);
        assertThat(third.absorbedIds()).containsExactly(second);
        assertThat(third.template()).isEqualTo("<*> task done");
        assertThat(add(tree, "alpha task done").fingerprintId()).isEqualTo(first);
        assertThat(tree.clusterCount()).isEqualTo(1);
    }

    @Test
    void rejectsDepthBelowThree() {
        assertThatThrownBy(() -> DrainOptions.builder().depth(2).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(DrainOptions.DEPTH_KEY);
    }

    @Test
    void reportsEveryInvalidOptionAtOnce() {
        assertThatThrownBy(() -> DrainOptions.builder().depth(1).simThreshold(1.5).maxChildren(1).maxClusters(0).maxEnumValues(0).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(DrainOptions.DEPTH_KEY)
                .hasMessageContaining(DrainOptions.SIM_THRESHOLD_KEY)
                .hasMessageContaining(DrainOptions.MAX_CHILDREN_KEY)
                .hasMessageContaining(DrainOptions.MAX_CLUSTERS_KEY)
                .hasMessageContaining(DrainOptions.MAX_ENUM_VALUES_KEY);
    }

    @Test
    void rejectsMissingOptions() {
        assertThatThrownBy(() -> new DrainTree(null, "acme", "checkout")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handlesEmptyMessages() {
        DrainTree tree = tree(DrainOptions.defaults());

        TemplateMatch empty = tree.add(new String[0]);

        assertThat(empty.template()).isEmpty();
        assertThat(tree.add(new String[0]).fingerprintId()).isEqualTo(empty.fingerprintId());
    }
}
