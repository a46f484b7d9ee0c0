package org.otlpanalytics.operators.metrics;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/** Type information that makes Flink use {@link MetricPointSerializer} for {@link MetricPoint} streams and state. */
public final class MetricPointTypeInfo extends TypeInformation<MetricPoint> {
    private static final long serialVersionUID = 1L;
    public static final MetricPointTypeInfo INSTANCE = new MetricPointTypeInfo();

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
    public Class<MetricPoint> getTypeClass() {
        return MetricPoint.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<MetricPoint> createSerializer(SerializerConfig config) {
        return new MetricPointSerializer();
    }

    @Override
    public String toString() {
        return "MetricPoint";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricPointTypeInfo;
    }

    @Override
    public int hashCode() {
        return MetricPointTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof MetricPointTypeInfo;
    }
}
