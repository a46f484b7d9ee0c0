package org.otlpanalytics.tests.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a ClickHouse answer in {@code FORMAT JSON} (meta + data, the same on 18.16 and
 * current servers) as Java values by column type, the way a Grafana panel receives them: DateTime
 * and DateTime64 (printed in UTC, the tests' servers' time zone) as {@link Instant}, integers as
 * {@link Long} (64-bit ones come quoted), floats as {@link Double} (nan and inf come as null), arrays
 * as lists, strings as strings, null as null.
 */
public final class ClickHouseResults {
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().toFormatter();

    private ClickHouseResults() {}

    public static List<Map<String, Object>> rows(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (JsonElement m : o.getAsJsonArray("meta")) {
            names.add(m.getAsJsonObject().get("name").getAsString());
            types.add(m.getAsJsonObject().get("type").getAsString());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonElement d : o.getAsJsonArray("data")) {
            JsonObject row = d.getAsJsonObject();
            Map<String, Object> r = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                r.put(names.get(i), value(types.get(i), row.get(names.get(i))));
            }
            out.add(r);
        }
        return out;
    }

    /** One value of a column of type {@code type}. */
    static Object value(String type, JsonElement v) {
        String t = bare(type);
        if (v == null || v.isJsonNull()) {
            return null;
        }
        if (t.startsWith("Array(")) {
            List<Object> list = new ArrayList<>();
            String inner = t.substring("Array(".length(), t.length() - 1);
            for (JsonElement e : (JsonArray) v) {
                list.add(value(inner, e));
            }
            return list;
        }
        if (t.startsWith("DateTime")) {
            return LocalDateTime.parse(v.getAsString(), TIME).toInstant(ZoneOffset.UTC);
        }
        if (t.matches("U?Int(8|16|32|64)")) {
            return Long.parseLong(v.getAsString());
        }
        if (t.startsWith("Float") || t.startsWith("Decimal")) {
            return v.getAsDouble();
        }
        if (v.isJsonPrimitive()) {
            return v.getAsString();
        }
        return v.toString();
    }

    /** The type without Nullable(...) and LowCardinality(...) around it. */
    static String bare(String type) {
        String t = type;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String w : new String[] {"Nullable(", "LowCardinality("}) {
                if (t.startsWith(w) && t.endsWith(")")) {
                    t = t.substring(w.length(), t.length() - 1);
                    changed = true;
                }
            }
        }
        return t;
    }
}
