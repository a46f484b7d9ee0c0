package org.otlpanalytics.schemas.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes a {@link DeadLetter} to the dead-letter topic: the original key and bytes unchanged (the
 * first {@link DeadLetter#MAX_VALUE_BYTES} of a longer value, its length in
 * {@value #HEADER_VALUE_BYTES}), and headers naming the reason and the original topic, partition
 * and offset.
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    public static final String HEADER_REASON = "otlp.error.reason";
    public static final String HEADER_TOPIC = "otlp.source.topic";
    public static final String HEADER_PARTITION = "otlp.source.partition";
    public static final String HEADER_OFFSET = "otlp.source.offset";
    /** Set only when the value was cut to {@link DeadLetter#MAX_VALUE_BYTES}: the original length in bytes. */
    public static final String HEADER_VALUE_BYTES = "otlp.error.value.bytes";
    /** Headers are bounded: a hostile message cannot make a huge reason. */
    static final int MAX_REASON_CHARS = 1024;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        List<Header> headers = new ArrayList<>(5);
        String reason = d.reason == null ? "unknown" : d.reason;
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS);
        }
        headers.add(new RecordHeader(HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(HEADER_TOPIC, String.valueOf(d.sourceTopic).getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(HEADER_PARTITION, Integer.toString(d.sourcePartition).getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(HEADER_OFFSET, Long.toString(d.sourceOffset).getBytes(StandardCharsets.UTF_8)));
        if (d.valueBytes >= 0) {
            headers.add(new RecordHeader(HEADER_VALUE_BYTES, Integer.toString(d.valueBytes).getBytes(StandardCharsets.UTF_8)));
        }
        return new ProducerRecord<>(topic, null, d.timestamp > 0 ? d.timestamp : null, d.key, d.value, headers);
    }
}
