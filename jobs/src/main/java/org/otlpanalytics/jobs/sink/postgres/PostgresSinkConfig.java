package org.otlpanalytics.jobs.sink.postgres;

import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;

/**
 * Where and how the PostgreSQL sinks write; immutable.
 *
 * <p>Every connection has a connect timeout, a socket (read) timeout and TCP keep-alive, so a
 * half-open connection fails the flush (and the job restarts from its checkpoint) instead of
 * blocking a task inside the pre-checkpoint flush for ever. A parameter of the same name in the
 * JDBC URL ({@code connectTimeout}, {@code socketTimeout}, {@code tcpKeepAlive}) wins.
 *
 * <pre>{@code
 * PostgresSinkConfig c = PostgresSinkConfig.builder()
 *         .jdbcUrl("jdbc:postgresql://localhost/otlp?user=u&password=p").batchSize(500)
 *         .deadLetters(RejectedRowTarget.kafka("localhost:9092", "otlp_deadletter"))
 *         .build();
 * }</pre>
 */
public final class PostgresSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    /** PgJDBC property names (seconds for both timeouts). */
    static final String CONNECT_TIMEOUT = "connectTimeout";
    static final String SOCKET_TIMEOUT = "socketTimeout";
    static final String TCP_KEEP_ALIVE = "tcpKeepAlive";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final int batchSize;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final boolean tcpKeepAlive;
    private final RejectedRowTarget deadLetters;

    PostgresSinkConfig(Builder b) {
        this.jdbcUrl = b.jdbcUrl;
        this.user = b.user;
        this.password = b.password;
        this.batchSize = b.batchSize;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
        this.tcpKeepAlive = b.tcpKeepAlive;
        this.deadLetters = b.deadLetters;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Where rows the database rejects as data go; null: they are counted and logged only. */
    public RejectedRowTarget deadLetters() {
        return deadLetters;
    }

    /**
     * Opens a connection with the PostgreSQL driver of this class's class loader rather than
     * DriverManager's registry: in a session cluster a restarted job gets a new class loader, and
     * the driver registered by an earlier one must not be used (nor keep it alive).
     */
    public Connection connect() throws SQLException {
        Connection c = Drivers.POSTGRES.connect(jdbcUrl, connectionProperties());
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        return c;
    }

    /**
     * Connection properties: credentials when given apart from the URL, batched inserts rewritten,
     * and the timeouts and keep-alive unless the URL sets them itself.
     */
    public Properties connectionProperties() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("reWriteBatchedInserts", "true");
        p.setProperty("ApplicationName", "otlp-analytics");
        Set<String> inUrl = urlParameters(jdbcUrl);
        if (!inUrl.contains(CONNECT_TIMEOUT)) {
            p.setProperty(CONNECT_TIMEOUT, Long.toString(connectTimeout.toSeconds()));
        }
        if (!inUrl.contains(SOCKET_TIMEOUT)) {
            p.setProperty(SOCKET_TIMEOUT, Long.toString(socketTimeout.toSeconds()));
        }
        if (!inUrl.contains(TCP_KEEP_ALIVE)) {
            p.setProperty(TCP_KEEP_ALIVE, Boolean.toString(tcpKeepAlive));
        }
        return p;
    }

    /** The names of the parameters after the URL's {@code ?}. */
    static Set<String> urlParameters(String url) {
        Set<String> names = new LinkedHashSet<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return names;
        }
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            String name = eq < 0 ? kv : kv.substring(0, eq);
            if (!name.isEmpty()) {
                names.add(URLDecoder.decode(name, StandardCharsets.UTF_8));
            }
        }
        return names;
    }

    /** Builder; defaults here. */
    public static final class Builder {
        private String jdbcUrl;
        private String user;
        private String password;
        private int batchSize = 1000;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration socketTimeout = Duration.ofMinutes(5);
        private boolean tcpKeepAlive = true;
        private RejectedRowTarget deadLetters;

        public Builder jdbcUrl(String url) {
            this.jdbcUrl = url;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** How long opening a connection may take (default 10 s; whole seconds). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /**
         * How long a read on the connection may block (default 5 min, whole seconds; 0 = for ever):
         * longer than any batch takes, shorter than Flink's default 10-minute checkpoint timeout.
         */
        public Builder socketTimeout(Duration d) {
            this.socketTimeout = d;
            return this;
        }

        /** TCP keep-alive probes on idle connections (default on). */
        public Builder tcpKeepAlive(boolean on) {
            this.tcpKeepAlive = on;
            return this;
        }

        /** Where rows the database rejects as data are sent (default none: counted and logged only). */
        public Builder deadLetters(RejectedRowTarget target) {
            this.deadLetters = target;
            return this;
        }

        public PostgresSinkConfig build() {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalStateException("sink.postgres.jdbc-url must be a jdbc:postgresql: URL, got " + jdbcUrl);
            }
            if (batchSize < 1) {
                throw new IllegalStateException("sink.postgres.batch-size must be >= 1, got " + batchSize);
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.toSeconds() > Integer.MAX_VALUE) {
                throw new IllegalStateException("sink.postgres.connect-timeout must be >= 0 s, got " + connectTimeout);
            }
            if (socketTimeout == null || socketTimeout.isNegative() || socketTimeout.toSeconds() > Integer.MAX_VALUE) {
                throw new IllegalStateException("sink.postgres.socket-timeout must be >= 0 s, got " + socketTimeout);
            }
            return new PostgresSinkConfig(this);
        }
    }

    /**
     * The driver, loaded on the first connection only: loading its class registers it in
     * DriverManager, which must not happen where this config is merely deserialized (the
     * JobManager's copy of the job graph), as nothing would deregister it there.
     */
    private static final class Drivers {
        static final Driver POSTGRES = new org.postgresql.Driver();
    }
}
