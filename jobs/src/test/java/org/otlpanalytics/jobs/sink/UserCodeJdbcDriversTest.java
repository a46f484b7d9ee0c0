package org.otlpanalytics.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.sql.DriverManager;
import java.util.Collections;
import java.util.List;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.junit.jupiter.api.Test;

/**
 * The job's classes and the PostgreSQL driver in a real Flink child-first user-code class loader,
 * as a session cluster loads a submitted jar: the driver registers itself in DriverManager, which
 * pins the loader; {@link UserCodeJdbcDrivers#deregister()} run in that loader removes it.
 */
class UserCodeJdbcDriversTest {
    @Test
    void deregistersTheDriverOfTheUserCodeLoaderOnly() throws Exception {
        int before = Collections.list(DriverManager.getDrivers()).size();
        try (URLClassLoader user = userCodeLoader()) {
            Class<?> driver = Class.forName("org.postgresql.Driver", true, user);
            assertThat(driver).isNotSameAs(org.postgresql.Driver.class);
            // loading the class registered it; the first call removes it, a second finds nothing left
            assertThat(deregisterIn(user)).containsExactly("org.postgresql.Driver");
            assertThat(deregisterIn(user)).isEmpty();
        }
        // the driver of the application class path stays registered
        assertThat(Collections.list(DriverManager.getDrivers())).hasSize(before);
    }

    @Test
    void doesNothingOutsideAUserCodeLoader() {
        assertThat(UserCodeJdbcDrivers.inUserCodeLoader()).isFalse();
        assertThat(UserCodeJdbcDrivers.deregister()).isEmpty();
        assertThat(Collections.list(DriverManager.getDrivers())).anyMatch(d -> d instanceof org.postgresql.Driver);
    }

    /** The job's classes and the PostgreSQL driver jar in a Flink child-first loader, as a submitted jar. */
    private static URLClassLoader userCodeLoader() {
        URL jobClasses = UserCodeJdbcDrivers.class.getProtectionDomain().getCodeSource().getLocation();
        URL driverJar = org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation();
        return FlinkUserCodeClassLoaders.childFirst(new URL[] {jobClasses, driverJar},
                UserCodeJdbcDriversTest.class.getClassLoader(), new String[] {"org.apache.flink.", "org.slf4j"},
                t -> { }, false);
    }

    /** Calls {@link UserCodeJdbcDrivers#deregister()} as loaded by {@code loader} (DriverManager answers by its caller's loader). */
    @SuppressWarnings("unchecked")
    private static List<String> deregisterIn(ClassLoader loader) throws Exception {
        return (List<String>) Class.forName(UserCodeJdbcDrivers.class.getName(), true, loader).getMethod("deregister").invoke(null);
    }
}
