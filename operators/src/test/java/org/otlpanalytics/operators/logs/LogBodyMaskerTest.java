package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.WINDOW0;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.add;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.fingerprinted;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.harness;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.log;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.partials;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.patterns;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.text;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Masking before the shuffle changes no output: the fingerprinter fed records masked by
 * {@link LogBodyMasker} (and sent through the shuffle's serializer) emits the very partials, dictionary
 * rows and fingerprinted records of one that masks them itself, with late records, a restore in the
 * middle (the buffered records lose their tokens and are masked again) and templates that change with
 * the order of their messages, on both state backends.
 */
class LogBodyMaskerTest {
    private static final long LATENESS = LogPatternOptions.defaults().allowedLatenessMillis();

    @Test
    void setsTheMaskersTokensAndKeepsTokensAlreadySet() {
        LogBodyMasker masker = new LogBodyMasker(LogMasker.defaults());
        LogRecordFlat r = log("svc", WINDOW0, 0, 1, 9, "Connection closed by 10.0.0.7 port 51234");
        assertThat(masker.map(r).bodyTokens).containsExactly("Connection", "closed", "by", "<*>", "port", "<*>");
        String[] set = {"already"};
        r.bodyTokens = set;
        assertThat(masker.map(r).bodyTokens).isSameAs(set);
        LogRecordFlat empty = log("svc", WINDOW0, 0, 2, 9, null);
        assertThat(masker.map(empty).bodyTokens).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void fingerprinterEmitsTheSameWithTokensMaskedBeforeTheShuffle(StateBackends backend) throws Exception {
        LogPatternOptions o = LogPatternOptions.builder().fingerprintedLogs(true).build();
        List<LogRecordFlat> records = records();
        List<String> itself = run(o, backend, records, false);
        List<String> before = run(o, backend, records, true);
        assertThat(before).isEqualTo(itself);
        assertThat(itself).as("patterns created and merged, late records matched")
                .anyMatch(s -> s.startsWith("pattern")).anyMatch(s -> s.startsWith("record"));
        assertThat(itself.stream().filter(s -> s.startsWith("record")).count()).as("every record, the late ones too").isEqualTo(records.size() + 200);
    }

    /** Service logs of 4 services over 40 s, each stream's seconds mined in turn; then late ones. */
    private static List<LogRecordFlat> records() {
        List<SyntheticServiceLogs.Line> lines = SyntheticServiceLogs.generate(SyntheticServiceLogs.generatedServices(31, 4), 500, 7);
        List<LogRecordFlat> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            SyntheticServiceLogs.Line l = lines.get(i);
            out.add(log(l.service(), WINDOW0 + 1_000 + (i % 1_000) * 40L, i % 3, i, i % 11 == 0 ? 17 : 9, l.body()));
        }
        return out;
    }

    private static List<String> run(LogPatternOptions o, StateBackends backend, List<LogRecordFlat> records, boolean maskBefore)
            throws Exception {
        LogBodyMasker masker = new LogBodyMasker(o.masker());
        TypeSerializer<LogRecordFlat> wire = LogRecordFlatSerializer.TYPE.createSerializer(new SerializerConfigImpl());
        KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h = harness(o, backend, null);
        List<String> out = new ArrayList<>();
        int half = records.size() / 2;
        for (int i = 0; i < records.size(); i++) {
            LogRecordFlat r = records.get(i);
            LogRecordFlat in = maskBefore ? shuffled(wire, masker.map(copy(r))) : copy(r);
            assertThat(in.bodyTokens == null).isEqualTo(!maskBefore);
            add(h, in);
            if (i == half) {
                h.processWatermark(new Watermark(r.timeMillis() - 5_000));
                OperatorSubtaskState snap = h.snapshot(1, 1);
                collect(h, out);
                h.close();
                h = harness(o, backend, snap);
            }
        }
        h.processWatermark(new Watermark(WINDOW0 + 60_000));
        // late: their seconds are mined; matched read-only at the end of their window's lateness
        for (int i = 0; i < 200; i++) {
            LogRecordFlat r = copy(records.get(i * 7));
            r.kafkaOffset += 100_000;
            add(h, maskBefore ? shuffled(wire, masker.map(r)) : r);
        }
        h.processWatermark(new Watermark(WINDOW0 + LogPatternOptions.WINDOW_MILLIS + LATENESS + 1));
        collect(h, out);
        h.close();
        out.sort(null);
        return out;
    }

    private static void collect(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h, List<String> out) {
        partials(h).forEach(p -> out.add("partial " + text(p)));
        patterns(h).forEach(p -> out.add("pattern " + text(p)));
        fingerprinted(h).forEach(f -> out.add("record " + f.fingerprintId + " " + f.record.kafkaOffset + " " + f.record.body));
    }

    private static LogRecordFlat copy(LogRecordFlat r) {
        return new LogRecordFlatSerializer().copy(r);
    }

    private static LogRecordFlat shuffled(TypeSerializer<LogRecordFlat> wire, LogRecordFlat r) throws Exception {
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        wire.serialize(r, bytes);
        return wire.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
    }
}
