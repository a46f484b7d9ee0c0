package org.otlpanalytics.operators.topology;

/**
 * A change of the live graph: an edge called within the last live window, with its properties
 * at {@link #asOfMillis}, or ({@link #removed}) an edge that has been idle longer than the
 * window and leaves the graph. Sinks MERGE it into AGE or upsert it into {@code live_edge}.
 */
public class LiveEdge {
    public String tenant;
    public String callerUrn;
    public String callerName;
    public boolean callerVirtual;
    public String calleeUrn;
    public String calleeName;
    public boolean calleeVirtual;
    public boolean removed;
    /** The refresh boundary (event time) these properties are as of. */
    public long asOfMillis;
    public String connectionType;
    /** First call of the edge's current stay in the live graph. */
    public long firstSeenMillis;
    public long lastSeenMillis;
    public long calls;
    public long errors;
    public double rps;
    public double errRate;
    public double p95Ms;

    public LiveEdge() {}

    @Override
    public String toString() {
        return "LiveEdge{" + tenant + " " + callerName + " -> " + calleeName + (removed ? " removed" : " calls=" + calls
                + " rps=" + rps + " err=" + errRate + " p95=" + p95Ms) + " @" + asOfMillis + "}";
    }
}
