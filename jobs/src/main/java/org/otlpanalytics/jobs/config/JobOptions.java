package org.otlpanalytics.jobs.config;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.otlpanalytics.schemas.Encoding;

/**
 * Command-line options shared by the jobs ({@code --key value}); every default is here and
 * every key is documented in the README. Unknown keys are rejected with the key named.
 */
public final class JobOptions {
    public static final String BOOTSTRAP = "bootstrap-servers";
    public static final String JDBC_URL = "jdbc-url";
    public static final String SPANS_TOPIC = "spans-topic";
    public static final String LOGS_TOPIC = "logs-topic";
    public static final String METRICS_TOPIC = "metrics-topic";
    public static final String DEAD_LETTER_TOPIC = "dead-letter-topic";
    public static final String ENCODING = "encoding";
    public static final String GROUP_ID = "group-id";
    public static final String FROM = "from";
    public static final String TO = "to";
    /**
     * A backfill by offsets, {@code topic:partition:from-to[,...]} (inclusive): rewrites every window
     * the records in the ranges touch. Excludes {@code --from}/{@code --to}; see {@code OffsetReplay}.
     */
    public static final String OFFSETS = "offsets";
    /**
     * Not an option: the earliest and latest event time ({@code min-max}, epoch ms) of the records
     * of {@link #OFFSETS}, which {@code OffsetReplay.resolve} reads from Kafka where the job is built.
     */
    public static final String OFFSETS_EVENT_TIMES = "offsets-event-times";
    public static final String STARTING_OFFSETS = "starting-offsets";
    public static final String BOUNDED = "bounded";
    public static final String MODE = "mode";
    public static final String PARALLELISM = "parallelism";
    public static final String CHECKPOINT_INTERVAL = "checkpoint-interval";
    /**
     * Unaligned checkpoints (barriers overtake the records queued in the network), with the timers of
     * the operators that opt in (the metric aggregator) interruptible by a barrier (FLIP-443),
     * streaming mode.
     */
    public static final String UNALIGNED_CHECKPOINTS = "unaligned-checkpoints";
    /**
     * The longest a partly filled network buffer waits before it is sent to the next task (Flink's
     * buffer timeout; full buffers leave at once), streaming mode.
     */
    public static final String BUFFER_TIMEOUT = "buffer-timeout";
    public static final String OUT_OF_ORDERNESS = "out-of-orderness";
    public static final String ALLOWED_LATENESS = "allowed-lateness";
    public static final String IDLENESS = "idleness";
    /** Records dated more than this after their Kafka record timestamp are dead-lettered (counted). */
    public static final String MAX_FUTURE_SKEW = "max-future-skew";
    public static final String CARDINALITY_LIMIT = "red-cardinality-limit";
    /** Built-in span dimensions whose top values and distinct counts RED keeps per service and minute. */
    public static final String RED_DIMENSIONS = "red-dimensions";
    /** Span attribute keys counted the same way (top values, distinct count), e.g. enduser.id. */
    public static final String RED_ATTRIBUTES = "red-attributes";
    /** CLIENT/PRODUCER spans at least this long count for the slow.peer dimension. */
    public static final String RED_SLOW_CALL_THRESHOLD = "red-slow-call-threshold";
    /** Values listed per service, minute and dimension in span_attr_1m. */
    public static final String RED_TOPK_ITEMS = "red-topk-items";
    /** Values counted exactly per series, minute and dimension before the rest fold into the error bound. */
    public static final String RED_TOPK_MAX_VALUES = "red-topk-max-values";
    /** Patterns kept per (tenant, service) before the least recently used is evicted (counted). */
    public static final String LOG_PATTERNS_MAX_CLUSTERS = "log-patterns-max-clusters";
    /** Log records per (tenant, service), Kafka partition and second mined; the rest fold into an over-cap pattern (counted). */
    public static final String LOG_PATTERNS_SECOND_MAX_RECORDS = "log-patterns-second-max-records";
    /** A (tenant, service) without log records for this long (event time) loses its tree (counted). */
    public static final String LOG_PATTERNS_STREAM_IDLE_TIMEOUT = "log-patterns-stream-idle-timeout";
    /** Patterns per fingerprinter subtask whose trees stay deserialized on the heap between checkpoints. */
    public static final String LOG_PATTERNS_CACHE_MAX_PATTERNS = "log-patterns-cache-max-patterns";
    public static final String EDGES_STORE_TTL = "edges-store-ttl";
    public static final String EDGES_STORE_MAX_ITEMS = "edges-store-max-items";
    public static final String EDGES_MAX_PEERS_PER_CALLER = "edges-max-peers-per-caller";
    public static final String EDGES_TOPOLOGY_IDLE_TIMEOUT = "edges-topology-idle-timeout";
    public static final String EDGES_LIVE_WINDOW = "edges-live-window";
    public static final String EDGES_LIVE_REFRESH = "edges-live-refresh-interval";
    public static final String EDGES_LIVE_AGE = "edges-live-age";
    public static final String EDGES_LIVE_AGE_GRAPH = "edges-live-age-graph";
    public static final String METRICS_SERIES_IDLE_TIMEOUT = "metrics-series-idle-timeout";
    public static final String METRICS_MAX_SERIES_PER_RESOURCE = "metrics-max-series-per-resource";
    public static final String METRICS_FIRST_POINT_MAX_INTERVAL = "metrics-first-point-max-interval";
    /** Distinct tenants kept per window (RED minute, edge slot); the rest fold into tenant {@code overflow}. 0 = no limit. */
    public static final String LIMITS_MAX_TENANTS = "limits-max-tenants";
    /** Distinct services (RED, logs), callers and callees kept per tenant and window; the rest fold into {@code urn:svc:overflow/other}. 0 = no limit. */
    public static final String LIMITS_MAX_RESOURCES_PER_TENANT = "limits-max-resources-per-tenant";
    /** Distinct RED series (service, operation), edges (caller, callee) and log patterns (service, fingerprint) kept per tenant and window. 0 = no limit. */
    public static final String LIMITS_MAX_SERIES_PER_TENANT = "limits-max-series-per-tenant";
    /**
     * Distinct metric series (resource, metric, labels) kept per tenant and minute; the rest count
     * under one overflow label set per resource and metric. 0 = no limit (the default: metric series
     * are bounded per resource by {@code --metrics-max-series-per-resource}).
     */
    public static final String LIMITS_MAX_METRIC_SERIES_PER_TENANT = "limits-max-metric-series-per-tenant";
    /** Checkpoint directory (URI); empty = the cluster's configuration decides. */
    public static final String CHECKPOINT_DIR = "checkpoint-dir";
    /** State backend: {@code rocksdb} or {@code hashmap}; empty = the cluster's configuration decides. */
    public static final String STATE_BACKEND = "state-backend";
    /** Restart strategy: none, fixed-delay[:ATTEMPTS[:DELAY]], exponential-delay[:MAX_BACKOFF]; empty = the cluster's. */
    public static final String RESTART_STRATEGY = "restart-strategy";
    public static final String BATCH_SIZE = "batch-size";
    public static final String JOBS = "jobs";
    /** Incidents: deviations from the baseline a step must lie to breach. */
    public static final String INCIDENTS_DEVIATIONS = "incidents-deviations";
    /** Incidents: event time learnt before anything can open. */
    public static final String INCIDENTS_WARMUP = "incidents-warmup";
    /** Incidents: calls a minute needs before its error ratio and latency are judged. */
    public static final String INCIDENTS_MIN_CALLS = "incidents-min-calls";
    /** Incidents: m/n — an incident opens when m of the last n minutes breach. */
    public static final String INCIDENTS_OPEN = "incidents-open";
    /** Incidents: quiet time (in minutes) after which an incident closes. */
    public static final String INCIDENTS_CLOSE_QUIET = "incidents-close-quiet";
    public static final String INCIDENTS_UTILIZATION_LEVEL = "incidents-utilization-level";
    public static final String INCIDENTS_SATURATION_LEVEL = "incidents-saturation-level";
    /** Stores the job writes to, comma-separated: {@code postgres}, {@code clickhouse}. */
    public static final String SINKS = "sinks";
    /** ClickHouse's HTTP interface, {@code http(s)://host:port}. */
    public static final String CLICKHOUSE_URL = "clickhouse-url";
    /** ClickHouse user; empty = no credentials sent (the server's default user). */
    public static final String CLICKHOUSE_USER = "clickhouse-user";
    /** ClickHouse password; empty = $OTLP_ANALYTICS_CLICKHOUSE_PASSWORD when set, else none. */
    public static final String CLICKHOUSE_PASSWORD = "clickhouse-password";
    public static final String CLICKHOUSE_DATABASE = "clickhouse-database";
    public static final String CLICKHOUSE_BATCH_MAX_ROWS = "clickhouse-batch-max-rows";
    public static final String CLICKHOUSE_BATCH_MAX_BYTES = "clickhouse-batch-max-bytes";
    public static final String CLICKHOUSE_MAX_RETRIES = "clickhouse-max-retries";
    public static final String CLICKHOUSE_RETRY_BACKOFF = "clickhouse-retry-backoff";
    public static final String CLICKHOUSE_RETRY_MAX_BACKOFF = "clickhouse-retry-max-backoff";
    /** Whether the ClickHouse tables get the DDL's TTL (retention) clauses. */
    public static final String CLICKHOUSE_RETENTION = "clickhouse-retention";
    /** Every log record with its fingerprint into {@code log_record} (with the ClickHouse sink). */
    public static final String CLICKHOUSE_LOG_RECORDS = "clickhouse-log-records";
    /** Every span into {@code span} (with the ClickHouse sink; opt-in, high volume). */
    public static final String CLICKHOUSE_SPANS = "clickhouse-spans";

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put(BOOTSTRAP, "localhost:9092");
        DEFAULTS.put(JDBC_URL, null);
        DEFAULTS.put(SPANS_TOPIC, "otlp_spans");
        DEFAULTS.put(LOGS_TOPIC, "otlp_logs");
        DEFAULTS.put(METRICS_TOPIC, "otlp_metrics");
        DEFAULTS.put(DEAD_LETTER_TOPIC, "otlp_deadletter");
        DEFAULTS.put(ENCODING, "otlp_proto");
        DEFAULTS.put(GROUP_ID, "otlp-analytics");
        DEFAULTS.put(FROM, null);
        DEFAULTS.put(TO, null);
        DEFAULTS.put(OFFSETS, null);
        DEFAULTS.put(STARTING_OFFSETS, "committed-or-earliest");
        DEFAULTS.put(BOUNDED, "false");
        DEFAULTS.put(MODE, "streaming");
        DEFAULTS.put(PARALLELISM, "2");
        DEFAULTS.put(CHECKPOINT_INTERVAL, "10s");
        DEFAULTS.put(UNALIGNED_CHECKPOINTS, "false");
        DEFAULTS.put(BUFFER_TIMEOUT, "1s");
        DEFAULTS.put(OUT_OF_ORDERNESS, "30s");
        DEFAULTS.put(ALLOWED_LATENESS, "2m");
        DEFAULTS.put(IDLENESS, "30s");
        DEFAULTS.put(MAX_FUTURE_SKEW, "10m");
        DEFAULTS.put(CARDINALITY_LIMIT, "1000");
        DEFAULTS.put(RED_DIMENSIONS, "error.route,error.type,slow.peer");
        DEFAULTS.put(RED_ATTRIBUTES, "");
        DEFAULTS.put(RED_SLOW_CALL_THRESHOLD, "500ms");
        DEFAULTS.put(RED_TOPK_ITEMS, "20");
        DEFAULTS.put(RED_TOPK_MAX_VALUES, "200");
        DEFAULTS.put(LOG_PATTERNS_MAX_CLUSTERS, "5000");
        DEFAULTS.put(LOG_PATTERNS_SECOND_MAX_RECORDS, "5000");
        DEFAULTS.put(LOG_PATTERNS_STREAM_IDLE_TIMEOUT, "1h");
        DEFAULTS.put(LOG_PATTERNS_CACHE_MAX_PATTERNS, "100000");
        DEFAULTS.put(EDGES_STORE_TTL, "10s");
        DEFAULTS.put(EDGES_STORE_MAX_ITEMS, "100000");
        DEFAULTS.put(EDGES_MAX_PEERS_PER_CALLER, "1000");
        DEFAULTS.put(EDGES_TOPOLOGY_IDLE_TIMEOUT, "10m");
        DEFAULTS.put(EDGES_LIVE_WINDOW, "10m");
        DEFAULTS.put(EDGES_LIVE_REFRESH, "1m");
        DEFAULTS.put(EDGES_LIVE_AGE, "auto");
        DEFAULTS.put(EDGES_LIVE_AGE_GRAPH, "ops");
        DEFAULTS.put(METRICS_SERIES_IDLE_TIMEOUT, "15m");
        DEFAULTS.put(METRICS_MAX_SERIES_PER_RESOURCE, "5000");
        DEFAULTS.put(METRICS_FIRST_POINT_MAX_INTERVAL, "5m");
        DEFAULTS.put(LIMITS_MAX_TENANTS, "1000");
        DEFAULTS.put(LIMITS_MAX_RESOURCES_PER_TENANT, "10000");
        DEFAULTS.put(LIMITS_MAX_SERIES_PER_TENANT, "100000");
        DEFAULTS.put(LIMITS_MAX_METRIC_SERIES_PER_TENANT, "0");
        DEFAULTS.put(CHECKPOINT_DIR, "");
        DEFAULTS.put(STATE_BACKEND, "");
        DEFAULTS.put(RESTART_STRATEGY, "");
        DEFAULTS.put(BATCH_SIZE, "2000");
        DEFAULTS.put(JOBS, "red,edges,metrics,logs,incidents");
        DEFAULTS.put(INCIDENTS_DEVIATIONS, null);
        DEFAULTS.put(INCIDENTS_WARMUP, null);
        DEFAULTS.put(INCIDENTS_MIN_CALLS, null);
        DEFAULTS.put(INCIDENTS_OPEN, null);
        DEFAULTS.put(INCIDENTS_CLOSE_QUIET, null);
        DEFAULTS.put(INCIDENTS_UTILIZATION_LEVEL, null);
        DEFAULTS.put(INCIDENTS_SATURATION_LEVEL, null);
        DEFAULTS.put(SINKS, "postgres");
        DEFAULTS.put(CLICKHOUSE_URL, "http://localhost:8123");
        DEFAULTS.put(CLICKHOUSE_USER, "");
        DEFAULTS.put(CLICKHOUSE_PASSWORD, "");
        DEFAULTS.put(CLICKHOUSE_DATABASE, "otlp");
        DEFAULTS.put(CLICKHOUSE_BATCH_MAX_ROWS, "100000");
        DEFAULTS.put(CLICKHOUSE_BATCH_MAX_BYTES, "16777216");
        DEFAULTS.put(CLICKHOUSE_MAX_RETRIES, "10");
        DEFAULTS.put(CLICKHOUSE_RETRY_BACKOFF, "200ms");
        DEFAULTS.put(CLICKHOUSE_RETRY_MAX_BACKOFF, "10s");
        DEFAULTS.put(CLICKHOUSE_RETENTION, "true");
        DEFAULTS.put(CLICKHOUSE_LOG_RECORDS, "true");
        DEFAULTS.put(CLICKHOUSE_SPANS, "false");
    }

    private final Map<String, String> values;

    private JobOptions(Map<String, String> values) {
        this.values = values;
    }

    public static JobOptions defaults() {
        return new JobOptions(new LinkedHashMap<>(DEFAULTS));
    }

    public static Map<String, String> defaultValues() {
        return java.util.Collections.unmodifiableMap(DEFAULTS);
    }

    /** Parses {@code --key value} pairs; {@code extraKeys} are keys a command accepts besides the job options. */
    public static JobOptions parse(String[] args, String... extraKeys) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        java.util.Set<String> extra = java.util.Set.of(extraKeys);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (options are --key value)");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option --" + key + " needs a value");
                }
                value = args[++i];
            }
            if (!DEFAULTS.containsKey(key) && !extra.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + " (known: " + DEFAULTS.keySet() + ")");
            }
            v.put(key, value);
        }
        return new JobOptions(v);
    }

    public JobOptions with(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new JobOptions(v);
    }

    public String get(String key) {
        return values.get(key);
    }

    public String require(String key) {
        String s = values.get(key);
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("option --" + key + " is required");
        }
        return s;
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(require(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + key + " must be an integer, got " + get(key));
        }
    }

    public boolean getBool(String key) {
        return Boolean.parseBoolean(require(key));
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(require(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + key + " must be an integer, got " + get(key));
        }
    }

    public Duration getDuration(String key) {
        return parseDuration(key, require(key));
    }

    public Encoding encoding() {
        return Encoding.parse(require(ENCODING));
    }

    /** --from/--to as instants: ISO-8601 or epoch milliseconds; null when not set. */
    public Instant getInstant(String key) {
        String s = get(key);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return s.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(s)) : Instant.parse(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("option --" + key + " must be ISO-8601 (2026-01-31T10:00:00Z) or epoch ms, got " + s);
        }
    }

    /**
     * {@code --from}/{@code --to} as one typed range; sources read {@code out-of-orderness +
     * allowed-lateness + 1 min} beyond each end so the windows at the edges see all their records.
     */
    public ReplayRange replayRange() {
        Duration margin = getDuration(OUT_OF_ORDERNESS).plus(getDuration(ALLOWED_LATENESS)).plus(Duration.ofMinutes(1));
        String offsets = get(OFFSETS);
        if (offsets == null || offsets.isBlank()) {
            return ReplayRange.of(getInstant(FROM), getInstant(TO), margin);
        }
        if (getInstant(FROM) != null || getInstant(TO) != null) {
            throw new IllegalArgumentException("--" + OFFSETS + " and --" + FROM + "/--" + TO
                    + " exclude each other: a backfill is by offsets or by time");
        }
        OffsetRanges.parse(offsets);
        String times = get(OFFSETS_EVENT_TIMES);
        if (times == null) {
            throw new IllegalStateException("--" + OFFSETS + " is turned into event times where the job is built "
                    + "(OffsetReplay.resolve) before the replay range can be known");
        }
        String[] t = times.split("-", 2);
        // the windows at the edges may start up to one window before the first record: read that far back too
        return ReplayRange.touching(Instant.ofEpochMilli(Long.parseLong(t[0])), Instant.ofEpochMilli(Long.parseLong(t[1]) + 1),
                margin.plus(ReplayRange.WIDEST_WINDOW));
    }

    /** {@code --sinks}, parsed. */
    public SinkSelection sinks() {
        return SinkSelection.parse(require(SINKS));
    }

    static Duration parseDuration(String key, String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + key + " must be a duration like 500ms, 30s, 2m, 1h; got " + s);
        }
    }
}
