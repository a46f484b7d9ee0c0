package org.otlpanalytics.jobs.run;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.otlpanalytics.jobs.config.JobOptions;

/**
 * The options of {@code run} itself (besides the job options), parsed once: status interval,
 * quiet, web UI and metrics ports, log directory, and how long the start-up checks may retry.
 */
public final class RunSettings {
    public static final String QUIET = "quiet";
    public static final String STATUS_INTERVAL = "status-interval";
    public static final String WEB_PORT = "web-port";
    public static final String METRICS_PORT = "metrics-port";
    public static final String LOG_DIR = "log-dir";
    public static final String PREFLIGHT_TIMEOUT = "preflight-timeout";
    /** The keys {@code run} accepts besides the job options. */
    public static final String[] KEYS = {QUIET, STATUS_INTERVAL, WEB_PORT, METRICS_PORT, LOG_DIR, PREFLIGHT_TIMEOUT};

    public final boolean quiet;
    public final Duration statusInterval;
    public final int webPort;
    public final int metricsPort;
    public final Path logDir;
    public final Duration preflightTimeout;

    private RunSettings(boolean quiet, Duration statusInterval, int webPort, int metricsPort, Path logDir, Duration preflightTimeout) {
        this.quiet = quiet;
        this.statusInterval = statusInterval;
        this.webPort = webPort;
        this.metricsPort = metricsPort;
        this.logDir = logDir;
        this.preflightTimeout = preflightTimeout;
    }

    /** Defaults: status every 10 s, web UI on 8081, metrics on 9249, logs in {@link #defaultLogDir()}, checks retried for 30 s. */
    public static RunSettings of(JobOptions o) {
        boolean quiet = o.get(QUIET) != null && !"false".equalsIgnoreCase(o.get(QUIET));
        Duration interval = o.get(STATUS_INTERVAL) == null ? Duration.ofSeconds(10) : o.getDuration(STATUS_INTERVAL);
        int web = o.get(WEB_PORT) == null ? 8081 : o.getInt(WEB_PORT);
        int metrics = o.get(METRICS_PORT) == null ? 9249 : o.getInt(METRICS_PORT);
        Path logs = o.get(LOG_DIR) == null ? defaultLogDir() : Paths.get(o.get(LOG_DIR));
        Duration preflight = o.get(PREFLIGHT_TIMEOUT) == null ? Duration.ofSeconds(30) : o.getDuration(PREFLIGHT_TIMEOUT);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("--" + STATUS_INTERVAL + " must be > 0, got " + o.get(STATUS_INTERVAL));
        }
        for (int port : new int[] {web, metrics}) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("ports must be 0 (off) to 65535, got " + port);
            }
        }
        return new RunSettings(quiet, interval, web, metrics, logs, preflight);
    }

    /** {@code $OTLP_ANALYTICS_HOME/logs}, else {@code ~/.otlp-analytics/logs}. */
    public static Path defaultLogDir() {
        String home = System.getenv("OTLP_ANALYTICS_HOME");
        return home != null && !home.isBlank() ? Paths.get(home, "logs") : Paths.get(System.getProperty("user.home"), ".otlp-analytics", "logs");
    }
}
