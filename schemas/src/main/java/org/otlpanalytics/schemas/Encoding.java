package org.otlpanalytics.schemas;

import java.util.Locale;

/** Kafka value encodings accepted, named as the Collector's Kafka exporter names them. */
public enum Encoding {
    OTLP_PROTO,
    OTLP_JSON;

    public static Encoding parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "otlp_proto":
            case "proto":
                return OTLP_PROTO;
            case "otlp_json":
            case "json":
                return OTLP_JSON;
            default:
                throw new IllegalArgumentException("unknown encoding '" + s + "' (expected otlp_proto or otlp_json)");
        }
    }
}
