package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinerStateBenchTest {
    @Test
    void everyStatementOfTheBenchmarkIsItsOwnPattern() {
        for (int patterns : new int[] {100, 1_000}) {
            List<BufferedLog> lines = new ArrayList<>();
            long offset = 0;
            for (int round = 0; round < 2; round++) {
                for (String body : MinerStateBench.bodies(patterns)) {
                    lines.add(BufferedLog.of(FingerprinterHarness.log("svc", FingerprinterHarness.T0, 0, offset++, 9, body), false));
                }
            }
            LogMinerState st = LogStateSample.mine(LogPatternOptions.defaults(), "acme", "urn:svc:shop/svc", lines);
            assertThat(st.tree().clusterCount()).as("patterns").isEqualTo(patterns);
        }
    }
}
