package org.otlpanalytics.jobs.ingest;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.operators.ingest.DeadLetterSplitter;
import org.otlpanalytics.operators.ingest.GuardedWatermarks;
import org.otlpanalytics.schemas.OtlpDecoder;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.Decoded;

/** Source → event-time watermarks → split of dead letters: the first steps of every job. */
public final class IngestStage {
    /** Watermarks ignore timestamps further than this ahead of the wall clock. */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(10);

    private IngestStage() {}

    public static <T> SingleOutputStreamOperator<T> build(StreamExecutionEnvironment env,
            Source<Decoded<T>, ?, ?> source, OtlpDecoder<T> decoder, Class<T> cls, String name,
            JobOptions o, Sink<DeadLetter> deadLetters) {
        SingleOutputStreamOperator<T> records = env
                // read and decode; watermarks per Kafka partition from record event times
                .fromSource(source, GuardedWatermarks.strategy(decoder, o.getDuration(JobOptions.OUT_OF_ORDERNESS),
                        MAX_FUTURE_SKEW, o.getDuration(JobOptions.IDLENESS)), name + "-source")
                .uid(name + "-source")
                // undecodable messages leave here for the dead-letter topic
                .process(new DeadLetterSplitter<T>())
                .returns(TypeInformation.of(cls))
                .name(name + "-split-dead-letters")
                .uid(name + "-split-dead-letters");
        records.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .sinkTo(deadLetters).name(name + "-dead-letters").uid(name + "-dead-letters");
        return records;
    }
}
