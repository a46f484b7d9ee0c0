package org.otlpanalytics.jobs.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.operators.ingest.DeadLetterSplitter;
import org.otlpanalytics.operators.ingest.GuardedWatermarks;
import org.otlpanalytics.schemas.OtlpDecoder;
import org.otlpanalytics.schemas.kafka.Decoded;

/**
 * Source → event-time watermarks → split of dead letters: the first steps of every pipeline.
 * One stage per topic: when {@code red} and {@code edges} both run, one span stage feeds both,
 * so every span is read and decoded once.
 */
public final class IngestStage {
    private IngestStage() {}

    /** The decoded records (with event-time timestamps and watermarks) and the undecodable messages. */
    public record Output<T>(DataStream<T> records, DeadLetterStream deadLetters) {}

    /**
     * Builds the stage. {@code name} names the operators ({@code <name>-source}, ...);
     * {@code uidPrefix} makes their uids, which restored state depends on, so it stays what it
     * was when this stage was first released for the pipeline.
     */
    public static <T> Output<T> build(StreamExecutionEnvironment env, Source<Decoded<T>, ?, ?> source,
            OtlpDecoder<T> decoder, TypeInformation<T> type, String name, String uidPrefix, IngestOptions o) {
        SingleOutputStreamOperator<T> records = env
                // read and decode; watermarks per Kafka partition from record event times
                .fromSource(source, GuardedWatermarks.strategy(decoder, o.outOfOrderness(), o.idleness()),
                        name + "-source")
                .uid(uidPrefix + "-source")
                // undecodable messages leave here for the dead-letter topic
                .process(new DeadLetterSplitter<T>())
                .returns(type)
                .name(name + "-split-dead-letters")
                .uid(uidPrefix + "-split-dead-letters");
        return new Output<>(records,
                new DeadLetterStream(uidPrefix + "-dead-letters", records.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)));
    }

    /** {@link #build} on a Kafka source of {@code topic}. */
    public static <T> Output<T> fromKafka(StreamExecutionEnvironment env, IngestOptions o, String topic,
            OtlpDecoder<T> decoder, Class<T> cls, TypeInformation<T> type, String name, String uidPrefix) {
        return build(env, OtlpKafkaSources.source(o, topic, decoder, cls), decoder, type, name, uidPrefix, o);
    }
}
