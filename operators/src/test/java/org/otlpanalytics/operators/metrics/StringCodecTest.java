package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StringCodecTest {
    /** Strings as the points of a batch write them: per slot, mostly the same object again, sometimes an equal copy or null. */
    static List<String[]> fields() {
        List<String[]> points = new ArrayList<>();
        String tenant = "acme";
        String host = "urn:host:node-1";
        for (int i = 0; i < 40; i++) {
            String name = i % 3 == 0 ? "system.cpu.time" : new String("system.memory.usage"); // a fresh but equal object too
            String svc = i % 5 == 0 ? null : "checkout";
            String resource = i == 20 ? new String(host) : host;
            points.add(new String[] {tenant, svc, "shop", "urn:svc:shop/checkout", "node-1", resource, name, i % 7 == 0 ? "s" : "By"});
        }
        return points;
    }

    @Test
    void writingBySlotGivesTheBytesOfPlainTableWritesAndReadsBack() throws Exception {
        DataOutputSerializer bySlot = new DataOutputSerializer(256);
        DataOutputSerializer plain = new DataOutputSerializer(256);
        StringCodec a = StringCodec.table();
        StringCodec b = StringCodec.table();
        for (String[] f : fields()) {
            for (int slot = 0; slot < f.length; slot++) {
                a.writeNullable(bySlot, f[slot], slot);
                b.writeNullable(plain, f[slot]);
            }
        }
        assertThat(bySlot.getCopyOfBuffer()).isEqualTo(plain.getCopyOfBuffer());
        DataInputDeserializer in = new DataInputDeserializer(bySlot.getCopyOfBuffer());
        StringCodec r = StringCodec.table();
        for (String[] f : fields()) {
            for (String s : f) {
                assertThat(r.readNullable(in)).isEqualTo(s);
            }
        }
        assertThat(in.available()).isZero();
    }
}
