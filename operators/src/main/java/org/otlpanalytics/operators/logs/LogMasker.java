package org.otlpanalytics.operators.logs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a log body into the masked tokens a {@link DrainTree} clusters: variable parts (addresses,
 * numbers, ids, paths, ...) become {@code <*>} before clustering, so that they neither split templates
 * nor count in similarity.
 *
 * <p>Configuration is an ordered list of named {@link MaskingRule}s. By default it is
 * {@link MaskingRule#defaults()}; rules added with {@link Builder#addRule} run before them (so a
 * specific pattern wins over the generic ones). While the defaults are present unchanged at the end
 * of the list they run through {@link MaskingScanner}, the hand-written equivalent that keeps the
 * miner above 250k lines/s; once a default is removed or rules are appended after them, every rule is
 * applied as a regex, literally and in order.
 *
 * <pre>{@code
 * LogMasker masker = LogMasker.builder()
 *     .addRule(MaskingRule.of("k8s-pod", "\\bpod-[a-z0-9]{5}\\b", "<*>"))
 *     .build();
 * String[] tokens = masker.tokenize("Started pod-7f9c2 in 12ms");   // [Started, <*>, in, <*>]
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class LogMasker implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String RULES_KEY = "log-patterns.masking.rules";

    private static final LogMasker DEFAULT = builder().build();

    private final List<MaskingRule> rules;
    /** Rules run as regexes before the scanner; all rules when the scanner is not used. */
    private final List<MaskingRule> regexRules;
    private final boolean scanner;
    /** Bodies whose tokens {@link #tokenize} keeps (0: none); see {@link MaskedBodyCache}. */
    private final int cachedBodies;
    /** Created on first use, after deserialization too (a Caffeine cache is not serializable). */
    private transient volatile MaskedBodyCache cache;

    LogMasker(List<MaskingRule> rules, boolean allowScanner, int cachedBodies) {
        this.cachedBodies = cachedBodies;
        this.rules = List.copyOf(rules);
        List<MaskingRule> defaults = MaskingRule.defaults();
        int prefix = rules.size() - defaults.size();
        boolean tailIsDefaults = allowScanner && prefix >= 0;
        for (int k = 0; tailIsDefaults && k < defaults.size(); k++) {
            tailIsDefaults = rules.get(prefix + k) == defaults.get(k);
        }
        this.scanner = tailIsDefaults;
        this.regexRules = tailIsDefaults ? List.copyOf(rules.subList(0, prefix)) : this.rules;
    }

    private LogMasker(LogMasker from, int cachedBodies) {
        this.rules = from.rules;
        this.regexRules = from.regexRules;
        this.scanner = from.scanner;
        this.cachedBodies = cachedBodies;
    }

    /** The default masker: {@link MaskingRule#defaults()} through the fast scanner. */
    public static LogMasker defaults() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The rules in application order. */
    public List<MaskingRule> rules() {
        return rules;
    }

    /** Whether the default rules run through the hand-written scanner (the fast path). */
    public boolean usesScanner() {
        return scanner;
    }

    /**
     * Masked tokens of {@code body}, whitespace-separated, with runs of {@code <*>} collapsed.
     *
     * <p>A multi-line body is masked as its first non-blank line followed by one {@code <*>} for all
     * further lines: a logging statement's text is its first line, and what follows (a stack trace, a
     * dumped payload) varies in length from record to record, which would otherwise split one
     * statement into a template per length.
     */
    public String[] tokenize(String body) {
        String text = body == null ? "" : body;
        return cachedBodies == 0 ? maskUncached(text) : cache().tokens(text, this::maskUncached);
    }

    /** Bodies kept with their masked tokens per masker (0: every body is masked each time). */
    public int cachedBodies() {
        return cachedBodies;
    }

    /** This masker's rules without the cache: what masking alone costs (benchmarks). */
    public LogMasker uncached() {
        return cachedBodies == 0 ? this : new LogMasker(this, 0);
    }

    private MaskedBodyCache cache() {
        MaskedBodyCache c = cache;
        if (c == null) {
            synchronized (this) {
                c = cache;
                if (c == null) {
                    c = new MaskedBodyCache(cachedBodies);
                    cache = c;
                }
            }
        }
        return c;
    }

    /** {@link #tokenize} without the cache. */
    private String[] maskUncached(String body) {
        String text = body;
        for (MaskingRule rule : regexRules) {
            text = rule.apply(text);
        }
        if (scanner) {
            return MaskingScanner.scan(text); // one pass, lines included
        }
        int lineStart = 0;
        int nl = nextLineBreak(text, 0);
        while (nl >= 0 && text.substring(lineStart, nl).isBlank()) {
            lineStart = nl + 1;
            nl = nextLineBreak(text, lineStart);
        }
        boolean tail = nl >= 0 && !text.substring(nl + 1).isBlank();
        List<String> tokens = new ArrayList<>();
        splitWhitespace(nl < 0 ? text.substring(lineStart) : text.substring(lineStart, nl), tokens);
        if (tail) {
            tokens.add(TemplateTokens.WILDCARD);
        }
        return MaskingScanner.collapse(tokens);
    }

    /** The next {@code \n} ({@code \r\n} ends a line too; a lone {@code \r} is whitespace). */
    private static int nextLineBreak(String text, int from) {
        return text.indexOf('\n', from);
    }

    private static void splitWhitespace(String text, List<String> tokens) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens.add(text.substring(start, i));
            }
        }
    }

    /** The masked body: {@link #tokenize(String)} joined by single spaces. */
    public String mask(String body) {
        return TemplateTokens.join(tokenize(body));
    }

    /** Builder; starts from {@link MaskingRule#defaults()}. */
    public static final class Builder {
        private final List<MaskingRule> userRules = new ArrayList<>();
        private final List<MaskingRule> tailRules = new ArrayList<>(MaskingRule.defaults());
        /**
         * Per masker; each Flink subtask deserializes its own masker, so per subtask. 16,384: a subtask
         * that mines several services sees thousands of distinct repeating bodies (the benchmark's busier
         * subtask 7,320, 4 Loghub data sets), which 4,096 bodies could not hold (a hit was then rare and
         * every miss paid the cache's put besides masking); about 1 KB per body of typical length (114
         * characters, 13 tokens), so about 16 MB per subtask when full (at most about 3 KB per body: {@link MaskedBodyCache#MAX_TOKENS}).
         */
        static final int DEFAULT_CACHED_BODIES = 16_384;

        private boolean scanner = true;
        private int cachedBodies = DEFAULT_CACHED_BODIES;

        Builder() {}

        /**
         * How many recent bodies of at most {@value MaskedBodyCache#MAX_BODY_CHARS} characters keep their
         * masked tokens (default {@value #DEFAULT_CACHED_BODIES}, about 1 KB each for a typical body), so an
         * exact repeat is not masked again; 0 masks every body.
         */
        public Builder cachedBodies(int cachedBodies) {
            this.cachedBodies = cachedBodies;
            return this;
        }

        /**
         * Whether the defaults may run through the hand-written scanner (default true); false applies
         * every rule as a regex, e.g. to compare against the reference definitions.
         */
        public Builder scanner(boolean scanner) {
            this.scanner = scanner;
            return this;
        }

        /** Adds a rule that runs after earlier added ones and before the defaults. */
        public Builder addRule(MaskingRule rule) {
            userRules.add(rule);
            return this;
        }

        /** Adds a rule that runs after the defaults (this turns off the fast scanner). */
        public Builder appendRule(MaskingRule rule) {
            tailRules.add(rule);
            return this;
        }

        /** Drops one default rule by name (this turns off the fast scanner). */
        public Builder removeDefault(String name) {
            tailRules.removeIf(r -> r.name().equals(name) && MaskingRule.defaults().contains(r));
            return this;
        }

        /** Drops every default rule, leaving only added ones. */
        public Builder withoutDefaults() {
            tailRules.removeIf(r -> MaskingRule.defaults().contains(r));
            return this;
        }

        /** Checks that every rule is present and named once. */
        public LogMasker build() {
            List<MaskingRule> all = new ArrayList<>(userRules);
            all.addAll(tailRules);
            List<String> problems = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (MaskingRule rule : all) {
                if (rule == null) {
                    problems.add(RULES_KEY + " must not contain null");
                } else if (!names.add(rule.name())) {
                    problems.add(RULES_KEY + " names rule '" + rule.name() + "' twice");
                }
            }
            if (cachedBodies < 0) {
                problems.add("cached bodies must not be negative, was " + cachedBodies);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new LogMasker(all, scanner, cachedBodies);
        }
    }
}
