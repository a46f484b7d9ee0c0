package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class LogMinerEntriesTest {
    private static final LogPatternOptions OPTIONS = LogPatternOptions.builder()
            .drain(DrainOptions.builder().maxClusters(40).build()).build();

    private static final List<String> DISTINCT = MinerStateBench.bodies(1_000);

    static List<BufferedLog> lines(int from, int to) {
        List<BufferedLog> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String body = switch (i % 5) {
                case 0 -> "user u" + (i % 7) + " logged in from 10.0.0." + (i % 9);
                case 1 -> "worker " + (i % 3) + " finished task " + i + " in " + (i * 7 % 100) + " ms";
                case 2 -> "stage s" + (i % 60) + " of job j" + (i % 50) + " complete";
                case 3 -> "cache miss for key k" + i;
                default -> DISTINCT.get(i); // a pattern of its own: more than the cap of 40
            };
            out.add(BufferedLog.of(FingerprinterHarness.log("svc", FingerprinterHarness.T0 + i, 0, i, i % 11 == 0 ? 17 : 9, body), false));
        }
        return out;
    }

    static byte[] whole(LogMinerState st) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        new LogMinerStateSerializer().serialize(st, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void readBackEqualsTheOneValueFormAndMinesOnIdentically() throws Exception {
        LogMinerState st = LogStateSample.mine(OPTIONS, "acme", "urn:svc:shop/svc", lines(0, 400));
        assertThat(st.tree().clustersEvicted()).as("the cap evicted clusters").isPositive();
        LogMinerEntries.Written w = LogMinerEntries.write(st);
        LogMinerState back = LogMinerEntries.read(w.index(), id -> w.entries().get(id));
        assertThat(whole(back)).isEqualTo(whole(st));
        assertThat(w.entries().keySet()).containsAll(st.patterns.keySet());

        // both continue with the same records: same clusters, ids, dictionary
        LogTemplateMiner a = new LogTemplateMiner(OPTIONS.masker(), st.tree);
        LogTemplateMiner b = new LogTemplateMiner(OPTIONS.masker(), back.tree);
        for (BufferedLog r : lines(400, 600)) {
            assertThat(b.mine(r.body()).fingerprintId()).isEqualTo(a.mine(r.body()).fingerprintId());
        }
        assertThat(whole(back)).isEqualTo(whole(st));
    }

    @Test
    void aMinedSecondChangesOnlyTheEntriesOfThePatternsItHit() throws Exception {
        LogMinerState st = LogStateSample.mine(LogPatternOptions.defaults(), "acme", "urn:svc:shop/svc", lines(0, 300));
        Map<Long, byte[]> before = LogMinerEntries.write(st).entries();
        LogTemplateMiner m = new LogTemplateMiner(LogPatternOptions.defaults().masker(), st.tree);
        long hit = m.mine("cache miss for key k999").fingerprintId();
        Map<Long, byte[]> after = LogMinerEntries.write(st).entries();
        List<Long> changed = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : after.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), before.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        }
        assertThat(changed).containsExactly(hit);
    }

    @Test
    void aMissingEntryIsAnErrorNotAnEmptyTree() throws Exception {
        LogMinerState st = LogStateSample.mine(OPTIONS, "acme", "urn:svc:shop/svc", lines(0, 50));
        LogMinerEntries.Written w = LogMinerEntries.write(st);
        long first = w.entries().keySet().iterator().next();
        assertThatThrownBy(() -> LogMinerEntries.read(w.index(), id -> id == first ? null : w.entries().get(id)))
                .isInstanceOf(IOException.class).hasMessageContaining("missing");
    }
}
