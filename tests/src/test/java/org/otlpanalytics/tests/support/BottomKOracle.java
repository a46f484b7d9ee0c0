package org.otlpanalytics.tests.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.otlpanalytics.operators.common.StableHash;

/** The tenant limits' documented rule, computed independently of the operators, for the end-to-end oracles. */
public final class BottomKOracle {
    private BottomKOracle() {}

    /**
     * Per scope, the {@code limit} distinct members with the smallest stable hash keep their name,
     * every other member becomes {@code overflow} (null: folded). Returns {@code scope|member -> kept name}.
     */
    public static Map<String, String> keepSmallest(List<String[]> rows, Function<String[], String> scope,
            Function<String[], String> member, int limit, String overflow) {
        Map<String, Set<String>> members = new HashMap<>();
        for (String[] r : rows) {
            members.computeIfAbsent(scope.apply(r), k -> new TreeSet<>()).add(member.apply(r));
        }
        Map<String, String> out = new HashMap<>();
        members.forEach((sc, ms) -> {
            List<String> sorted = new ArrayList<>(ms);
            sorted.sort(Comparator.comparingLong(StableHash::of));
            for (int i = 0; i < sorted.size(); i++) {
                out.put(sc + "|" + sorted.get(i), i < limit ? sorted.get(i) : overflow);
            }
        });
        return out;
    }
}
