package org.otlpanalytics.operators.red;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.otlpanalytics.operators.sketch.HllRegisters;

/**
 * Builds {@link SpanAttrRow}s from the merged {@link DimensionCounts} of a service's minute:
 * the top values (count descending, ties by value), the error bound, and the sketches, all as
 * pure functions of the counts, so a row is the same however its spans arrived.
 */
final class SpanAttrRows {
    /** Map size of the frequent-items sketch (holds 0.75 × this many values before it purges). */
    static final int ITEMS_SKETCH_MAP_SIZE = 64;

    private SpanAttrRows() {}

    static SpanAttrRow row(RedWindow w, long bucket, String dimension, DimensionCounts c, int topItems) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(c.counts().entrySet());
        sorted.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Long.compare(b.getValue(), a.getValue()));
        int n = Math.min(topItems, sorted.size());
        SpanAttrRow r = new SpanAttrRow();
        r.bucketStartMillis = bucket;
        r.tenant = w.tenant;
        r.serviceName = w.serviceName;
        r.serviceNamespace = w.serviceNamespace;
        r.serviceUrn = w.serviceUrn;
        r.attribute = dimension;
        r.spans = c.spans();
        r.items = new String[n];
        r.counts = new long[n];
        for (int i = 0; i < n; i++) {
            r.items[i] = sorted.get(i).getKey();
            r.counts[i] = sorted.get(i).getValue();
        }
        // an unlisted value is either kept with a count <= the first unlisted one, or folded
        long firstUnlisted = sorted.size() > n ? sorted.get(n).getValue() : 0;
        r.maxError = Math.max(firstUnlisted, c.folded());
        r.distinctValues = c.distinct().estimate();
        r.hll = c.distinct().toBytes();
        r.hllRegisters = HllRegisters.dense(r.hll);
        ItemsSketch<String> items = new ItemsSketch<>(ITEMS_SKETCH_MAP_SIZE);
        for (Map.Entry<String, Long> e : sorted) {
            items.update(e.getKey(), e.getValue());
        }
        r.itemsSketch = items.toByteArray(new ArrayOfStringsSerDe());
        r.range = w.range.copy();
        return r;
    }
}
