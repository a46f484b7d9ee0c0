package org.otlpanalytics.schemas.metrics;

import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.otlpanalytics.schemas.TextSanitizer;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Turns a point's OTLP attributes into the sorted, bounded arrays of {@link MetricPoint} and their
 * {@link LabelsHash}. The cap keeps the {@link #MAX_ATTRIBUTES} smallest keys, so which attributes
 * survive does not depend on the order the sender wrote them in. The work space is bounded too: at
 * most {@code MAX_ATTRIBUTES + 1} keys are held while reading, so a point with 100,000 attributes
 * costs one pass and no map of 100,000 entries.
 */
final class MetricAttributes {
    /** Attributes kept per point. */
    static final int MAX_ATTRIBUTES = 64;
    /** Attribute keys and values are cut to this many characters. */
    static final int MAX_CHARS = ResourceInfo.MAX_NAME_CHARS;

    private MetricAttributes() {}

    /** Fills attributeKeys/attributeValues/attributesDropped/labelsHash of {@code p}. */
    static void apply(List<KeyValue> attrs, MetricPoint p) {
        if (attrs.isEmpty()) {
            p.attributeKeys = MetricPoint.NO_STRINGS;
            p.attributeValues = MetricPoint.NO_STRINGS;
            p.attributesDropped = 0;
            p.labelsHash = LabelsHash.of(p.attributeKeys, p.attributeValues);
            return;
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (KeyValue kv : attrs) {
            String key = TextSanitizer.name(kv.getKey(), MAX_CHARS);
            if (sorted.size() == MAX_ATTRIBUTES && !sorted.containsKey(key) && key.compareTo(sorted.lastKey()) > 0) {
                continue; // beyond the smallest MAX_ATTRIBUTES keys: never kept, never sanitized
            }
            String v = ResourceInfo.stringValue(kv.getValue());
            // a repeated key (invalid OTLP) keeps its last value, as the Collector's pdata does
            sorted.put(key, v == null ? "" : TextSanitizer.text(v, MAX_CHARS));
            if (sorted.size() > MAX_ATTRIBUTES) {
                sorted.pollLastEntry();
            }
        }
        int n = sorted.size();
        String[] keys = new String[n];
        String[] values = new String[n];
        int i = 0;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (i == n) {
                break;
            }
            keys[i] = e.getKey();
            values[i] = e.getValue();
            i++;
        }
        p.attributeKeys = keys;
        p.attributeValues = values;
        // entries not kept: keys beyond the smallest MAX_ATTRIBUTES, and the earlier values of a repeated key
        p.attributesDropped = attrs.size() - n;
        p.labelsHash = LabelsHash.of(keys, values);
    }

}
