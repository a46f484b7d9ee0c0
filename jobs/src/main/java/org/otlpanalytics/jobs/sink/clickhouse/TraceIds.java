package org.otlpanalytics.jobs.sink.clickhouse;

/** Trace and span ids as lower-case hex, the form OTLP/JSON and every trace UI use; '' for an absent (zero) id. */
final class TraceIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceIds() {}

    static String traceId(long hi, long lo) {
        if (hi == 0 && lo == 0) {
            return "";
        }
        char[] c = new char[32];
        fill(c, 0, hi);
        fill(c, 16, lo);
        return new String(c);
    }

    static String spanId(long id) {
        if (id == 0) {
            return "";
        }
        char[] c = new char[16];
        fill(c, 0, id);
        return new String(c);
    }

    private static void fill(char[] c, int at, long v) {
        for (int i = 15; i >= 0; i--) {
            c[at + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }
}
