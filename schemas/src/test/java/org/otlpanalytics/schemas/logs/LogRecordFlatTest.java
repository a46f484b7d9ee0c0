package org.otlpanalytics.schemas.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Error classification of a log record: by severity number, else by its severity text. */
class LogRecordFlatTest {
    private static LogRecordFlat record(int number, String text) {
        LogRecordFlat r = new LogRecordFlat();
        r.severityNumber = number;
        r.severityText = text;
        return r;
    }

    /** The rule as first written (trim, upper-case, compare), kept as the oracle of the allocation-free one. */
    private static boolean reference(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        return t.startsWith("ERROR") || t.startsWith("FATAL") || t.equals("CRITICAL") || t.equals("EMERGENCY")
                || t.equals("ALERT") || t.equals("CRIT");
    }

    @Test
    void severityNumberDecidesFirst() {
        assertThat(record(17, "info").isError()).isTrue();
        assertThat(record(21, null).isError()).isTrue();
        assertThat(record(9, null).isError()).isFalse();
    }

    @Test
    void textIsComparedTrimmedAndWithoutCase() {
        String[] texts = {"ERROR", "error", " Error ", "errors", "Error: disk", "err", "FATAL", "fatality", "\tfatal\n",
            "critical", "Critical ", "criticals", "crit", "CRIT", "crits", "emergency", "Emergency", "alert", " ALERT",
            "alerts", "warning", "WARN", "INFO", "", "   ", "e", "x ERROR", "ALERTX", "cRiTiCaL"};
        for (String t : texts) {
            assertThat(record(0, t).isError()).as("'%s'", t).isEqualTo(reference(t));
        }
        assertThat(record(0, " Error ").isError()).isTrue();
        assertThat(record(0, "warning").isError()).isFalse();
    }
}
