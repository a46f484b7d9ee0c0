package org.otlpanalytics.tests.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A real standalone Flink session cluster: one JobManager and one or more TaskManagers, each in
 * its own JVM started from the Flink jars alone ({@link FlinkLibJars}), the way
 * {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start them. The configuration is the
 * project's production {@code flink-conf/config.yaml} (RocksDB, incremental exactly-once
 * checkpoints, restart strategy, class loading) with only what a test machine needs changed:
 * loopback addresses, free ports, small memory, temporary directories, no metrics reporter, plus
 * whatever a test overrides. A TaskManager can be killed with SIGKILL and another started in its
 * place, as a process supervisor or Kubernetes would.
 *
 * <pre>{@code
 * try (StandaloneFlinkCluster c = StandaloneFlinkCluster.start(Paths.get("flink-conf"), workDir, 2, Map.of())) {
 *     FlinkRestClient rest = c.rest();
 *     c.killTaskManager("tm-1");
 *     c.startTaskManager();
 * }
 * }</pre>
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    private final Path logDir;
    private final Path confDir;
    private final Configuration conf;
    private final String classpath;
    private final FlinkRestClient rest;
    /** Every process started, in start order (the JobManager first), killed ones included. */
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    /** Running TaskManagers by resource id ({@code tm-1}, {@code tm-2}, ...). */
    private final Map<String, Process> taskManagers = new LinkedHashMap<>();
    private final List<String> logNames = new ArrayList<>();
    private int taskManagersStarted;
    /** Kills the processes should the test JVM exit without {@link #close()} (a killed surefire fork). */
    private final Thread killOnExit = new Thread(() -> processes.forEach(Process::destroyForcibly), "flink-cluster-kill");

    private StandaloneFlinkCluster(Path logDir, Path confDir, Configuration conf, String classpath) {
        this.logDir = logDir;
        this.confDir = confDir;
        this.conf = conf;
        this.classpath = classpath;
        this.rest = new FlinkRestClient("http://127.0.0.1:" + conf.get(RestOptions.PORT));
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts the JobManager, then one TaskManager, and waits until the REST API shows the TaskManager. */
    public static StandaloneFlinkCluster start(Path productionConfDir, Path workDir) throws Exception {
        return start(productionConfDir, workDir, 1, Map.of());
    }

    /**
     * Starts the JobManager, then {@code taskManagers} TaskManagers, and waits until the REST API
     * shows them all; {@code overrides} are configuration keys set over the test configuration.
     */
    public static StandaloneFlinkCluster start(Path productionConfDir, Path workDir, int taskManagers,
            Map<String, String> overrides) throws Exception {
        Path confDir = Files.createDirectories(workDir.resolve("conf"));
        Path logDir = Files.createDirectories(workDir.resolve("log"));
        Configuration conf = testConfiguration(productionConfDir, workDir);
        conf.addAll(Configuration.fromMap(overrides));
        Files.write(confDir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME), ConfigurationUtils.convertConfigToWritableLines(conf, false));
        Files.writeString(confDir.resolve("log4j.properties"), LOG4J);
        String classpath = FlinkLibJars.fromTestClasspath().stream().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));

        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(logDir, confDir, conf, classpath);
        try {
            // what BashJavaUtils GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS print for the scripts
            JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(conf);
            cluster.launch("jobmanager", JOBMANAGER_MAIN,
                    JobManagerProcessUtils.generateJvmParametersStr(jm, conf), jvmOptions(conf, CoreOptions.FLINK_DEFAULT_JM_JVM_OPTIONS, CoreOptions.FLINK_JM_JVM_OPTIONS),
                    JobManagerProcessUtils.generateDynamicConfigsStr(jm));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < taskManagers; i++) {
                ids.add(cluster.launchTaskManager());
            }
            for (String id : ids) {
                cluster.awaitTaskManager(id);
            }
            return cluster;
        } catch (Exception | AssertionError e) {
            String logs = cluster.logs();
            cluster.close();
            throw new IllegalStateException("Flink cluster did not start: " + e.getMessage() + "\n" + logs, e);
        }
    }

    /** Starts one more TaskManager process and waits until it has registered; returns its resource id. */
    public String startTaskManager() throws Exception {
        String id = launchTaskManager();
        awaitTaskManager(id);
        return id;
    }

    /** SIGKILL to a TaskManager process: it dies at once, as on a machine failure or an OOM kill. */
    public void killTaskManager(String id) throws InterruptedException {
        Process p;
        synchronized (taskManagers) {
            p = taskManagers.remove(id);
        }
        if (p == null) {
            throw new IllegalArgumentException("no running TaskManager " + id + " (running: " + taskManagerIds() + ")");
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** The operating-system process id of the JobManager (for {@code jcmd}). */
    public long jobManagerPid() {
        return processes.get(0).pid();
    }

    /** The operating-system process id of the running TaskManager {@code id}. */
    public long taskManagerPid(String id) {
        synchronized (taskManagers) {
            Process p = taskManagers.get(id);
            if (p == null) {
                throw new IllegalArgumentException("no running TaskManager " + id);
            }
            return p.pid();
        }
    }

    /** Resource ids of the TaskManager processes this class started and has not killed. */
    public List<String> taskManagerIds() {
        synchronized (taskManagers) {
            return new ArrayList<>(taskManagers.keySet());
        }
    }

    private String launchTaskManager() throws IOException {
        String id;
        synchronized (taskManagers) {
            id = "tm-" + (++taskManagersStarted);
        }
        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        // a fixed resource id, so that the REST API's TaskManager ids name these processes
        Process p = launch(id, TASKMANAGER_MAIN, ProcessMemoryUtils.generateJvmParametersStr(tm),
                jvmOptions(conf, CoreOptions.FLINK_DEFAULT_TM_JVM_OPTIONS, CoreOptions.FLINK_TM_JVM_OPTIONS),
                TaskExecutorProcessUtils.generateDynamicConfigsStr(tm) + " -D taskmanager.resource-id=" + id);
        synchronized (taskManagers) {
            taskManagers.put(id, p);
        }
        return id;
    }

    /** The production configuration with the test machine's addresses, ports, sizes and directories. */
    static Configuration testConfiguration(Path productionConfDir, Path workDir) throws IOException {
        Configuration c = GlobalConfiguration.loadConfiguration(productionConfDir.toAbsolutePath().toString());
        for (String key : new ArrayList<>(c.keySet())) {
            if (key.startsWith("metrics.reporter.")) {
                // the Prometheus reporter plugin is not part of the Maven jars, and port 9249 is shared
                c.removeKey(key);
            }
        }
        Map<String, String> test = new LinkedHashMap<>();
        test.put("jobmanager.rpc.address", "127.0.0.1");
        test.put("jobmanager.rpc.port", String.valueOf(freePort()));
        test.put("jobmanager.bind-host", "127.0.0.1");
        test.put("rest.address", "127.0.0.1");
        test.put("rest.bind-address", "127.0.0.1");
        test.put("rest.port", String.valueOf(freePort()));
        test.put("taskmanager.host", "127.0.0.1");
        test.put("taskmanager.bind-host", "127.0.0.1");
        test.put("jobmanager.memory.process.size", "1024m");
        test.put("taskmanager.memory.process.size", "1280m");
        test.put("taskmanager.memory.managed.size", "128m");
        test.put("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        test.put("execution.checkpointing.savepoint-dir", workDir.resolve("savepoints").toUri().toString());
        test.put("io.tmp.dirs", Files.createDirectories(workDir.resolve("tmp")).toString());
        test.put("web.upload.dir", Files.createDirectories(workDir.resolve("upload")).toString());
        test.put("web.tmpdir", Files.createDirectories(workDir.resolve("web")).toString());
        test.put("blob.storage.directory", Files.createDirectories(workDir.resolve("blobs")).toString());
        c.addAll(Configuration.fromMap(test));
        return c;
    }

    private static String jvmOptions(Configuration c, ConfigOption<String> processDefaults, ConfigOption<String> process) {
        // bin/jobmanager.sh and bin/taskmanager.sh: env.java.default-opts.all, env.java.opts.all, then the process's own
        return String.join(" ", c.get(CoreOptions.FLINK_DEFAULT_JVM_OPTIONS), c.get(CoreOptions.FLINK_JVM_OPTIONS),
                c.get(processDefaults), c.get(process));
    }

    private Process launch(String name, String mainClass, String memoryJvmParams, String javaOpts, String dynamicConfigs)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(split(memoryJvmParams));
        cmd.addAll(split(javaOpts));
        cmd.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        cmd.add("-classpath");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(confDir.toString());
        cmd.addAll(split(dynamicConfigs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".out").toFile()).start();
        processes.add(p);
        logNames.add(name);
        return p;
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).collect(Collectors.toList());
    }

    /** Waits until the TaskManager {@code id} shows in the REST API's list. */
    public void awaitTaskManager(String id) throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            Process jm = processes.get(0);
            Process tm;
            synchronized (taskManagers) {
                tm = taskManagers.get(id);
            }
            if (!jm.isAlive() || tm == null || !tm.isAlive()) {
                throw new IllegalStateException("the JobManager or TaskManager " + id + " is not running");
            }
            try {
                if (rest.taskManagers().stream().anyMatch(t -> t.id().equals(id))) {
                    return;
                }
                last = "registered: " + rest.taskManagers();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("TaskManager " + id + " not registered after " + STARTUP_TIMEOUT + ": " + last);
    }

    public FlinkRestClient rest() {
        return rest;
    }

    /** The logs and console output of the JobManager and every TaskManager, for assertion messages. */
    public String logs() {
        List<String> files = new ArrayList<>();
        for (String name : new ArrayList<>(logNames)) {
            files.add(name + ".out");
            files.add(name + ".log");
        }
        StringBuilder sb = new StringBuilder();
        for (String f : files) {
            Path p = logDir.resolve(f);
            sb.append("\n===== ").append(p).append(" =====\n");
            try {
                sb.append(Files.exists(p) ? tail(Files.readString(p, StandardCharsets.UTF_8), 40_000) : "(none)");
            } catch (IOException e) {
                sb.append("(unreadable: ").append(e).append(')');
            }
        }
        return sb.toString();
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "...\n" + s.substring(s.length() - max);
    }

    /** Stops the TaskManagers, then the JobManager: SIGTERM, and SIGKILL after 20 s. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook does the killing
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            if (!p.isAlive()) {
                continue;
            }
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static final String LOG4J = String.join("\n",
            "monitorInterval = 0",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "logger.pekko.name = org.apache.pekko",
            "logger.pekko.level = WARN",
            "logger.netty.name = org.apache.flink.shaded.netty4",
            "logger.netty.level = WARN",
            "");
}
