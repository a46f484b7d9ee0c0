package org.otlpanalytics.operators.edges;

/**
 * What kind of call an edge stands for; the label mirrors the OpenTelemetry Collector's
 * servicegraph {@code connection_type} (empty there for plain requests, {@code request} here).
 */
public enum ConnectionType {
    /** Synchronous HTTP/RPC call, CLIENT to SERVER. */
    REQUEST((byte) 0, "request"),
    /** Message through a broker, PRODUCER to CONSUMER (or either side naming a messaging system). */
    MESSAGING((byte) 1, "messaging_system"),
    /** Call from a CLIENT span that names a database system. */
    DATABASE((byte) 2, "database");

    private final byte code;
    private final String label;

    ConnectionType(byte code, String label) {
        this.code = code;
        this.label = label;
    }

    /** Stable number written into state; never reuse or renumber a code. */
    public byte code() {
        return code;
    }

    /** Text for sinks and dashboards. */
    public String label() {
        return label;
    }

    public static ConnectionType fromCode(int code) {
        switch (code) {
            case 0:
                return REQUEST;
            case 1:
                return MESSAGING;
            case 2:
                return DATABASE;
            default:
                throw new IllegalArgumentException("unknown connection type code " + code);
        }
    }
}
