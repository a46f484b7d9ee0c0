package org.otlpanalytics.jobs.sink.postgres;

import java.io.Serializable;
import java.util.Properties;

/**
 * Where and how the PostgreSQL sinks write; immutable.
 *
 * <pre>{@code
 * PostgresSinkConfig c = PostgresSinkConfig.builder().jdbcUrl("jdbc:postgresql://localhost/otlp?user=u&password=p").batchSize(500).build();
 * }</pre>
 */
public final class PostgresSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final int batchSize;

    PostgresSinkConfig(String jdbcUrl, String user, String password, int batchSize) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.batchSize = batchSize;
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

    private static final java.sql.Driver DRIVER = new org.postgresql.Driver();

    /**
     * Opens a connection with the PostgreSQL driver of this class's class loader rather than
     * DriverManager's registry: in a session cluster a restarted job gets a new class loader, and
     * the driver registered by an earlier one must not be used (nor keep it alive).
     */
    public java.sql.Connection connect() throws java.sql.SQLException {
        java.sql.Connection c = DRIVER.connect(jdbcUrl, connectionProperties());
        if (c == null) {
            throw new java.sql.SQLException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        return c;
    }

    /** Connection properties: credentials when given apart from the URL, batched inserts rewritten. */
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
        return p;
    }

    /** Builder; defaults here. */
    public static final class Builder {
        private String jdbcUrl;
        private String user;
        private String password;
        private int batchSize = 1000;

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

        public PostgresSinkConfig build() {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalStateException("sink.postgres.jdbc-url must be a jdbc:postgresql: URL, got " + jdbcUrl);
            }
            if (batchSize < 1) {
                throw new IllegalStateException("sink.postgres.batch-size must be >= 1, got " + batchSize);
            }
            return new PostgresSinkConfig(jdbcUrl, user, password, batchSize);
        }
    }
}
