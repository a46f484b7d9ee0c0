package org.otlpanalytics.schemas;

import java.io.Serializable;
import java.util.List;

/** Decodes one Kafka message value into flat records, all or nothing. */
public interface OtlpDecoder<T> extends Serializable {
    /**
     * Appends the records of one message to {@code out}; on failure appends nothing and throws
     * a {@link DecodeException} whose message is the dead-letter reason.
     */
    int decode(byte[] value, int partition, long offset, List<T> out) throws DecodeException;

    /** Event time of a record, in epoch milliseconds. */
    long eventTimeMillis(T record);

    /**
     * Attributes this decoder has left out of its records so far, past a per-record bound (the
     * records themselves are kept); never reset. Decoders without such a bound return 0.
     */
    default long attributesDropped() {
        return 0;
    }
}
