package org.otlpanalytics.operators.incidents;

/**
 * One incident ({@code event_envelope}): an upsert keyed by its deterministic {@link #eventId},
 * written when it opens, when its worst step gets worse, and when it closes. A Flink POJO.
 */
public class IncidentRow {
    public long eventId;
    public String tenant;
    public String resourceUrn;
    public String resourceName;
    /** service, edge or resource. */
    public String kind;
    /** rate, errors, latency, utilization, saturation. */
    public String signal;
    /** warning or critical. */
    public String severity;
    public String title;
    public String summary;
    /** For an edge incident, the callee. */
    public String peerUrn;
    public String peerName;
    public long openedMillis;
    /** Null while the incident is open. */
    public Long closedMillis;
    public double baseline;
    public double observed;
    public double deviations;

    public IncidentRow() {}

    @Override
    public String toString() {
        return "IncidentRow{" + kind + " " + resourceUrn + (peerUrn == null ? "" : "->" + peerUrn) + " " + signal + " "
                + severity + " opened=" + openedMillis + " closed=" + closedMillis + " " + summary + "}";
    }
}
