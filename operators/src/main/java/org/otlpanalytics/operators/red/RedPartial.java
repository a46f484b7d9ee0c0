package org.otlpanalytics.operators.red;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * A partial RED aggregate of one series in one minute, built next to the source by
 * {@link RedPreAggregator} and merged by {@link RedAggregator}: the shuffle carries these instead
 * of every span. The accumulator travels serialized (a Flink POJO with a byte[]), and merging is
 * exact and order-independent, so pre-aggregation does not change any result.
 */
public class RedPartial {
    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    public long bucketStartMillis;
    public String operation;
    public int kind;
    public int status;
    /** Serialized {@link RedAccumulator} followed by the {@link KafkaRange}. */
    public byte[] state;

    public RedPartial() {}

    public String serviceKey() {
        return org.otlpanalytics.operators.common.CompositeKey.of(tenant, serviceUrn);
    }

    void setState(RedAccumulator acc, KafkaRange range) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bo);
            acc.write(out);
            range.write(out);
            out.flush();
            state = bo.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the accumulator and range back; returns {accumulator, range}. */
    Object[] readState() {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
            RedAccumulator acc = RedAccumulator.read(in);
            KafkaRange range = KafkaRange.read(in);
            return new Object[] {acc, range};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "RedPartial{" + serviceUrn + " " + bucketStartMillis + " " + operation + " " + kind + "/" + status + "}";
    }
}
