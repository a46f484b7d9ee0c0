package org.otlpanalytics.operators.topology;

/**
 * One row of {@code topo_edge_time}: a validity interval of a directed edge. Open rows
 * ({@link #open}) are {@code [validFrom, ∞)}, closed rows {@code [validFrom, validTo]} with
 * {@code validTo} the last call. The row's identity is (tenant, caller, callee, relation,
 * validFrom), so closing an interval rewrites its open row.
 */
public class TopoEdgeRow {
    /** The relation of a service-call edge, as the live graph's {@code CALLS} label. */
    public static final String RELATION_CALLS = "calls";

    public String tenant;
    public String callerUrn;
    public String callerName;
    public boolean callerVirtual;
    public String calleeUrn;
    public String calleeName;
    public boolean calleeVirtual;
    public String relation;
    /** {@code ConnectionType.labels} of the calls in the interval (so far, while open). */
    public String connectionType;
    public long validFromMillis;
    /** The last call, inclusive; meaningless while {@link #open}. */
    public long validToMillis;
    public boolean open;

    public TopoEdgeRow() {}

    @Override
    public String toString() {
        return "TopoEdgeRow{" + tenant + " " + callerName + " -> " + calleeName + " " + relation + " [" + validFromMillis
                + "," + (open ? "" : Long.toString(validToMillis)) + (open ? ")" : "]") + "}";
    }
}
