package org.otlpanalytics.operators.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The detector's state per resource is bounded: days of minutes with churning callees and log
 * patterns (far more than the caps) leave a checkpoint no larger than after the first hours.
 */
class IncidentDetectorStateBoundTest {
    static final long MIN = 60_000L;

    static DetectorInput red(long minute, String op, long calls, double p95, SplittableRandom r) {
        DetectorInput in = new DetectorInput();
        in.type = DetectorInput.RED;
        in.tenant = "t";
        in.resourceUrn = "urn:svc:shop/frontend";
        in.resourceName = "frontend";
        in.windowStart = minute * MIN;
        in.calls = calls;
        in.errors = r.nextInt(2);
        in.operation = op;
        in.spanKind = "SERVER";
        in.status = "UNSET";
        in.p95Ms = p95;
        return in;
    }

    static DetectorInput call(long bucket, int callee, SplittableRandom r) {
        DetectorInput in = new DetectorInput();
        in.type = DetectorInput.CALL;
        in.tenant = "t";
        in.resourceUrn = "urn:svc:shop/frontend";
        in.resourceName = "frontend";
        in.windowStart = bucket * MIN;
        in.calls = 100 + r.nextInt(10);
        in.errors = r.nextInt(2);
        in.peerUrn = "urn:svc:shop/callee-" + callee;
        in.peerName = "callee-" + callee;
        in.p95Ms = 10 + r.nextDouble();
        return in;
    }

    static DetectorInput pattern(long bucket, long fingerprint, SplittableRandom r) {
        DetectorInput in = new DetectorInput();
        in.type = DetectorInput.PATTERN;
        in.tenant = "t";
        in.resourceUrn = "urn:svc:shop/frontend";
        in.resourceName = "frontend";
        in.windowStart = bucket * MIN;
        in.calls = 50;
        in.errors = r.nextInt(3);
        in.fingerprintId = fingerprint;
        return in;
    }

    @Test
    void checkpointPerResourceStopsGrowingWhileMinutesCalleesAndPatternsChurn() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, DetectorInput, IncidentRow>(
                new KeyedProcessOperator<>(new IncidentDetector(DetectorOptions.defaults(), 0, "otlp_spans")),
                DetectorInput::key, Types.STRING);
        h.open();
        SplittableRandom r = new SplittableRandom(7);
        long[] sizes = new long[3];
        int checkpoint = 0;
        long minutes = 3 * 24 * 60;
        for (long m = 0; m < minutes; m++) {
            for (int op = 0; op < 5; op++) {
                h.processElement(new StreamRecord<>(red(m, "op-" + op, 200 + r.nextInt(20), 20 + r.nextDouble(), r), m * MIN));
            }
            if (m % 5 == 0) {
                for (int c = 0; c < 4; c++) { // a new callee every 5 minutes: thousands over the run, cap 64
                    h.processElement(new StreamRecord<>(call(m, (int) (m / 5) + c, r), m * MIN));
                }
                for (int p = 0; p < 8; p++) { // new patterns every window: far beyond the cap of 1024
                    h.processElement(new StreamRecord<>(pattern(m, m * 10 + p, r), m * MIN));
                }
            }
            h.processWatermark(new Watermark(m * MIN + MIN - 1));
            if ((m + 1) % (24 * 60) == 0) {
                OperatorSubtaskState s = h.snapshot(m, m);
                sizes[checkpoint++] = s.getStateSize();
                System.out.printf("detector state after %d days: %d bytes for one resource%n", checkpoint, s.getStateSize());
            }
        }
        h.close();
        assertThat(sizes[0]).isPositive();
        // day 1 already fills the caps (1,152 patterns, 288 callees); days 2 and 3 must not add to it
        assertThat(sizes[2]).as("state after 3 days vs after 1 day").isLessThanOrEqualTo(sizes[0] + sizes[0] / 10);
        assertThat(sizes[1]).as("state after 2 days vs after 1 day").isLessThanOrEqualTo(sizes[0] + sizes[0] / 10);
    }
}
