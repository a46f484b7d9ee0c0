package org.otlpanalytics.operators.edges;

import java.util.Objects;

/**
 * The identity of a service-call edge as {@code service_call_5m} keys it: tenant, caller URN and
 * callee URN. A Flink POJO (public fields, no-arg constructor, value equality) so that the
 * 5-minute aggregation can {@code keyBy} it.
 */
public class EdgeKey {
    public String tenant;
    public String callerUrn;
    public String calleeUrn;

    public EdgeKey() {}

    public EdgeKey(String tenant, String callerUrn, String calleeUrn) {
        this.tenant = tenant;
        this.callerUrn = callerUrn;
        this.calleeUrn = calleeUrn;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EdgeKey)) {
            return false;
        }
        EdgeKey k = (EdgeKey) o;
        return Objects.equals(tenant, k.tenant)
                && Objects.equals(callerUrn, k.callerUrn)
                && Objects.equals(calleeUrn, k.calleeUrn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, callerUrn, calleeUrn);
    }

    @Override
    public String toString() {
        return "EdgeKey{" + tenant + " " + callerUrn + " -> " + calleeUrn + "}";
    }
}
