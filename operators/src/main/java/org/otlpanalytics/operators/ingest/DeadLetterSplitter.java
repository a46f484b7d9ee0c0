package org.otlpanalytics.operators.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.kafka.DeadLetter;

/** Sends decoded records on and dead letters to {@link #DEAD_LETTERS}. */
public class DeadLetterSplitter<T> extends ProcessFunction<Decoded<T>, T> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    @Override
    public void processElement(Decoded<T> value, Context ctx, Collector<T> out) {
        if (value.deadLetter != null) {
            ctx.output(DEAD_LETTERS, value.deadLetter);
        } else {
            out.collect(value.record);
        }
    }
}
