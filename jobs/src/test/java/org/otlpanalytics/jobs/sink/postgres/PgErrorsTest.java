package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class PgErrorsTest {
    private static PSQLException server(String state, String message) {
        return new PSQLException(new ServerErrorMessage("SERROR\u0000C" + state + "\u0000M" + message + "\u0000"));
    }

    @Test
    void dataExceptionsAndConstraintViolationsAreTheRowsFault() {
        assertThat(PgErrors.isDataError(server("22021", "invalid byte sequence for encoding \"UTF8\": 0x00"))).isTrue();
        assertThat(PgErrors.isDataError(server("22P05", "unsupported Unicode escape sequence"))).isTrue();
        assertThat(PgErrors.isDataError(server("23502", "null value in column"))).isTrue();
        assertThat(PgErrors.isDataError(server("23514", "no partition of relation found for row"))).isTrue();
        assertThat(PgErrors.isDataError(server("54000", "index row requires 9000 bytes"))).isTrue();
    }

    @Test
    void connectionResourceAndTransactionErrorsAreOutages() {
        for (String state : new String[] {"08006", "08001", "57P01", "57014", "53300", "40P01", "40001", "55P03", "42P01",
                "XX000", "25P02", "3D000"}) {
            assertThat(PgErrors.isDataError(server(state, "x"))).as(state).isFalse();
        }
        assertThat(PgErrors.isDataError(new SQLException("no state"))).isFalse();
    }

    @Test
    void readsStateAndServerMessageBehindABatchError() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT INTO t VALUES ('secret') was aborted", null,
                0, new int[0], null);
        batch.setNextException(server("22021", "invalid byte sequence for encoding \"UTF8\": 0x00"));
        assertThat(PgErrors.isDataError(batch)).isTrue();
        assertThat(PgErrors.sqlState(batch)).isEqualTo("22021");
        assertThat(PgErrors.message(batch)).isEqualTo("invalid byte sequence for encoding \"UTF8\": 0x00");
    }

    @Test
    void lostConnectionsAreToldApartFromOtherOutages() {
        for (String state : new String[] {"08006", "08003", "08001", "57P01", "57P02", "57P03"}) {
            assertThat(PgErrors.isConnectionLost(server(state, "x"))).as(state).isTrue();
        }
        for (String state : new String[] {"22021", "23505", "57014", "53300", "40P01", "42P01", "XX000", "25P02"}) {
            assertThat(PgErrors.isConnectionLost(server(state, "x"))).as(state).isFalse();
        }
        assertThat(PgErrors.isConnectionLost(new SQLException("no state"))).isFalse();
        assertThat(PgErrors.isConnectionLost(new PSQLException("This connection has been closed.",
                org.postgresql.util.PSQLState.CONNECTION_DOES_NOT_EXIST))).isTrue();
    }
}
