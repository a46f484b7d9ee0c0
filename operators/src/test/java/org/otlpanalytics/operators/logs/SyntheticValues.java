package org.otlpanalytics.operators.logs;

import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Value generators for {@link SyntheticServiceLogs}: the kinds of values application logging
 * statements print, each as a function of a {@link Random} so that a seed fixes the whole stream.
 */
final class SyntheticValues {
    static final String[] FIRST_NAMES = {
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
        "peggy", "rupert", "sybil", "trent", "victor", "walter", "yvonne", "zoe", "aaron", "bella", "chris", "dora",
        "ethan", "fiona", "gavin", "hannah", "isaac", "jade", "kevin", "laura", "mason", "nora", "oscar", "paula",
        "quinn", "ruby", "sam", "tara", "umar", "vera", "wade", "xena", "yusuf", "zara"};
    static final String[] CITIES = {
        "Amsterdam", "Berlin", "Chicago", "Dublin", "Edinburgh", "Frankfurt", "Geneva", "Helsinki", "Istanbul",
        "Jakarta", "Kyoto", "Lisbon", "Madrid", "Nairobi", "Oslo", "Paris", "Quito", "Rome", "Seattle", "Tokyo"};
    static final String[] CURRENCIES = {"USD", "EUR", "CAD", "JPY", "GBP", "TRY", "CHF", "SEK", "BRL", "INR"};
    static final String[] CATEGORIES = {"telescopes", "binoculars", "accessories", "assembly", "travel", "books", "flashlights"};
    static final String[] TOPICS = {"orders", "payments", "shipments", "refunds", "inventory", "notifications"};
    static final String[] HOST_WORDS = {"cart", "checkout", "payment", "catalog", "ledger", "search", "quote", "email"};
    static final String[] REGIONS = {"us-east-1", "eu-west-1", "ap-south-1", "eu-central-1", "us-west-2"};
    private static final String ALNUM_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String HEX = "0123456789abcdef";

    private SyntheticValues() {}

    static Function<Random, String> pick(String... values) {
        return r -> values[r.nextInt(values.length)];
    }

    static String integer(Random r, int bound) {
        return Integer.toString(r.nextInt(bound));
    }

    static String decimal(Random r) {
        return String.format(Locale.ROOT, "%d.%02d", r.nextInt(2000), r.nextInt(100));
    }

    static String millis(Random r) {
        return r.nextInt(3000) + "ms";
    }

    static String seconds(Random r) {
        return String.format(Locale.ROOT, "%.3fs", r.nextDouble() * 20);
    }

    static String uuid(Random r) {
        return hex(r, 8) + "-" + hex(r, 4) + "-4" + hex(r, 3) + "-a" + hex(r, 3) + "-" + hex(r, 12);
    }

    static String hex(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(HEX.charAt(r.nextInt(16)));
        }
        return sb.toString();
    }

    static String ipv4(Random r) {
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    static String endpoint(Random r) {
        return ipv4(r) + ":" + (1024 + r.nextInt(60000));
    }

    /**
     * Product ids shaped like the OpenTelemetry demo's ({@code OLJCESPC7Z}, {@code 66VCHSJNUP}):
     * ten upper-case characters with one or two digits, so some mask as numbers and some read as words.
     */
    static String productId(Random r) {
        char[] c = new char[10];
        for (int i = 0; i < 10; i++) {
            c[i] = ALNUM_UPPER.charAt(r.nextInt(ALNUM_UPPER.length()));
        }
        int digits = 1 + r.nextInt(2);
        for (int d = 0; d < digits; d++) {
            c[r.nextInt(10)] = (char) ('0' + r.nextInt(10));
        }
        return new String(c);
    }

    static String user(Random r) {
        return FIRST_NAMES[r.nextInt(FIRST_NAMES.length)];
    }

    static String email(Random r) {
        return user(r) + "." + FIRST_NAMES[r.nextInt(FIRST_NAMES.length)] + "@example.com";
    }

    static String word(Random r, String[] words) {
        return words[r.nextInt(words.length)];
    }

    static String path(Random r) {
        return "/api/" + word(r, new String[] {"cart", "products", "checkout", "currency", "recommendations", "data"})
                + (r.nextBoolean() ? "/" + productId(r) : "");
    }

    static String podName(Random r) {
        return word(r, HOST_WORDS) + "-" + hex(r, 9) + "-" + hex(r, 5);
    }

    static String bool(Random r) {
        return r.nextBoolean() ? "true" : "false";
    }

    /** A Java-style stack trace of 2 to 12 frames after the first line of a multi-line body. */
    static String stackTrace(Random r) {
        StringBuilder sb = new StringBuilder();
        sb.append(word(r, new String[] {"java.lang.IllegalStateException", "java.io.IOException", "java.util.concurrent.TimeoutException"}))
                .append(": ").append(word(r, new String[] {"connection reset", "deadline exceeded after " + millis(r), "pool exhausted"}));
        int frames = 2 + r.nextInt(11);
        for (int f = 0; f < frames; f++) {
            String cls = word(r, new String[] {"Checkout", "PaymentClient", "Retry", "Netty", "Grpc", "Pool"});
            sb.append("\n\tat com.example.").append(cls).append('.').append(word(r, new String[] {"call", "run", "apply", "handle"}))
                    .append('(').append(cls).append(".java:").append(10 + r.nextInt(400)).append(')');
        }
        return sb.toString();
    }
}
