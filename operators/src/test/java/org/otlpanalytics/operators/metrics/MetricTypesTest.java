package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.schemas.metrics.LabelsHash;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/** What flows through Flink is a POJO without Kryo fields; the labels hash is standard MurmurHash3. */
class MetricTypesTest {
    @Test
    void recordsAreFlinkPojosWithoutGenericFields() {
        for (Class<?> c : new Class<?>[] {MetricPoint.class, MetricRow.class, UseRow.class}) {
            TypeInformation<?> info = TypeExtractor.createTypeInfo(c);
            assertThat(info).as(c.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            SerializerConfigImpl config = new SerializerConfigImpl();
            config.setGenericTypes(false);
            assertThat(info.createSerializer(config)).isNotNull(); // throws on a generic field
        }
    }

    @Test
    void labelsHashIsDataSketchesMurmurHash3WithTheProjectSeed() {
        StringBuilder v = new StringBuilder();
        for (int len = 0; len < 40; len++) { // every tail length of the 16-byte blocks
            String[] keys = {"k"};
            String[] values = {v.toString()};
            byte[] bytes = LabelsHash.canonical(keys, values).getBytes(StandardCharsets.UTF_8);
            assertThat(LabelsHash.of(keys, values)).isEqualTo(MurmurHash3.hash(bytes, LabelsHash.SEED)[0]);
            assertThat(LabelsHash.of(keys, values)).isEqualTo(StableHash.of(LabelsHash.canonical(keys, values)));
            v.append((char) ('a' + len % 26));
        }
        assertThat(LabelsHash.SEED).isEqualTo(StableHash.SEED);
        // DataSketches refuses empty input; the empty attribute set still has a fixed hash
        String[] none = new String[0];
        assertThat(LabelsHash.of(none, none)).isEqualTo(LabelsHash.of(new String[0], new String[0]));
        assertThat(LabelsHash.of(none, none)).isNotEqualTo(LabelsHash.of(new String[] {""}, new String[] {""}));
    }
}
