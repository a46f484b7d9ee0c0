package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides which token positions of a new message are variables, from what the stream has shown at
 * those positions: the values that the message and its "family" (the clusters of its leaves that
 * differ from it in few positions, see {@link DrainTree}) hold there.
 *
 * <p>A position where the family and the message do not all agree is a variable when:
 * <ol>
 *   <li><b>it holds values</b>: every differing token carries a masked value (a number, an id, an
 *       address, a boolean, ... as {@link LogMasker} marks them). A plain word seen where a masked
 *       value also appears needs no rule here: the masked message's template accepts the word's
 *       cluster, which then takes that template (see {@code DrainTree.settle});
 *   <li><b>it varies independently of another position</b>: positions whose values determine each
 *       other (a two-word value, the same value printed twice) form one slot; two slots whose values
 *       occur in all four combinations of some two values of each ({@code GET x}, {@code GET y},
 *       {@code POST x}, {@code POST y}) are two variables of one statement. Separate statements would
 *       each fix one combination, and code does not spell out the cross product of two lists;
 *   <li><b>it has more distinct values than an enumeration</b>: a slot with more than
 *       {@link DrainOptions#maxEnumValues()} values. Statements that differ in one word come in small
 *       sets (hit/miss, opened/closed, three states), while data (users, hosts, currencies) shows a
 *       fourth value soon.
 * </ol>
 * Any other differing position is a constant that tells sibling templates apart, such as a state
 * ({@code LOOKING}, {@code LEADING}) or a mode ({@code bytes}, {@code values}).
 *
 * <p>How often each value occurred is deliberately not used: an enumeration and a variable with a
 * hot value show the same counts (one value many times, others once), and on the labelled samples
 * four users with tens of records each are one template. An estimate of unseen values from the
 * counts (Chao1) merged three-valued enumerations whose first records came one of each, and by
 * merging one slot early it hid the crossing evidence of the slot that varied with it.
 *
 * <p>Pure: no state; the result depends only on the family and its order.
 */
final class PositionEvidence {
    private PositionEvidence() {}

    /**
     * The variable positions for {@code message} given its {@code family} (clusters of the same
     * length). Positions where all agree are never variable here.
     */
    static boolean[] variablePositions(List<LogCluster> family, String[] message, DrainOptions options) {
        int n = message.length;
        boolean[] variable = new boolean[n];
        int entries = family.size() + 1;
        List<Integer> words = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            String m = message[j];
            boolean differs = false;
            boolean allValues = TemplateTokens.hasVariable(m);
            for (LogCluster c : family) {
                String t = c.tokensRef()[j];
                if (!t.equals(m)) {
                    differs = true;
                    allValues &= TemplateTokens.hasVariable(t);
                }
            }
            if (!differs) {
                continue;
            }
            if (allValues || options.maxEnumValues() <= 1) {
                variable[j] = true;
            } else {
                words.add(j);
            }
        }
        if (words.isEmpty()) {
            return variable;
        }
        // value index of every entry (family members, then the message) at each word position
        int[][] codes = new int[words.size()][];
        for (int w = 0; w < words.size(); w++) {
            codes[w] = encode(family, message, words.get(w), entries);
        }
        List<int[]> slots = slots(codes);
        boolean[] slotVariable = new boolean[slots.size()];
        for (int s = 0; s < slots.size(); s++) {
            int[] code = codes[slots.get(s)[0]];
            slotVariable[s] |= tooManyValues(code, options.maxEnumValues());
            for (int t = s + 1; t < slots.size(); t++) {
                if (crossed(code, codes[slots.get(t)[0]])) {
                    slotVariable[s] = true;
                    slotVariable[t] = true;
                }
            }
        }
        for (int s = 0; s < slots.size(); s++) {
            if (slotVariable[s]) {
                for (int w : slots.get(s)) {
                    variable[words.get(w)] = true;
                }
            }
        }
        return variable;
    }

    /** Dense value codes (0, 1, ... in order of first appearance) of every entry at position {@code j}. */
    private static int[] encode(List<LogCluster> family, String[] message, int j, int entries) {
        int[] code = new int[entries];
        String[] seen = new String[entries];
        int distinct = 0;
        for (int e = 0; e < entries; e++) {
            String v = e < family.size() ? family.get(e).tokensRef()[j] : message[j];
            int k = 0;
            while (k < distinct && !seen[k].equals(v)) {
                k++;
            }
            if (k == distinct) {
                seen[distinct++] = v;
            }
            code[e] = k;
        }
        return code;
    }

    /** Groups word positions whose values determine each other (equal first-appearance codes). */
    private static List<int[]> slots(int[][] codes) {
        List<int[]> slots = new ArrayList<>();
        boolean[] done = new boolean[codes.length];
        for (int a = 0; a < codes.length; a++) {
            if (done[a]) {
                continue;
            }
            int[] members = {a};
            for (int b = a + 1; b < codes.length; b++) {
                if (!done[b] && Arrays.equals(codes[a], codes[b])) {
                    done[b] = true;
                    members = Arrays.copyOf(members, members.length + 1);
                    members[members.length - 1] = b;
                }
            }
            slots.add(members);
        }
        return slots;
    }

    /** Whether some two values of each slot occur in all four combinations. */
    static boolean crossed(int[] a, int[] b) {
        int ka = max(a) + 1;
        int kb = max(b) + 1;
        if (ka < 2 || kb < 2) {
            return false;
        }
        boolean[][] seen = new boolean[ka][kb];
        for (int e = 0; e < a.length; e++) {
            seen[a[e]][b[e]] = true;
        }
        for (int x = 0; x < ka; x++) {
            for (int y = x + 1; y < ka; y++) {
                int common = 0;
                for (int z = 0; z < kb; z++) {
                    if (seen[x][z] && seen[y][z] && ++common == 2) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether a slot shows more distinct values than an enumeration of at most {@code limit} constants. */
    static boolean tooManyValues(int[] code, int limit) {
        return max(code) + 1 > limit;
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
