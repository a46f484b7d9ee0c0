package org.otlpanalytics.operators.incidents;

/**
 * One piece of evidence of an incident ({@code evidence_link}), keyed by (event, dim, ref):
 * {@code red_1m} (ref: {@code <minute>|<operation>|<kind>|<status>} of a row that crossed),
 * {@code kafka_locator} (ref: the locator id of that minute's Kafka range, the way back to the
 * raw spans), {@code log_pattern} (ref: a fingerprint whose error count rose in the incident's
 * windows) and {@code downstream_edge} (ref {@code most_changed}: the callee whose latency or
 * errors changed most, with the numbers in {@link #detail}). A Flink POJO.
 */
public class EvidenceRow {
    public long eventId;
    public String tenant;
    public String dim;
    public String ref;
    public String detail;
    public double score;

    public EvidenceRow() {}

    static EvidenceRow of(long eventId, String tenant, String dim, String ref, String detail, double score) {
        EvidenceRow e = new EvidenceRow();
        e.eventId = eventId;
        e.tenant = tenant;
        e.dim = dim;
        e.ref = ref;
        e.detail = detail;
        e.score = score;
        return e;
    }

    @Override
    public String toString() {
        return "EvidenceRow{" + eventId + " " + dim + " " + ref + " " + detail + "}";
    }
}
