package org.otlpanalytics.jobs.bench.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.junit.jupiter.api.Test;

class StateSizeTest {
    @Test
    void serializedBytesAreWhatTheSerializerWrites() {
        assertThat(StateSize.serializedBytes(LongSerializer.INSTANCE, 42L)).isEqualTo(8);
        // StringValue: length + 1 as a varint (1 byte), then one byte per ASCII char
        assertThat(StateSize.serializedBytes(StringSerializer.INSTANCE, "abc")).isEqualTo(4);
        // 4-byte length, then the bytes
        assertThat(StateSize.serializedBytes(BytePrimitiveArraySerializer.INSTANCE, new byte[1000])).isEqualTo(1004);
    }

    @Test
    void heapBytesFollowTheObjectLayout() {
        // 64-bit JVM with compressed class pointers (the default): 16-byte array header
        assertThat(StateSize.heapBytes(new long[1000])).isEqualTo(16 + 8 * 1000);
        assertThat(StateSize.heapBytes(new byte[1])).isEqualTo(24); // 17 bytes padded to 8
    }

    @Test
    void sharedObjectsAreCountedOnce() {
        long[] shared = new long[100];
        Object[] a = {shared};
        Object[] b = {shared};
        // (cast: an Object[] alone would be taken as the list of roots itself)
        long arrays = StateSize.heapBytes((Object) a);
        assertThat(arrays).isEqualTo(24 + 16 + 8 * 100);
        assertThat(StateSize.heapBytes(a, b)).isEqualTo(arrays + 24);
        assertThat(StateSize.heapBytes(shared, shared)).isEqualTo(StateSize.heapBytes(shared));
    }

    @Test
    void heapAfterGcSeesWhatIsRetained() {
        long bytes = RetainedHeap.medianBytes(() -> new long[4_000_000], 3);
        assertThat((double) bytes).isCloseTo(32_000_016, within(32_000_016 * 0.05));
    }

    @Test
    void rocksDbUpdateReadsAndWritesTheWholeValue() {
        RocksDbUpdateCost.Cost small = RocksDbUpdateCost.readModifyWrite(BytePrimitiveArraySerializer.INSTANCE, new byte[100], 8);
        RocksDbUpdateCost.Cost large = RocksDbUpdateCost.readModifyWrite(BytePrimitiveArraySerializer.INSTANCE, new byte[10_000], 8);
        // a get returns the stored value: 4-byte length + the bytes
        assertThat(small.bytesRead()).isEqualTo(104.0);
        assertThat(large.bytesRead()).isEqualTo(10_004.0);
        // a put writes key and value, and a few bytes of framing (value length as a varint: 1 byte for 104, 2 for 10,004)
        assertThat(large.bytesWritten() - small.bytesWritten()).isEqualTo(9_900.0 + 1);
        assertThat(small.bytesWritten()).isGreaterThan(104.0 + 8).isLessThan(104.0 + 8 + 32);
        assertThat(small.micros()).isPositive();
        // a write-back alone reads nothing and writes the same bytes
        RocksDbUpdateCost.Cost put = RocksDbUpdateCost.write(BytePrimitiveArraySerializer.INSTANCE, new byte[100], 8);
        assertThat(put.bytesRead()).isZero();
        assertThat(put.bytesWritten()).isEqualTo(small.bytesWritten());
    }
}
