package org.otlpanalytics.jobs.sink.postgres;

import java.io.IOException;
import java.sql.SQLException;

/**
 * The one retry the PostgreSQL writers allow themselves: a flush on a connection kept since an
 * earlier flush, which failed because that connection was lost meanwhile (a database restart, a
 * terminated backend; {@link PgErrors#isConnectionLost}), is written once more on a new
 * connection. Nothing of the flush was committed on the lost connection, so the second write is
 * exact. Any other failure, a failure on a fresh connection and a second failure are thrown: a
 * database still down fails the flush as before and the job restarts from its last checkpoint.
 */
final class LostConnectionRetry {
    /** A write that commits on the writer's connection. */
    @FunctionalInterface
    interface Write {
        void run() throws SQLException, IOException;
    }

    private LostConnectionRetry() {}

    /**
     * Runs {@code write}; when it fails with a lost connection and {@code keptConnection}, runs
     * {@code discardConnection} (roll back and close what is left, count it) and {@code write} once more.
     */
    static void run(boolean keptConnection, Write write, Runnable discardConnection) throws SQLException, IOException {
        try {
            write.run();
        } catch (SQLException e) {
            if (!keptConnection || !PgErrors.isConnectionLost(e)) {
                throw e;
            }
            discardConnection.run();
            write.run();
        }
    }
}
