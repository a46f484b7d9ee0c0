package org.otlpanalytics.operators.ingest;

/** One row of {@code dead_letter_1m}: dead letters of one topic, stage and kind in one minute, so far. */
public class DeadLetterCount {
    public long bucketStartMillis;
    public String sourceTopic;
    public String stage;
    public String kind;
    public long deadLetters;

    public DeadLetterCount() {}

    @Override
    public String toString() {
        return "DeadLetterCount{" + bucketStartMillis + " " + sourceTopic + " " + stage + " " + kind + " " + deadLetters + "}";
    }
}
