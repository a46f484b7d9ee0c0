package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LostConnectionRetryTest {
    private final List<String> calls = new ArrayList<>();

    /** A write that fails with the given SQLSTATEs, one per call, then succeeds. */
    private LostConnectionRetry.Write failingWith(String... states) {
        int[] n = {0};
        return () -> {
            calls.add("write");
            if (n[0] < states.length) {
                throw new SQLException("failure " + n[0], states[n[0]++]);
            }
        };
    }

    private final Runnable discard = () -> calls.add("discard");

    @Test
    void aKeptConnectionThatWasLostIsDiscardedAndTheWriteRunsOnceMore() throws SQLException, IOException {
        LostConnectionRetry.run(true, failingWith("08006"), discard);
        assertThat(calls).containsExactly("write", "discard", "write");
    }

    @Test
    void aServerShutdownCountsAsALostConnection() throws SQLException, IOException {
        LostConnectionRetry.run(true, failingWith("57P01"), discard);
        assertThat(calls).containsExactly("write", "discard", "write");
    }

    @Test
    void aWriteThatSucceedsRunsOnce() throws SQLException, IOException {
        LostConnectionRetry.run(true, failingWith(), discard);
        assertThat(calls).containsExactly("write");
    }

    @Test
    void aFreshConnectionIsNotRetried() {
        assertThatThrownBy(() -> LostConnectionRetry.run(false, failingWith("08006"), discard))
                .isInstanceOf(SQLException.class).hasMessage("failure 0");
        assertThat(calls).containsExactly("write");
    }

    @Test
    void otherFailuresAreNotRetried() {
        assertThatThrownBy(() -> LostConnectionRetry.run(true, failingWith("23505"), discard))
                .isInstanceOf(SQLException.class).hasMessage("failure 0");
        assertThat(calls).containsExactly("write");
    }

    @Test
    void aSecondFailureIsThrown() {
        assertThatThrownBy(() -> LostConnectionRetry.run(true, failingWith("08006", "08001"), discard))
                .isInstanceOf(SQLException.class).hasMessage("failure 1");
        assertThat(calls).containsExactly("write", "discard", "write");
    }
}
