package org.otlpanalytics.jobs.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka records a backfill is about, as {@code --offsets} names them:
 * {@code topic:partition:from-to[,topic:partition:from-to...]}, offsets inclusive at both ends
 * (as {@code kafka_locator} stores them). Parsed and checked once; immutable.
 *
 * <pre>{@code
 * OffsetRanges r = OffsetRanges.parse("otlp_spans:0:1200-1399,otlp_spans:1:1180-1377");
 * }</pre>
 */
public final class OffsetRanges implements Serializable {
    private static final long serialVersionUID = 1L;
    /** A topic name as Kafka allows it, a partition, and an inclusive range of offsets. */
    private static final Pattern RANGE = Pattern.compile("([A-Za-z0-9._-]+):(\\d+):(\\d+)-(\\d+)");

    /** Offsets {@code from} to {@code to} (both inclusive) of one topic partition. */
    public record Range(String topic, int partition, long from, long to) implements Serializable {
        @Override
        public String toString() {
            return topic + ":" + partition + ":" + from + "-" + to;
        }
    }

    private final List<Range> ranges;

    private OffsetRanges(List<Range> ranges) {
        this.ranges = Collections.unmodifiableList(ranges);
    }

    /** Parses {@code --offsets}; every error names the option and the bad part. */
    public static OffsetRanges parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + JobOptions.OFFSETS + " is empty; expected topic:partition:from-to[,...]");
        }
        List<Range> out = new ArrayList<>();
        for (String part : value.split(",")) {
            Matcher m = RANGE.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("--" + JobOptions.OFFSETS + ": '" + part.trim()
                        + "' is not topic:partition:from-to (offsets inclusive, e.g. otlp_spans:0:1200-1399)");
            }
            try {
                Range r = new Range(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)));
                if (r.from() > r.to()) {
                    throw new IllegalArgumentException("--" + JobOptions.OFFSETS + ": '" + part.trim()
                            + "' ends before it starts");
                }
                out.add(r);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + JobOptions.OFFSETS + ": '" + part.trim() + "' has a number out of range");
            }
        }
        return new OffsetRanges(out);
    }

    public List<Range> ranges() {
        return ranges;
    }

    @Override
    public String toString() {
        return String.join(",", ranges.stream().map(Range::toString).toList());
    }
}
