package org.otlpanalytics.jobs.ingest;

import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.operators.ingest.DeadLetterCount;
import org.otlpanalytics.operators.ingest.DeadLetterCounter;
import org.otlpanalytics.operators.ingest.DeadLetterTally;

/**
 * Counts of the dead letters the job writes, per minute, input topic, stage and kind
 * ({@code dead_letter_1m}, the pipeline-health dashboards' source): every dead-letter stream is
 * tallied next to where it leaves for the dead-letter topic, and one keyed counter sums them.
 */
public final class DeadLetterTallies {
    /** Minutes a counter keeps behind the newest one it saw (dead letters dated earlier are counted in a metric only). */
    public static final Duration RETENTION = Duration.ofDays(1);

    private DeadLetterTallies() {}

    /** The stage that writes a dead-letter stream, from its sink uid: {@code ingest}, or the pipeline that found records late. */
    static String stageOf(String sinkUid) {
        String s = sinkUid.endsWith("-dead-letters") ? sinkUid.substring(0, sinkUid.length() - "-dead-letters".length()) : sinkUid;
        if (s.endsWith("-late-partial")) {
            s = s.substring(0, s.length() - "-late-partial".length());
        } else if (s.endsWith("-late")) {
            s = s.substring(0, s.length() - "-late".length());
        } else {
            return "ingest";
        }
        switch (s) {
            case "edge":
                return "edges";
            case "log":
                return "logs";
            default:
                return s;
        }
    }

    /** The per-minute counts of {@code streams} (null when there are none). */
    public static DataStream<DeadLetterCount> count(List<DeadLetterStream> streams) {
        DataStream<DeadLetterTally> all = null;
        for (DeadLetterStream s : streams) {
            String stage = stageOf(s.sinkUid());
            DataStream<DeadLetterTally> t = s.stream().map(d -> DeadLetterTally.of(d, stage)).returns(DeadLetterTally.class)
                    .name(s.sinkUid() + "-tally").uid(s.sinkUid() + "-tally");
            all = all == null ? t : all.union(t);
        }
        if (all == null) {
            return null;
        }
        return all.keyBy(DeadLetterTally::key)
                .process(new DeadLetterCounter(RETENTION.toMillis())).returns(DeadLetterCount.class)
                .name("dead-letter-1m").uid("dead-letter-counter");
    }
}
