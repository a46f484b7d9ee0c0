package org.otlpanalytics.jobs.sink.postgres;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Tells an error caused by a row's data from an outage, by SQLSTATE. Data errors are those that
 * the same row will cause again however often it is retried, and that other rows do not cause:
 * <ul>
 *   <li>class 22, data exception: a value the column cannot hold (an invalid byte sequence such
 *       as U+0000 in text, an unsupported escape in jsonb, a number or time out of range, …);</li>
 *   <li>class 23, integrity constraint violation: NOT NULL, CHECK, unique, foreign key, exclusion,
 *       and "no partition of relation found for row";</li>
 *   <li>54000, program limit exceeded: a value too large for an index row or an array.</li>
 * </ul>
 * Everything else is an outage, including errors without a SQLSTATE: connection failures and
 * timeouts (08, 57014), the server shutting down or restarting (57P), insufficient resources
 * (53), transaction rollbacks such as deadlocks and serialization failures (40), lock
 * timeouts (55P03), undefined tables or columns (42: the schema is not the one the writer expects),
 * and internal errors (XX). An outage fails the flush and the job restarts from its last checkpoint.
 */
public final class PgErrors {
    private PgErrors() {}

    /** True when the error is the row's fault (see the class comment). */
    public static boolean isDataError(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.equals("54000"));
    }

    /**
     * True when the error says the connection is gone rather than anything about the rows: a
     * connection exception (class 08: the server restarted, the backend was terminated, the
     * socket broke) or the server shutting down or starting up (57P01, 57P02, 57P03).
     */
    public static boolean isConnectionLost(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }

    /**
     * The SQLSTATE of the error: of the first exception in the chain (the batch exception, then
     * the driver's next exceptions) that carries one.
     */
    public static String sqlState(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                return x.getSQLState();
            }
        }
        return null;
    }

    /**
     * The database's own message (without the statement text the driver adds to batch errors),
     * with the detail when the server sent one.
     */
    public static String message(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x instanceof PSQLException && ((PSQLException) x).getServerErrorMessage() != null) {
                ServerErrorMessage m = ((PSQLException) x).getServerErrorMessage();
                return m.getMessage() + (m.getDetail() != null ? " (" + m.getDetail() + ")" : "");
            }
        }
        SQLException last = e;
        while (last.getNextException() != null) {
            last = last.getNextException();
        }
        return last.getMessage();
    }
}
