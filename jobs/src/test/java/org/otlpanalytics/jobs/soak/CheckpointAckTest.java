package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointAckTest {
    @Test
    void theSubtaskThatAcknowledgedLastSetsTheCheckpointAndEverySubtasksInFlightBytesAreSummed() {
        CheckpointAck last = CheckpointAck.last(List.of(
                new CheckpointAck.Subtask("logs-source+logs-decode", 900, 0, 0, 40, 300, 0, false),
                new CheckpointAck.Subtask("log-fingerprint", 21_000, 18_500, 1_200, 300, 700, 5_000, true),
                new CheckpointAck.Subtask("red-window", 21_000, 1, 1, 1, 1, 2_000, false),
                new CheckpointAck.Subtask("edges-pair", 4_000, 3_000, 0, 10, 20, 0, false)));
        assertThat(last.task()).isEqualTo("log-fingerprint");
        assertThat(last.endToEndMs()).isEqualTo(21_000);
        assertThat(last.startDelayMs()).isEqualTo(18_500);
        assertThat(last.otherMs()).isEqualTo(21_000 - 18_500 - 1_200 - 300 - 700);
        assertThat(last.persistedBytes()).isEqualTo(7_000);
        assertThat(last.unaligned()).isTrue();
        assertThat(last.latestStartTask()).isEqualTo("log-fingerprint");
        assertThat(last.latestStartDelayMs()).isEqualTo(18_500);
        assertThat(CheckpointAck.last(List.of())).isNull();
    }

    @Test
    void itsProbeFieldsReadBackAsTheSameAcknowledgementAndALineWithoutThemHasNone() {
        CheckpointAck a = new CheckpointAck("log-tenant-resource-limit+log-fingerprint", 12_345, 10_000, 5, 6, 7, 1 << 20, true,
                "metrics-source+metrics-preaggregate", 10_500);
        ProbeLine line = ProbeLine.parse(new ProbeLine("checkpoint", a.probeValues()).format());
        assertThat(CheckpointAck.parse(line)).isEqualTo(a);
        assertThat(a.describe()).contains("log-tenant-resource-limit+log-fingerprint").contains("start delay 10000")
                .contains("other " + (12_345 - 10_000 - 5 - 6 - 7)).contains("unaligned");
        assertThat(CheckpointAck.parse(ProbeLine.parse("soak-probe checkpoint id=3 duration_ms=10"))).isNull();
        // a start delay beyond the end-to-end time (clocks of two processes) leaves no negative remainder
        assertThat(new CheckpointAck("x", 10, 20, 0, 0, 0, 0, false, "x", 20).otherMs()).isZero();
    }

    @Test
    void theObserverKeepsTheNewestAndTheSlowestCheckpointsLastAcknowledgement() {
        SoakObserver obs = new SoakObserver(null); // checkpoints need no load
        assertThat(obs.slowestCheckpointAck()).isNull();
        CheckpointAck slow = new CheckpointAck("metric-1m", 21_000, 18_000, 0, 500, 2_000, 0, false, "metric-1m", 18_000);
        CheckpointAck quick = new CheckpointAck("edge-pairer", 1_500, 100, 200, 300, 400, 0, false, "edge-pairer", 100);
        for (CheckpointAck a : List.of(quick, slow, quick)) {
            java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
            v.put("id", "1");
            v.put("duration_ms", Long.toString(a.endToEndMs()));
            v.putAll(a.probeValues());
            obs.accept(ProbeLine.parse(new ProbeLine("checkpoint", v).format()));
        }
        assertThat(obs.slowestCheckpointAck()).isEqualTo(slow);
        assertThat(obs.lastCheckpointAck()).isEqualTo(quick);
        assertThat(obs.checkpointMillis()).containsExactly(1_500L, 21_000L, 1_500L);
    }

    @Test
    void aTaskThatEndedTheCheckpointAfterALongAlignmentPointsToTheSubtaskWhoseBarrierCameLatest() {
        CheckpointAck a = CheckpointAck.last(List.of(
                new CheckpointAck.Subtask("metrics-source", 300, 0, 0, 100, 200, 0, false),
                new CheckpointAck.Subtask("metric-tenant-resource-limit+metric-1m", 21_000, 19_500, 0, 900, 600, 0, false),
                new CheckpointAck.Subtask("incident-detector", 33_628, 205, 33_273, 135, 13, 0, false)));
        assertThat(a.task()).isEqualTo("incident-detector");
        assertThat(a.latestStartTask()).isEqualTo("metric-tenant-resource-limit+metric-1m");
        assertThat(a.latestStartDelayMs()).isEqualTo(19_500);
        assertThat(a.describe()).contains("latest first barrier 19500 ms at metric-tenant-resource-limit+metric-1m");
        assertThat(CheckpointAck.parse(ProbeLine.parse(new ProbeLine("checkpoint", a.probeValues()).format()))).isEqualTo(a);
    }
}
