package org.otlpanalytics.operators.incidents;

import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.edges.ServiceCallRow;
import org.otlpanalytics.operators.logs.LogPatternWindowRow;
import org.otlpanalytics.operators.metrics.UseRow;
import org.otlpanalytics.operators.red.RedRow;

/**
 * What the incident detector reads, from the rows the pipelines already compute, in a compact
 * form keyed by the resource they are about: a SERVER/CONSUMER {@code red_1m} row of a service
 * (its traffic, errors and latency), a {@code service_call_5m} row of an edge (keyed by its
 * caller), a {@code log_pattern_5m} row (keyed by its service) and a {@code use_1m} row (keyed by
 * its resource). A Flink POJO.
 */
public class DetectorInput {
    public static final int RED = 1;
    public static final int CALL = 2;
    public static final int PATTERN = 3;
    public static final int USE = 4;

    public int type;
    public String tenant;
    public String resourceUrn;
    public String resourceName;
    /** Start of the row's window (1 min for RED and USE, 5 min for calls and patterns). */
    public long windowStart;
    public long calls;
    public long errors;
    /** RED: the row's series; CALL: the callee. */
    public String operation;
    public String spanKind;
    public String status;
    public byte[] kll;
    public String peerUrn;
    public String peerName;
    public double p95Ms = Double.NaN;
    public long fingerprintId;
    public double utilization = Double.NaN;
    public double saturation = Double.NaN;
    public KafkaRange range;

    public DetectorInput() {}

    /** The key of the resource the input is about. */
    public static String key(DetectorInput in) {
        return CompositeKey.of(in.tenant, in.resourceUrn);
    }

    /** A RED row as input, or null when it is not a SERVER or CONSUMER row (those are the service's own requests). */
    public static DetectorInput ofRed(RedRow r) {
        if (!"SERVER".equals(r.spanKind) && !"CONSUMER".equals(r.spanKind)) {
            return null;
        }
        DetectorInput in = new DetectorInput();
        in.type = RED;
        in.tenant = r.tenant;
        in.resourceUrn = r.serviceUrn;
        in.resourceName = r.serviceName;
        in.windowStart = r.bucketStartMillis;
        in.calls = r.calls;
        in.errors = r.errors;
        in.operation = r.operation;
        in.spanKind = r.spanKind;
        in.status = r.status;
        in.kll = r.kll;
        in.p95Ms = r.p95Ms;
        in.range = r.range;
        return in;
    }

    /** An edge row as input to its caller's detector, or null when the caller is not a service. */
    public static DetectorInput ofCall(ServiceCallRow r) {
        if (r.callerVirtual) {
            return null;
        }
        DetectorInput in = new DetectorInput();
        in.type = CALL;
        in.tenant = r.tenant;
        in.resourceUrn = r.callerUrn;
        in.resourceName = r.callerName;
        in.windowStart = r.bucketStartMillis;
        in.calls = r.calls;
        in.errors = r.errors;
        in.peerUrn = r.calleeUrn;
        in.peerName = r.calleeName;
        in.p95Ms = r.p95Ms;
        return in;
    }

    public static DetectorInput ofPattern(LogPatternWindowRow r) {
        DetectorInput in = new DetectorInput();
        in.type = PATTERN;
        in.tenant = r.tenant;
        in.resourceUrn = r.serviceUrn;
        in.resourceName = r.serviceName;
        in.windowStart = r.windowStartMillis;
        in.calls = r.countTotal;
        in.errors = r.countError;
        in.fingerprintId = r.fingerprintId;
        return in;
    }

    public static DetectorInput ofUse(UseRow r) {
        DetectorInput in = new DetectorInput();
        in.type = USE;
        in.tenant = r.tenant;
        in.resourceUrn = r.resourceUrn;
        in.resourceName = r.resourceUrn;
        in.windowStart = r.bucketStartMillis;
        in.utilization = r.utilization == null ? Double.NaN : r.utilization;
        in.saturation = r.saturation == null ? Double.NaN : r.saturation;
        return in;
    }
}
