package org.otlpanalytics.jobs.ingest;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.schemas.kafka.DeadLetter;

/**
 * Dead letters a pipeline produces (undecodable messages, records later than the allowed
 * lateness), with the name and uid their sink operator keeps: the Kafka sink holds writer state,
 * so its uid must not change between releases.
 */
public record DeadLetterStream(String sinkUid, DataStream<DeadLetter> stream) {
    /** Writes the stream to {@code sink} under this stream's sink uid. */
    public void sinkTo(Sink<DeadLetter> sink) {
        stream.sinkTo(sink).name(sinkUid).uid(sinkUid);
    }
}
