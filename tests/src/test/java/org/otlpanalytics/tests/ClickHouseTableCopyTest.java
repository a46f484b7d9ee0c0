package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.tests.support.ClickHouseTableCopy;

/** {@link ClickHouseTableCopy}: which source column (or Nested pair) fills each column of the current engine's table. */
class ClickHouseTableCopyTest {
    @Test
    void columnsByNameAndMapsFromTheirNestedPair() {
        Map<String, String> target = new LinkedHashMap<>();
        target.put("bucket", "DateTime('UTC')");
        target.put("first_seen", "DateTime64(3, 'UTC')");
        target.put("labels", "Map(LowCardinality(String), String)");
        target.put("added_later", "Array(UInt32)");
        Map<String, String> source = new LinkedHashMap<>();
        source.put("bucket", "DateTime('UTC')");
        source.put("first_seen", "DateTime('UTC')");
        source.put("labels.keys", "Array(String)");
        source.put("labels.values", "Array(String)");
        assertThat(ClickHouseTableCopy.selectList(target, source)).containsExactly(Map.entry("bucket", "`bucket`"),
                Map.entry("first_seen", "`first_seen`"), Map.entry("labels", "mapFromArrays(`labels.keys`, `labels.values`)"));
    }
}
