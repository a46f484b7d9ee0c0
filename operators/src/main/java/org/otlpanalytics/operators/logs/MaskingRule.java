package org.otlpanalytics.operators.logs;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One named masking rule: every match of {@code pattern} in a log body is replaced by
 * {@code replacement}, which must print the variable as {@code <*>} (group references such as
 * {@code $1} may keep constant parts, e.g. a URL's scheme).
 *
 * <p>{@link #defaults()} is the documented default list, in the order it is applied. {@link LogMasker}
 * runs these defaults through a hand-written scanner with the same intent (see {@link MaskingScanner})
 * because a dozen regexes per line would cost most of the throughput budget; the regexes stay the
 * reference definition, and a list that drops or reorders a default is applied literally.
 *
 * @param name unique name, used to remove or replace a rule
 * @param pattern the precompiled regex
 * @param replacement replacement text for {@link java.util.regex.Matcher#replaceAll(String)}
 */
public record MaskingRule(String name, Pattern pattern, String replacement) implements Serializable {
    public static final String LIST = "list";
    public static final String QUOTED = "quoted";
    public static final String URL = "url";
    public static final String EMAIL = "email";
    public static final String PATH = "path";
    public static final String UUID = "uuid";
    public static final String IPV6 = "ipv6";
    public static final String IPV4 = "ipv4";
    public static final String TIMESTAMP = "timestamp";
    public static final String SIZE = "size";
    public static final String DURATION = "duration";
    public static final String HEX = "hex";
    public static final String LITERAL = "literal";
    public static final String ID = "id";
    public static final String NUMBER = "number";

    private static final String MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?";
    private static final String WEEKDAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?";

    private static final List<MaskingRule> DEFAULTS = List.of(
            of(LIST, "([\\[{])(?:[^\\[\\]{}\\s,\"]|\"(?!:))*(?:,[ \\t]*(?:[^\\[\\]{}\\s,\"]|\"(?!:))*)+([\\]}])", "$1<*>$2"),
            of(QUOTED, "(?<![^\\s\\[{(,:=])\"[^\"\\s]*\"(?!:)", "\"<*>\""),
            of(URL, "\\b([A-Za-z][A-Za-z0-9+.\\-]*)://[^\\s\"'<>()\\[\\]]+", "$1://<*>"),
            of(EMAIL, "(?<![\\w.@])[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+", "<*>"),
            of(PATH, "(?<![\\w/.:*])(?:(?:~|\\.{1,2})?/[^\\s/\"'()\\[\\]<>,;]+(?:/[^\\s/\"'()\\[\\]<>,;]*)*"
                    + "|[A-Za-z]:\\\\[^\\s\"'<>]*|[\\w.\\-]+(?:/[\\w.\\-]+){2,}/?)", "<*>"),
            of(UUID, "\\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\\b", "<*>"),
            of(IPV6, "(?<![\\w:])(?=[0-9a-fA-F:.]*\\d)[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:%\\w+)?(?![\\w:])", "<*>"),
            of(IPV4, "(?<![\\w.])\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?\\b", "<*>"),
            of(TIMESTAMP, "\\b(?:" + WEEKDAY + "\\s+)?" + MONTH + "\\s+\\d{1,2}\\b(?:,?\\s+\\d{4}\\b)?"
                    + "(?:\\s+\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?)?(?:\\s+\\d{4}\\b)?"
                    + "|\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?", "<*>"),
            of(SIZE, "(?<![\\w.])[-+]?\\d+(?:\\.\\d+)?\\s?(?:[KMGTPE]i?B|[kmgtpe]b|kB|B)\\b", "<*>"),
            of(DURATION, "(?<![\\w.])\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|sec|secs|min|mins|m|h|hr|hrs|d)\\b", "<*>"),
            of(HEX, "\\b0[xX][0-9a-fA-F]+\\b|(?<![\\w.])(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}\\b", "<*>"),
            of(LITERAL, "(?<![A-Za-z0-9_])(?:true|false|True|False|TRUE|FALSE|null|NULL|None|nil)(?![A-Za-z0-9_])", "<*>"),
            of(ID, "(?<![A-Za-z0-9])(?=[A-Z0-9]{6,}(?![A-Za-z0-9]))[A-Z]*[0-9][A-Z]*(?![A-Za-z0-9])", "<*>"),
            of(NUMBER, "(?<![A-Za-z0-9])(?:[A-Za-z]+\\d[A-Za-z]*[.:\\-_/,+#@]+(?=\\d))?(?:[-+](?=\\d))?(?:\\d[A-Za-z0-9]*|[A-Za-z]*\\d[A-Za-z]*\\d[A-Za-z0-9]*)(?![A-Za-z0-9])"
                    + "(?:[.:\\-_/,+#@]+(?:\\d[A-Za-z0-9]*|[A-Za-z]*\\d[A-Za-z0-9]*))*", "<*>"));

    public MaskingRule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("masking rule name must not be blank");
        }
        if (pattern == null) {
            throw new IllegalArgumentException("masking rule " + name + " has no pattern");
        }
        if (replacement == null || !replacement.contains(TemplateTokens.WILDCARD)) {
            throw new IllegalArgumentException("masking rule " + name + " must replace with text containing <*>, got " + replacement);
        }
    }

    /** A rule from a regex string, compiled once here. */
    public static MaskingRule of(String name, String regex, String replacement) {
        return new MaskingRule(name, Pattern.compile(regex), replacement);
    }

    /**
     * The default rules, in application order: list, quoted, url, email, path, uuid, ipv6, ipv4,
     * timestamp, size, duration, hex, literal, id, number. The same instances every call.
     */
    public static List<MaskingRule> defaults() {
        return DEFAULTS;
    }

    String apply(String text) {
        return pattern.matcher(text).replaceAll(replacement);
    }
}
