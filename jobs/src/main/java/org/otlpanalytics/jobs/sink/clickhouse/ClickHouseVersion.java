package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse server version ({@code SELECT version()}: {@code 18.16.1}, {@code 26.7.2.1}) and the
 * features of the committed DDL it has. The thresholds are conservative: a server older than one of
 * them gets the plainer form of that feature, which every version since 18.16 accepts.
 */
public final class ClickHouseVersion implements Serializable, Comparable<ClickHouseVersion> {
    private static final long serialVersionUID = 1L;
    private static final Pattern VERSION = Pattern.compile("^\\s*(\\d+)\\.(\\d+)");

    /** The version the committed DDL is written for (any current server). */
    public static final ClickHouseVersion CURRENT = new ClickHouseVersion(26, 7);
    /** Debian's clickhouse-server package (bookworm). */
    public static final ClickHouseVersion DEBIAN_18_16 = new ClickHouseVersion(18, 16);

    private final int major;
    private final int minor;

    public ClickHouseVersion(int major, int minor) {
        this.major = major;
        this.minor = minor;
    }

    /** Parses the leading {@code major.minor} of {@code version()}'s answer. */
    public static ClickHouseVersion parse(String version) {
        Matcher m = VERSION.matcher(version == null ? "" : version);
        if (!m.find()) {
            throw new IllegalArgumentException("not a ClickHouse version: '" + version + "'");
        }
        return new ClickHouseVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    /** {@code LowCardinality(T)} without the experimental setting (18.x needs it). */
    public boolean hasLowCardinality() {
        return atLeast(19, 9);
    }

    /** Column compression codecs, {@code CODEC(...)}. */
    public boolean hasCodecs() {
        return atLeast(19, 9);
    }

    /** Table TTL clauses. */
    public boolean hasTtl() {
        return atLeast(19, 9);
    }

    /** Data-skipping indexes ({@code INDEX ... TYPE bloom_filter}) without the experimental setting. */
    public boolean hasSkipIndexes() {
        return atLeast(20, 3);
    }

    /** {@code DateTime64(precision, tz)}. */
    public boolean hasDateTime64() {
        return atLeast(20, 3);
    }

    /** {@code Map(K, V)} without the experimental setting. */
    public boolean hasMap() {
        return atLeast(22, 1);
    }

    /** The MergeTree setting {@code ttl_only_drop_parts}. */
    public boolean hasTtlOnlyDropParts() {
        return atLeast(20, 3);
    }

    @Override
    public int compareTo(ClickHouseVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClickHouseVersion && compareTo((ClickHouseVersion) o) == 0;
    }

    @Override
    public int hashCode() {
        return major * 1000 + minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
