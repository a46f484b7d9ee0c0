package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sorts ClickHouse's answers into {@link ClickHouseException.Kind}s by the server's error code
 * ({@code Code: N} in the body; stable across versions, see ClickHouse's ErrorCodes.cpp).
 * <ul>
 *   <li><b>Data</b>: the insert's data could not be stored as the table's types or constraints ask:
 *       cannot parse or read a value, type mismatch, value out of range, array sizes that do not match,
 *       a too large string, a violated CHECK constraint, a throwIf in a column expression. Such an
 *       error repeats for the same rows and not for others, so the writer isolates the rows and
 *       dead-letters them.</li>
 *   <li><b>Retryable</b>: no answer at all (connection refused or reset, timeout), HTTP 502/503/504,
 *       and the codes of a busy or restarting server: timeouts, network and socket errors, memory
 *       limit, too many parts or simultaneous queries, read-only table, aborted or cancelled query,
 *       unknown status of an insert, Keeper errors.</li>
 *   <li><b>Persistent</b>: everything else, among them wrong credentials, a missing database, table
 *       or column and syntax errors: the job fails and restarts from its last checkpoint, and keeps
 *       failing until the cause is fixed.</li>
 * </ul>
 */
public final class ClickHouseErrors {
    private static final Pattern CODE = Pattern.compile("Code: (\\d+)");

    /**
     * CANNOT_PARSE_TEXT 6, CANNOT_PARSE_QUOTED_STRING 26, CANNOT_PARSE_INPUT_ASSERTION_FAILED 27,
     * ATTEMPT_TO_READ_AFTER_EOF 32, CANNOT_READ_ALL_DATA 33, CANNOT_PARSE_DATE 38,
     * CANNOT_PARSE_DATETIME 41, TYPE_MISMATCH 53, ARGUMENT_OUT_OF_BOUND 69, CANNOT_CONVERT_TYPE 70,
     * CANNOT_PARSE_NUMBER 72, INCORRECT_DATA 117, TOO_LARGE_STRING_SIZE 131,
     * SIZES_OF_ARRAYS_DOESNT_MATCH 190, VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE 321,
     * FUNCTION_THROW_IF_VALUE_IS_NON_ZERO 395, VIOLATED_CONSTRAINT 469.
     */
    static final Set<Integer> DATA = Set.of(6, 26, 27, 32, 33, 38, 41, 53, 69, 70, 72, 117, 131, 190, 321, 395, 469);

    /**
     * TIMEOUT_EXCEEDED 159, TOO_MANY_SIMULTANEOUS_QUERIES 202, NO_FREE_CONNECTION 203,
     * SOCKET_TIMEOUT 209, NETWORK_ERROR 210, ABORTED 236, MEMORY_LIMIT_EXCEEDED 241,
     * TABLE_IS_READ_ONLY 242, TOO_MANY_PARTS 252, TOO_FEW_LIVE_REPLICAS 285,
     * UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE 286, UNKNOWN_STATUS_OF_INSERT 319, QUERY_WAS_CANCELLED 394,
     * CANNOT_SCHEDULE_TASK 439, KEEPER_EXCEPTION 999, POCO_EXCEPTION 1000.
     */
    static final Set<Integer> RETRYABLE = Set.of(159, 202, 203, 209, 210, 236, 241, 242, 252, 285, 286, 319, 394, 439,
            999, 1000);

    private ClickHouseErrors() {}

    /** The error code in a ClickHouse error text, or -1. */
    public static int code(String body) {
        Matcher m = CODE.matcher(body == null ? "" : body);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The kind of an answer with HTTP status {@code status} and error code {@code code} (-1: none). */
    public static ClickHouseException.Kind kind(int status, int code) {
        if (code >= 0) {
            if (DATA.contains(code)) {
                return ClickHouseException.Kind.DATA;
            }
            if (RETRYABLE.contains(code)) {
                return ClickHouseException.Kind.RETRYABLE;
            }
            return ClickHouseException.Kind.PERSISTENT;
        }
        return status == 502 || status == 503 || status == 504 || status < 0
                ? ClickHouseException.Kind.RETRYABLE : ClickHouseException.Kind.PERSISTENT;
    }

    /** The first line of a ClickHouse error text, without the stack trace newer servers append. */
    public static String message(String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
