package org.otlpanalytics.operators.metrics;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information that makes Flink use {@link MetricBatchSerializer} for {@link MetricBatch} streams. */
public final class MetricBatchTypeInfo extends TypeInformation<MetricBatch> {
    private static final long serialVersionUID = 1L;
    public static final MetricBatchTypeInfo INSTANCE = new MetricBatchTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<MetricBatch> getTypeClass() {
        return MetricBatch.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<MetricBatch> createSerializer(SerializerConfig config) {
        return new MetricBatchSerializer();
    }

    @Override
    public String toString() {
        return "MetricBatch";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricBatchTypeInfo;
    }

    @Override
    public int hashCode() {
        return MetricBatchTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof MetricBatchTypeInfo;
    }
}
