package org.otlpanalytics.operators.limits;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.SerializerTypeInfo;

/**
 * {@link TenantAdmission}'s decision for one minute, broadcast to every {@link TenantRecordLimiter}:
 * the admitted tenants (bottom-k by stable hash) and, per final tenant (the admitted ones and
 * {@code overflow}), the services it keeps (bottom-k over its services; the overflow tenant's over
 * the services of every tenant not admitted, and of the tenant {@code overflow} itself). After the
 * minute's end a mark admitted into room left in a set is sent as a delta holding only what was
 * added: the sets never shrink, so the receiver {@link #merge}s.
 */
public final class TenantDecision {
    public long minute;
    public AdmittedSlot tenants = new AdmittedSlot();
    /** final tenant -> the services it keeps. */
    public Map<String, AdmittedSlot> services = new TreeMap<>();

    public TenantDecision() {}

    public TenantDecision(long minute, AdmittedSlot tenants, Map<String, AdmittedSlot> services) {
        this.minute = minute;
        this.tenants = tenants;
        this.services = services;
    }

    /** Adds what {@code delta} (of the same minute) admitted. */
    public void merge(TenantDecision delta) {
        tenants.admitted.putAll(delta.tenants.admitted);
        for (Map.Entry<String, AdmittedSlot> e : delta.services.entrySet()) {
            services.computeIfAbsent(e.getKey(), t -> new AdmittedSlot()).admitted.putAll(e.getValue().admitted);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(minute).append(" tenants=").append(tenants.admitted.values());
        services.forEach((t, s) -> b.append(' ').append(t).append('=').append(s.admitted.values()));
        return b.toString();
    }

    public static final TypeInformation<TenantDecision> TYPE = new SerializerTypeInfo<>(TenantDecision.class, new Serializer());

    /**
     * Checkpoint form (broadcast state), version 1: version byte, minute, the tenants in
     * {@link AdmittedSlot}'s form, the number of final tenants, then per final tenant its name and services.
     */
    public static final class Serializer extends CodecSerializer<TenantDecision> {
        private static final long serialVersionUID = 1L;
        private static final int VERSION = 1;
        private static final AdmittedSlot.Serializer SLOT = new AdmittedSlot.Serializer();

        @Override
        public TenantDecision createInstance() {
            return new TenantDecision();
        }

        @Override
        protected void write(TenantDecision d, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeLong(d.minute);
            SLOT.serialize(d.tenants, out);
            out.writeInt(d.services.size());
            for (Map.Entry<String, AdmittedSlot> e : d.services.entrySet()) {
                StringValue.writeString(e.getKey(), out);
                SLOT.serialize(e.getValue(), out);
            }
        }

        @Override
        protected TenantDecision read(DataInputView in) throws IOException {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IOException("unknown TenantDecision state version " + version);
            }
            long minute = in.readLong();
            AdmittedSlot tenants = SLOT.deserialize(in);
            int n = in.readInt();
            if (n < 0 || n > 10_000_000) {
                throw new IOException("corrupt TenantDecision state: " + n + " tenants");
            }
            Map<String, AdmittedSlot> services = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                services.put(StringValue.readString(in), SLOT.deserialize(in));
            }
            return new TenantDecision(minute, tenants, services);
        }

        @Override
        public TypeSerializerSnapshot<TenantDecision> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Serializer snapshot; the format version is inside every value. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<TenantDecision> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
