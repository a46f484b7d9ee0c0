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

    /** This type's bit in a set of types ({@link #labels(int)}). */
    public int bit() {
        return 1 << code;
    }

    /**
     * The labels of a set of types, in code order, joined by {@code ,}: the same text for the
     * same set whatever order the edges came in.
     */
    public static String labels(int mask) {
        StringBuilder sb = new StringBuilder();
        for (ConnectionType t : values()) {
            if ((mask & t.bit()) != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(t.label);
            }
        }
        return sb.toString();
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
