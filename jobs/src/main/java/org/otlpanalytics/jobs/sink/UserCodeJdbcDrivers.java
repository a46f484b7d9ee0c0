package org.otlpanalytics.jobs.sink;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.util.FlinkUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC drivers the job jar brings (PostgreSQL's) register themselves in
 * {@link DriverManager} when their class is loaded. In a session cluster each submission loads
 * them again in a new user-code class loader, and the registry, a static of the JDK, would keep
 * every one of those loaders and all its classes for good: metaspace fills up after about ten
 * submissions. These drivers are deregistered when Flink releases the job's class loader
 * ({@link #deregisterOnRelease}, on the TaskManagers) and when the job's {@code main()} returns
 * ({@link #deregister}, on the JobManager). Run from the application class path (the launcher's
 * local runs, tests) this class is not in a user-code loader and does nothing.
 */
public final class UserCodeJdbcDrivers {
    private static final Logger LOG = LoggerFactory.getLogger(UserCodeJdbcDrivers.class);
    static final String HOOK = "otlp-analytics-jdbc-drivers";

    private UserCodeJdbcDrivers() {}

    /** Deregisters the job jar's drivers when Flink releases {@code loader} (once per loader). */
    public static void deregisterOnRelease(UserCodeClassLoader loader) {
        if (inUserCodeLoader()) {
            loader.registerReleaseHookIfAbsent(HOOK, UserCodeJdbcDrivers::deregister);
        }
    }

    /**
     * Deregisters the drivers defined by this class's own loader when that is a Flink user-code
     * loader; returns their class names (empty elsewhere).
     */
    public static List<String> deregister() {
        return inUserCodeLoader() ? deregister(UserCodeJdbcDrivers.class.getClassLoader()) : List.of();
    }

    /** Deregisters every registered driver whose class {@code loader} defined; returns their class names. */
    static List<String> deregister(ClassLoader loader) {
        List<String> removed = new ArrayList<>();
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass().getClassLoader() != loader) {
                continue;
            }
            try {
                DriverManager.deregisterDriver(d);
                removed.add(d.getClass().getName());
            } catch (SQLException | SecurityException e) {
                LOG.warn("Could not deregister the JDBC driver {}: its class loader stays in memory", d.getClass().getName(), e);
            }
        }
        if (!removed.isEmpty()) {
            LOG.info("Deregistered the JDBC drivers {} of the job's class loader", removed);
        }
        return removed;
    }

    static boolean inUserCodeLoader() {
        return UserCodeJdbcDrivers.class.getClassLoader() instanceof FlinkUserCodeClassLoader;
    }
}
