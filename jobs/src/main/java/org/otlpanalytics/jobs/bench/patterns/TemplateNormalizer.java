package org.otlpanalytics.jobs.bench.patterns;

import java.util.Locale;
import java.util.Set;

/**
 * Normalises a template before the Parsing Accuracy comparison, applied identically to the predicted
 * and the ground-truth template: the template correction of the Loghub-2.0 benchmark (Jiang et al.,
 * "A Large-scale Evaluation for Log Parsing Techniques: How Far are We?", ISSTA 2024; function
 * {@code correct_single_template} of logpai/loghub-2.0) followed by collapsing consecutive
 * {@code <*>} tokens.
 *
 * <p>Rules, in order: DS (whitespace runs to one space, trimmed); PS (a path-like piece
 * {@code (/[^/]+)+} between {@code \s , ! ; : = | " ' [ ] ( ) { }} becomes {@code <*>}); then, on pieces
 * between those delimiters and {@code . - + @ # $ % &}: BL/US ({@code true false null root admin}
 * become {@code <*>}), DG (digit-only pieces become {@code <*>}), WV (a piece holding {@code <*>} among
 * other non-slash characters becomes {@code <*>}); DV ({@code <*>.<*>}), CV ({@code <*><*>}),
 * {@code #<*>#} and {@code <*>:<*>} collapse to {@code <*>}; finally {@code <*> <*>} collapses to
 * {@code <*>}. Why: the Loghub-2k labels mark the same variable at different granularity
 * ({@code blk_<*>}, {@code /<*>:<*>}, {@code <*>.<*>}) and keep some digits constant ({@code uid=0}); the
 * correction makes such labelling conventions, not parsing, irrelevant to the score.
 */
final class TemplateNormalizer {
    private static final String WILDCARD = "<*>";
    private static final String PATH_DELIMITERS = ",!;:=|\"'[](){}";
    private static final String TOKEN_DELIMITERS = PATH_DELIMITERS + ".-+@#$%&";
    private static final Set<String> FIXED_WORDS = Set.of("true", "false", "null", "root", "admin");

    private TemplateNormalizer() {}

    static String normalize(String template) {
        String t = template.strip().replaceAll("\\s+", " ");
        t = splitApply(t, PATH_DELIMITERS, TemplateNormalizer::pathRule);
        t = splitApply(t, TOKEN_DELIMITERS, TemplateNormalizer::tokenRule);
        t = replaceAllRepeatedly(t, "<*>.<*>");
        t = replaceAllRepeatedly(t, "<*><*>");
        t = replaceAllRepeatedly(t, "#<*>#");
        t = replaceAllRepeatedly(t, "<*>:<*>");
        t = replaceAllRepeatedly(t, "<*> <*>");
        return t;
    }

    private static String pathRule(String piece) {
        // ^(/[^/]+)+$
        if (piece.length() < 2 || piece.charAt(0) != '/') {
            return piece;
        }
        for (int i = 0; i < piece.length(); i++) {
            if (piece.charAt(i) == '/' && (i + 1 == piece.length() || piece.charAt(i + 1) == '/')) {
                return piece;
            }
        }
        return WILDCARD;
    }

    private static String tokenRule(String piece) {
        if (FIXED_WORDS.contains(piece.toLowerCase(Locale.ROOT))) {
            return WILDCARD;
        }
        if (!piece.isEmpty() && piece.chars().allMatch(Character::isDigit)) {
            return WILDCARD;
        }
        if (piece.contains(WILDCARD) && piece.indexOf('/') < 0 && piece.indexOf(' ') < 0) {
            return WILDCARD;
        }
        return piece;
    }

    private static String splitApply(String text, String delimiters, java.util.function.UnaryOperator<String> rule) {
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || isDelimiter(text.charAt(i), delimiters)) {
                out.append(rule.apply(text.substring(start, i)));
                if (i < text.length()) {
                    out.append(text.charAt(i));
                }
                start = i + 1;
            }
        }
        return out.toString();
    }

    private static boolean isDelimiter(char c, String delimiters) {
        return Character.isWhitespace(c) || delimiters.indexOf(c) >= 0;
    }

    private static String replaceAllRepeatedly(String text, String pattern) {
        String t = text;
        while (t.contains(pattern)) {
            t = t.replace(pattern, WILDCARD);
        }
        return t;
    }
}
