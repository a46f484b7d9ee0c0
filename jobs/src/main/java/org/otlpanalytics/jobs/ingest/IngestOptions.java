package org.otlpanalytics.jobs.ingest;

import java.time.Duration;
import java.util.Set;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.ReplayRange;
import org.otlpanalytics.schemas.Encoding;

/**
 * How the ingest stage reads Kafka and makes event time, parsed once from the job options: where
 * the sources start and stop, the consumer group, the encoding, the watermark's bounded
 * out-of-orderness and idleness, how far after its Kafka timestamp a record may be dated, and the
 * dead-letter topic. Immutable.
 *
 * @param groupIdPrefix consumer groups are {@code <prefix>-<topic>}; offsets are committed on
 *     checkpoints for monitoring only (a restored checkpoint always wins)
 * @param startingOffsets {@code earliest}, {@code latest}, {@code committed-or-earliest} or
 *     {@code committed-or-latest}; ignored by a replay, which starts at its range
 */
public record IngestOptions(String bootstrapServers, String groupIdPrefix, String startingOffsets, ReplayRange replay,
        boolean bounded, Encoding encoding, Duration outOfOrderness, Duration idleness, Duration maxFutureSkew,
        String deadLetterTopic) {
    static final Set<String> STARTING_OFFSETS = Set.of("earliest", "latest", "committed-or-earliest", "committed-or-latest");

    public IngestOptions {
        if (!STARTING_OFFSETS.contains(startingOffsets)) {
            throw new IllegalArgumentException("--" + JobOptions.STARTING_OFFSETS
                    + " must be earliest, latest, committed-or-earliest or committed-or-latest; got " + startingOffsets);
        }
        if (outOfOrderness.isNegative() || idleness.isNegative() || maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("--" + JobOptions.OUT_OF_ORDERNESS + ", --" + JobOptions.IDLENESS
                    + " and --" + JobOptions.MAX_FUTURE_SKEW + " must not be negative");
        }
    }

    public static IngestOptions of(JobOptions o) {
        return new IngestOptions(o.require(JobOptions.BOOTSTRAP), o.require(JobOptions.GROUP_ID),
                o.require(JobOptions.STARTING_OFFSETS), o.replayRange(), o.getBool(JobOptions.BOUNDED), o.encoding(),
                o.getDuration(JobOptions.OUT_OF_ORDERNESS), o.getDuration(JobOptions.IDLENESS),
                o.getDuration(JobOptions.MAX_FUTURE_SKEW), o.require(JobOptions.DEAD_LETTER_TOPIC));
    }

    /** The same options with another consumer group prefix (benchmarks read one topic many times). */
    public IngestOptions withGroupIdPrefix(String prefix) {
        return new IngestOptions(bootstrapServers, prefix, startingOffsets, replay, bounded, encoding, outOfOrderness,
                idleness, maxFutureSkew, deadLetterTopic);
    }
}
