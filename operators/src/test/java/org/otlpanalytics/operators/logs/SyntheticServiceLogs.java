package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A labelled log stream of many synthetic services: each service has logging statements (format
 * strings with typed slots), and every generated line knows the statement it came from, so a miner
 * can be scored against "one pattern per logging statement".
 *
 * <p>Two kinds of services. Fifteen are written by hand after the shape of the OpenTelemetry demo's
 * services (frontend, cart, checkout, currency, payment, ...): sentences with ids, amounts and
 * durations, product ids that sometimes mask as numbers and sometimes read as words, key=value and
 * JSON-ish bodies, booleans, multi-line bodies with stack traces of varying depth, two small
 * enumerations that vary together ({@code {method} ... {reason}}), and true constant alternatives
 * (separate statements that differ in one word: {@code Cache hit}/{@code Cache miss}). The others are
 * generated: random format strings over a small vocabulary, where statements of one service may share
 * words but are never near-duplicates (two statements of one length share under half their constant
 * words), as distinct statements of real code are.
 *
 * <p>Every statement's first records (0 to 40 of them) repeat the same values (a hot id, a busy user)
 * before its values vary, and at least {@link #MIN_VARIED} records with varying values follow. Slots
 * of word values draw from sets of at least five values; two slots of one kind are never adjacent
 * (two adjacent ids of one word-bearing shape collapse into one token, like a list). What the
 * stream leaves out, because no miner can tell it from the records alone: a word slot with only two
 * or three values that never varies together with another word slot (that is written as constant
 * alternatives here), a word-valued slot as the first token, and values spanning a varying number of
 * words outside brackets and after the first line.
 */
final class SyntheticServiceLogs {
    /** One generated record: its service, the index of its statement in that service, its body. */
    record Line(String service, int statement, String body) {}

    /** One logging statement: its format (literal text with {@code {kind}} slots) and relative frequency. */
    record Statement(String format, int weight) {}

    /** Records of every statement after its hot prefix, so that its values have shown how they vary. */
    static final int MIN_VARIED = 40;
    private static final Map<String, Function<Random, String>> KINDS = kinds();

    private SyntheticServiceLogs() {}

    private static Map<String, Function<Random, String>> kinds() {
        Map<String, Function<Random, String>> k = new HashMap<>();
        k.put("int", r -> SyntheticValues.integer(r, 100_000));
        k.put("small", r -> SyntheticValues.integer(r, 20));
        k.put("dec", SyntheticValues::decimal);
        k.put("ms", SyntheticValues::millis);
        k.put("sec", SyntheticValues::seconds);
        k.put("uuid", SyntheticValues::uuid);
        k.put("hex16", r -> SyntheticValues.hex(r, 16));
        k.put("hex32", r -> SyntheticValues.hex(r, 32));
        k.put("ip", SyntheticValues::ipv4);
        k.put("endpoint", SyntheticValues::endpoint);
        k.put("path", SyntheticValues::path);
        k.put("product", SyntheticValues::productId);
        k.put("user", SyntheticValues::user);
        k.put("email", SyntheticValues::email);
        k.put("pod", SyntheticValues::podName);
        k.put("bool", SyntheticValues::bool);
        k.put("currency", r -> SyntheticValues.word(r, SyntheticValues.CURRENCIES));
        k.put("city", r -> SyntheticValues.word(r, SyntheticValues.CITIES));
        k.put("category", r -> SyntheticValues.word(r, SyntheticValues.CATEGORIES));
        k.put("topic", r -> SyntheticValues.word(r, SyntheticValues.TOPICS));
        k.put("region", r -> SyntheticValues.word(r, SyntheticValues.REGIONS));
        k.put("method", SyntheticValues.pick("GET", "POST"));
        k.put("reason", SyntheticValues.pick("missing_field", "bad_signature", "payload_too_large"));
        k.put("card", SyntheticValues.pick("visa", "mastercard", "amex", "discover", "jcb", "maestro", "unionpay"));
        k.put("stack", r -> "\n" + SyntheticValues.stackTrace(r));
        k.put("categories", r -> {
            int n = 1 + r.nextInt(3);
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                sb.append(i > 0 ? ", " : "").append(SyntheticValues.word(r, SyntheticValues.CATEGORIES));
            }
            return sb.append(']').toString();
        });
        return k;
    }

    /** The hand-written services, after the OpenTelemetry demo's. */
    static Map<String, List<Statement>> demoServices() {
        Map<String, List<Statement>> s = new LinkedHashMap<>();
        s.put("frontend", List.of(
                st("Request {method} {path} from {ip}: validation failed, {reason}", 3),
                st("Request validation failed for {method} {path} from {ip}: {reason}", 3),
                st("GET {path} completed with status {int} in {ms}", 20),
                st("POST {path} completed with status {int} in {ms}", 10),
                st("Session {uuid} created for user {user}", 5),
                st("Currency changed to {currency} for session {uuid}", 4),
                st("Failed to render product page for {product}: upstream deadline exceeded after {ms}", 2)));
        s.put("cart", List.of(
                st("GetCartAsync called with userId={uuid}", 20),
                st("AddItemAsync called with userId={uuid}, productId={product}, quantity={small}", 12),
                st("EmptyCartAsync called with userId={uuid}", 4),
                st("Cache hit for cart of user {uuid} in {ms}", 8),
                st("Cache miss for cart of user {uuid} in {ms}", 3),
                st("Can't access cart storage. Connection to {endpoint} refused{stack}", 1)));
        s.put("checkout", List.of(
                st("[PlaceOrder] user_id={uuid} user_currency={currency}", 10),
                st("payment went through (transaction_id: {uuid})", 9),
                st("order confirmation email sent to {email}", 8),
                st("failed to send order confirmation to {email}: {int} attempts, last error after {ms}", 1),
                st("Successfully prepared order {uuid} with {small} items, shipping cost {dec} {currency}", 9),
                st("sending to postProcessor topic {topic} partition {small} offset {int}", 6)));
        s.put("currency", List.of(
                st("Currency conversion request successful: {dec} {currency} to {currency}", 15),
                st("Currency conversion failed: unsupported currency code {currency}", 1),
                st("Loaded {small} currencies from {path}", 1)));
        s.put("payment", List.of(
                st("Charge request received: {\"amount\": {\"currencyCode\": \"{currency}\", \"units\": {int}, \"nanos\": {int}}}", 10),
                st("Transaction complete: transactionId={uuid} cardType={card} lastFourDigits={int} amount={dec} currency={currency} loyalty_level={category}", 9),
                st("Card {card} declined for transaction {uuid}: insufficient funds", 2),
                st("Feature flag paymentFailure evaluated to {bool} for user {user}", 5)));
        s.put("product-catalog", List.of(
                st("Loaded {small} products from catalog file {path}", 1),
                st("Cache miss for product {product}, loaded from catalog store in {ms} ms", 12),
                st("Cache hit for product {product} in {ms} ms", 20),
                st("Product {product} not found in catalog", 3),
                st("Search for products matching {category} returned {small} results in {ms}", 6)));
        s.put("recommendation", List.of(
                st("Receive ListRecommendations for product ids:{product}", 10),
                st("Recommendations for user {user}: {small} products after filtering {small} in cart", 8),
                st("Cache warmed with {int} product entries in {sec}", 1)));
        s.put("shipping", List.of(
                st("Received quote request for {small} items to {city}", 10),
                st("Sending quote request to {endpoint}: zip_code={int} items={small}", 10),
                st("Shipping quote {dec} {currency} for tracking {uuid}", 10),
                st("Shipment {uuid} scheduled from warehouse {region} to {city}", 6)));
        s.put("quote", List.of(
                st("Calculated quote for {small} items: {dec}", 12),
                st("Received request body: {\"numberOfItems\": {small}}", 12)));
        s.put("ad", List.of(
                st("Targeted ad request received for {categories}", 10),
                st("Non-targeted ad request received, preparing random response.", 6),
                st("Ad service failed to fetch ads for category {category}: {bool} fallback{stack}", 1)));
        s.put("fraud-detection", List.of(
                st("Consumed record with orderId: {uuid}, and updated total count to: {int}", 12),
                st("Order {uuid} flagged as suspicious: score={dec} threshold={dec} region={region}", 2),
                st("Consumer group {topic}-fraud rebalanced, {small} partitions assigned to {pod}", 1)));
        s.put("accounting", List.of(
                st("Order details: {\"orderId\": \"{uuid}\", \"shippingCost\": {dec}, \"currency\": \"{currency}\"}", 10),
                st("Order {uuid} persisted to ledger in {ms}", 10),
                st("Order {uuid} skipped: duplicate delivery from partition {small}", 1)));
        s.put("email", List.of(
                st("Order confirmation email sent to: {email}", 10),
                st("Email delivery to {email} deferred, retry {small} of {small} in {sec}", 2)));
        s.put("image-provider", List.of(
                st("{ip} - - \"GET /images/products/{product}.jpg HTTP/1.1\" {int} {int} \"-\" \"python-requests/{dec}\"", 10),
                st("upstream timed out while reading response header from {endpoint}, request \"GET {path}\"", 1)));
        s.put("load-generator", List.of(
                st("User {user} browsing product {product} from {city}", 10),
                st("User {user} added {small} of {product} to cart", 6),
                st("User {user} checked out with {currency} after {sec}", 3),
                st("Spawned {small} users at rate {dec} per second, total {int}", 1)));
        return s;
    }

    private static Statement st(String format, int weight) {
        return new Statement(format, weight);
    }

    private static final String[] VERBS = {
        "Processing", "Failed", "Received", "Sending", "Updated", "Loaded", "Created", "Deleted", "Retrying", "Skipping",
        "Starting", "Stopping", "Rejected", "Accepted", "Flushing", "Scheduling", "Resolved", "Publishing"};
    private static final String[] WORDS = {
        "order", "cart", "user", "session", "request", "batch", "queue", "message", "record", "invoice", "token",
        "account", "payment", "job", "worker", "connection", "cache", "index", "snapshot", "partition", "lease",
        "for", "from", "to", "with", "after", "in", "on", "of", "by", "the", "new", "stale", "pending", "remote",
        "local", "primary", "backup", "entries", "items", "bytes", "rows", "retries", "timeout", "limit"};
    private static final String[] SLOT_KINDS = {
        "int", "small", "dec", "ms", "sec", "uuid", "hex16", "ip", "endpoint", "path", "product", "user", "email", "pod",
        "bool", "currency", "city", "topic", "region", "card"};

    /** {@code count} generated services with 5 to 12 statements each. */
    static Map<String, List<Statement>> generatedServices(long seed, int count) {
        Random r = new Random(seed);
        Map<String, List<Statement>> services = new LinkedHashMap<>();
        for (int s = 0; s < count; s++) {
            List<Statement> statements = new ArrayList<>();
            int wanted = 5 + r.nextInt(8);
            while (statements.size() < wanted) {
                String format = randomFormat(r);
                if (distinctFromAll(format, statements)) {
                    statements.add(st(format, 1 + r.nextInt(10)));
                }
            }
            services.put("svc-" + s, statements);
        }
        return services;
    }

    private static String randomFormat(Random r) {
        StringBuilder sb = new StringBuilder(VERBS[r.nextInt(VERBS.length)]);
        int tokens = 2 + r.nextInt(10);
        boolean slot = false;
        String previous = null;
        for (int i = 0; i < tokens; i++) {
            sb.append(' ');
            String kind = SLOT_KINDS[r.nextInt(SLOT_KINDS.length)];
            if (r.nextInt(3) == 0 && !kind.equals(previous)) {
                previous = kind;
                String punct = r.nextInt(4) == 0 ? ":" : r.nextInt(4) == 0 ? "," : "";
                if (r.nextInt(3) == 0) {
                    sb.append(WORDS[r.nextInt(WORDS.length)]).append('=');
                }
                sb.append('{').append(kind).append('}').append(punct);
                slot = true;
            } else {
                sb.append(WORDS[r.nextInt(WORDS.length)]);
                previous = null;
            }
        }
        if (!slot) {
            sb.append(" {int}");
        }
        return sb.toString();
    }

    /** Under half of the constant words shared, either way, with every other statement of the same token count. */
    private static boolean distinctFromAll(String format, List<Statement> others) {
        String[] a = format.split(" ");
        for (Statement o : others) {
            String[] b = o.format().split(" ");
            if (b.length != a.length) {
                continue;
            }
            if (sharesHalf(a, b) || sharesHalf(b, a)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b} repeats at least half of the constant words of {@code a} (or {@code a} has none). */
    private static boolean sharesHalf(String[] a, String[] b) {
        int constants = 0;
        int shared = 0;
        for (int i = 0; i < a.length; i++) {
            if (!a[i].contains("{")) {
                constants++;
                if (a[i].equals(b[i])) {
                    shared++;
                }
            }
        }
        return constants == 0 || 2 * shared >= constants;
    }

    /**
     * About {@code recordsPerService} lines per service, statements drawn by weight, services
     * interleaved. A statement's first records (0 to 40) repeat one set of values, and at least
     * {@link #MIN_VARIED} records follow them.
     */
    static List<Line> generate(Map<String, List<Statement>> services, int recordsPerService, long seed) {
        return generate(services, recordsPerService, seed, 40);
    }

    /** As {@link #generate(Map, int, long)} with hot prefixes of 0 to {@code maxHot} records. */
    static List<Line> generate(Map<String, List<Statement>> services, int recordsPerService, long seed, int maxHot) {
        Random r = new Random(seed);
        List<List<Line>> perService = new ArrayList<>();
        for (Map.Entry<String, List<Statement>> e : services.entrySet()) {
            List<Statement> statements = e.getValue();
            int[] hot = new int[statements.size()];
            long[] hotSeed = new long[statements.size()];
            for (int i = 0; i < hot.length; i++) {
                hot[i] = r.nextInt(maxHot + 1);
                hotSeed[i] = r.nextLong();
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < statements.size(); i++) {
                for (int k = 0; k < hot[i] + MIN_VARIED; k++) {
                    order.add(i);
                }
            }
            int total = 0;
            for (Statement st : statements) {
                total += st.weight();
            }
            while (order.size() < recordsPerService) {
                int pick = r.nextInt(total);
                int i = 0;
                while (pick >= statements.get(i).weight()) {
                    pick -= statements.get(i).weight();
                    i++;
                }
                order.add(i);
            }
            java.util.Collections.shuffle(order, r);
            int[] emitted = new int[statements.size()];
            List<Line> lines = new ArrayList<>(order.size());
            for (int i : order) {
                Random values = emitted[i] < hot[i] ? new Random(hotSeed[i]) : r;
                emitted[i]++;
                lines.add(new Line(e.getKey(), i, render(statements.get(i).format(), values)));
            }
            perService.add(lines);
        }
        List<Line> all = new ArrayList<>();
        int[] cursor = new int[perService.size()];
        boolean more = true;
        while (more) {
            more = false;
            for (int s = 0; s < perService.size(); s++) {
                int take = 1 + r.nextInt(5);
                List<Line> lines = perService.get(s);
                while (take-- > 0 && cursor[s] < lines.size()) {
                    all.add(lines.get(cursor[s]++));
                }
                more |= cursor[s] < lines.size();
            }
        }
        return all;
    }

    static String render(String format, Random r) {
        StringBuilder sb = new StringBuilder(format.length() + 32);
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            int close = c == '{' ? format.indexOf('}', i) : -1;
            if (close > i && KINDS.containsKey(format.substring(i + 1, close))) {
                sb.append(KINDS.get(format.substring(i + 1, close)).apply(r));
                i = close + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }
}
