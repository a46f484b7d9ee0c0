package org.otlpanalytics.schemas.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class MetricPointTest {
    @Test
    void isAFlinkPojoWithoutGenericFields() throws Exception {
        TypeInformation<MetricPoint> info = TypeExtractor.createTypeInfo(MetricPoint.class);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);

        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // throws below if any field would fall back to Kryo
        TypeSerializer<MetricPoint> serializer = info.createSerializer(config);

        MetricPoint p = new MetricPoint();
        p.name = "jvm.memory.used";
        p.type = MetricType.EXPONENTIAL_HISTOGRAM;
        p.temporality = Temporality.DELTA;
        p.attributeKeys = new String[] {"pool"};
        p.attributeValues = new String[] {"eden"};
        p.positiveBucketCounts = new long[] {1, 2};
        p.sum = 3.5;
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(p, out);
        MetricPoint back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back).usingRecursiveComparison().withComparatorForType(Double::compare, Double.class).isEqualTo(p);
        assertThat(back.min).isNaN();
    }

    @Test
    void labelsHashIsPinnedAndOrderIndependentOfTheCaller() {
        String[] k = {"cpu", "state"};
        String[] v = {"0", "idle"};

        assertThat(LabelsHash.canonical(k, v)).isEqualTo("3:cpu1:05:state4:idle");
        assertThat(LabelsHash.of(k, v)).isEqualTo(LabelsHash.of(k.clone(), v.clone()));
        assertThat(LabelsHash.of(new String[] {"a"}, new String[] {"bc"}))
                .isNotEqualTo(LabelsHash.of(new String[] {"ab"}, new String[] {"c"}));
    }

    @Test
    void seriesKeysOfDifferentPartsNeverCollide() {
        MetricPoint a = new MetricPoint();
        a.tenant = "t\u001furn:svc:x/y";
        a.resourceUrn = "n";
        a.name = "m";
        MetricPoint b = new MetricPoint();
        b.tenant = "t";
        b.resourceUrn = "urn:svc:x/y\u001fn";
        b.name = "m";
        assertThat(a.seriesKey()).isNotEqualTo(b.seriesKey());
    }
}
