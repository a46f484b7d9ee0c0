package org.otlpanalytics.jobs.bench.state;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.logs.BufferedLog;

/**
 * Log lines of a known number of distinct templates, so that the fingerprinter's state can be built
 * at a chosen pattern count: template {@code p} of a stream is 4 to 13 words of letters g to z
 * (never masked: no digits, not hexadecimal) followed by one number that varies per line, which the
 * masker turns into a variable. The first word (100 values) and the word count (10 values) route a
 * template to its own leaf of the Drain tree for the first 1,000 templates; past that, templates
 * sharing a leaf share no word beyond the first, so they are never similar enough to merge.
 */
final class SyntheticPatterns {
    private static final int FIRST_WORDS = 100;
    private static final int LENGTHS = 10;

    private SyntheticPatterns() {}

    /** {@code linesPerPattern} lines of each of {@code patterns} templates of stream {@code stream}, interleaved. */
    static List<BufferedLog> lines(int stream, int patterns, int linesPerPattern, long startNanos) {
        List<BufferedLog> out = new ArrayList<>(patterns * linesPerPattern);
        long offset = 0;
        for (int n = 0; n < linesPerPattern; n++) {
            for (int p = 0; p < patterns; p++) {
                boolean error = p % 20 == 0;
                out.add(new BufferedLog(startNanos + offset * 1_000L, 0, offset, error ? 17 : 9, error ? "ERROR" : "INFO",
                        error, body(stream, p, 1_000 + 37 * n + p % 97)));
                offset++;
            }
        }
        return out;
    }

    /** Line of template {@code p} of {@code stream} with the variable {@code value}. */
    static String body(int stream, int p, long value) {
        int words = 4 + (p / FIRST_WORDS) % LENGTHS;
        StringBuilder b = new StringBuilder(words * 8 + 8);
        b.append(word(p % FIRST_WORDS));
        for (int k = 1; k < words; k++) {
            b.append(' ').append(word(((long) stream * 1_000_003L + p) * 16 + k + 1_000));
        }
        return b.append(' ').append(value).toString();
    }

    /** {@code x} written in the letters g to z (20 of them), at least three letters. */
    static String word(long x) {
        StringBuilder b = new StringBuilder(8);
        long v = x;
        do {
            b.append((char) ('g' + (int) (v % 20)));
            v /= 20;
        } while (v > 0 || b.length() < 3);
        return b.toString();
    }
}
