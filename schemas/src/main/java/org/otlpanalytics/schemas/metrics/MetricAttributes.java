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
 * survive does not depend on the order the sender wrote them in.
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
            String v = ResourceInfo.stringValue(kv.getValue());
            // a repeated key (invalid OTLP) keeps its last value, as the Collector's pdata does
            sorted.put(TextSanitizer.name(kv.getKey(), MAX_CHARS), v == null ? "" : TextSanitizer.text(v, MAX_CHARS));
        }
        int n = Math.min(sorted.size(), MAX_ATTRIBUTES);
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
        p.attributesDropped = sorted.size() - n;
        p.labelsHash = LabelsHash.of(keys, values);
    }
}
