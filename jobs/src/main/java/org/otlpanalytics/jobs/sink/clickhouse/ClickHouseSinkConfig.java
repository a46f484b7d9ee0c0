package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;

/**
 * Where and how the ClickHouse sinks write; immutable, validated once in {@link Builder#build()}.
 * Messages name the job option that sets each value.
 *
 * <pre>{@code
 * ClickHouseSinkConfig c = ClickHouseSinkConfig.builder()
 *         .url("http://localhost:8123").user("default").database("otlp")
 *         .batchMaxRows(100_000).batchMaxBytes(16 << 20)
 *         .deadLetters(RejectedRowTarget.kafka("localhost:9092", "otlp_deadletter"))
 *         .build();
 * }</pre>
 */
public final class ClickHouseSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Database names the sink accepts: plain identifiers, so they can be quoted without escaping. */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final String url;
    private final String user;
    private final String password;
    private final String database;
    private final int batchMaxRows;
    private final long batchMaxBytes;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration retryMaxBackoff;
    private final boolean retention;
    private final RejectedRowTarget deadLetters;

    ClickHouseSinkConfig(Builder b) {
        this.url = b.url.endsWith("/") ? b.url.substring(0, b.url.length() - 1) : b.url;
        this.user = b.user;
        this.password = b.password;
        this.database = b.database;
        this.batchMaxRows = b.batchMaxRows;
        this.batchMaxBytes = b.batchMaxBytes;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.retryMaxBackoff = b.retryMaxBackoff;
        this.retention = b.retention;
        this.deadLetters = b.deadLetters;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same settings with another database (tests and tools write several side by side). */
    public ClickHouseSinkConfig withDatabase(String db) {
        return toBuilder().database(db).build();
    }

    public Builder toBuilder() {
        return new Builder().url(url).user(user).password(password).database(database).batchMaxRows(batchMaxRows)
                .batchMaxBytes(batchMaxBytes).connectTimeout(connectTimeout).requestTimeout(requestTimeout)
                .maxRetries(maxRetries).retryBackoff(retryBackoff).retryMaxBackoff(retryMaxBackoff).retention(retention)
                .deadLetters(deadLetters);
    }

    /** The HTTP interface, without a trailing slash: {@code http://host:8123}. */
    public String url() {
        return url;
    }

    /** Null: no credentials are sent (the server's default user). */
    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    public String database() {
        return database;
    }

    public int batchMaxRows() {
        return batchMaxRows;
    }

    public long batchMaxBytes() {
        return batchMaxBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration retryMaxBackoff() {
        return retryMaxBackoff;
    }

    /** Whether tables get the TTL (retention) clauses of the DDL. */
    public boolean retention() {
        return retention;
    }

    /** Where rows the server rejects as data go; null: they are counted and logged only. */
    public RejectedRowTarget deadLetters() {
        return deadLetters;
    }

    /** The backoff before retry {@code attempt} (1-based): doubling from the initial one, capped. */
    public Duration backoff(int attempt) {
        long ms = retryBackoff.toMillis() << Math.min(30, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(ms, retryMaxBackoff.toMillis()));
    }

    @Override
    public String toString() {
        return "ClickHouse " + url + " database " + database + (user == null ? "" : " user " + user);
    }

    /** Builder; every default is here. */
    public static final class Builder {
        private String url = "http://localhost:8123";
        private String user;
        private String password;
        private String database = "otlp";
        private int batchMaxRows = 100_000;
        private long batchMaxBytes = 16L << 20;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(2);
        private int maxRetries = 10;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Duration retryMaxBackoff = Duration.ofSeconds(10);
        private boolean retention = true;
        private RejectedRowTarget deadLetters;

        /** The HTTP(S) interface, e.g. {@code http://clickhouse:8123} (default {@code http://localhost:8123}). */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** The user (default none: the server's {@code default} user without credentials). */
        public Builder user(String user) {
            this.user = user == null || user.isEmpty() ? null : user;
            return this;
        }

        public Builder password(String password) {
            this.password = password == null || password.isEmpty() ? null : password;
            return this;
        }

        /** The database the tables live in (default {@code otlp}); created at start if missing. */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** A batch is sent when it holds this many rows (default 100,000), and at every checkpoint. */
        public Builder batchMaxRows(int rows) {
            this.batchMaxRows = rows;
            return this;
        }

        /** ... or this many bytes of RowBinary (default 16 MiB). */
        public Builder batchMaxBytes(long bytes) {
            this.batchMaxBytes = bytes;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** How long one request may take before it counts as failed (default 2 min). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        /** Retries of a request that failed for a retryable reason before the job fails (default 10). */
        public Builder maxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        /** The first backoff (default 200 ms), doubled on each retry up to {@link #retryMaxBackoff}. */
        public Builder retryBackoff(Duration d) {
            this.retryBackoff = d;
            return this;
        }

        /** The longest backoff (default 10 s): the defaults ride out about a minute of outage. */
        public Builder retryMaxBackoff(Duration d) {
            this.retryMaxBackoff = d;
            return this;
        }

        /** Whether the tables get the TTL clauses of the DDL (default on). */
        public Builder retention(boolean on) {
            this.retention = on;
            return this;
        }

        public Builder deadLetters(RejectedRowTarget target) {
            this.deadLetters = target;
            return this;
        }

        public ClickHouseSinkConfig build() {
            URI u;
            try {
                u = URI.create(url == null ? "" : url);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("clickhouse-url is not a URL: " + url);
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getRawQuery() != null) {
                throw new IllegalStateException("clickhouse-url must be http(s)://host[:port] (the HTTP interface, "
                        + "no query), got " + url);
            }
            if (database == null || !IDENTIFIER.matcher(database).matches()) {
                throw new IllegalStateException("clickhouse-database must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got "
                        + database);
            }
            if (batchMaxRows < 1) {
                throw new IllegalStateException("clickhouse-batch-max-rows must be >= 1, got " + batchMaxRows);
            }
            if (batchMaxBytes < 1024) {
                throw new IllegalStateException("clickhouse-batch-max-bytes must be >= 1024, got " + batchMaxBytes);
            }
            if (maxRetries < 0) {
                throw new IllegalStateException("clickhouse-max-retries must be >= 0, got " + maxRetries);
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
                    || requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalStateException("clickhouse connect and request timeouts must be > 0");
            }
            if (retryBackoff == null || retryBackoff.isNegative() || retryMaxBackoff == null
                    || retryMaxBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalStateException("clickhouse-retry-backoff must be >= 0 and <= clickhouse-retry-max-backoff, got "
                        + retryBackoff + " and " + retryMaxBackoff);
            }
            if (password != null && user == null) {
                throw new IllegalStateException("clickhouse-password is set but clickhouse-user is not");
            }
            return new ClickHouseSinkConfig(this);
        }
    }
}
