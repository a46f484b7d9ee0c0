package org.otlpanalytics.operators.limits;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.SerializerTypeInfo;

/**
 * That a tenant had records in a minute, and one of its services (null when the record's service
 * is the overflow service, or services are not limited): what {@link TenantMarker} sends to
 * {@link TenantAdmission} instead of the record. Transient: never kept in state.
 */
public final class TenantMark {
    public long minute;
    public String tenant;
    public String service;

    public TenantMark() {}

    public TenantMark(long minute, String tenant, String service) {
        this.minute = minute;
        this.tenant = tenant;
        this.service = service;
    }

    @Override
    public String toString() {
        return minute + " " + tenant + " " + service;
    }

    public static final TypeInformation<TenantMark> TYPE = new SerializerTypeInfo<>(TenantMark.class, new Serializer());

    /** Wire form: minute, tenant, then whether a service follows and the service. */
    public static final class Serializer extends CodecSerializer<TenantMark> {
        private static final long serialVersionUID = 1L;

        @Override
        public TenantMark createInstance() {
            return new TenantMark();
        }

        @Override
        protected void write(TenantMark m, DataOutputView out) throws IOException {
            out.writeLong(m.minute);
            StringValue.writeString(m.tenant, out);
            out.writeBoolean(m.service != null);
            if (m.service != null) {
                StringValue.writeString(m.service, out);
            }
        }

        @Override
        protected TenantMark read(DataInputView in) throws IOException {
            TenantMark m = new TenantMark();
            m.minute = in.readLong();
            m.tenant = StringValue.readString(in);
            m.service = in.readBoolean() ? StringValue.readString(in) : null;
            return m;
        }

        @Override
        public TypeSerializerSnapshot<TenantMark> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Serializer snapshot (the marks are never in state; kept for the type system). */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<TenantMark> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
