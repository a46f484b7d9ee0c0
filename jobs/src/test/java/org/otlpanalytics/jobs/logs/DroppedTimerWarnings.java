package org.otlpanalytics.jobs.logs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The warnings Flink's batch timer service logs for each timer it drops ("Timer service is
 * quiesced. Event time timer for timestamp ... will be ignored"), captured while open (the job runs
 * in this JVM on a MiniCluster).
 */
final class DroppedTimerWarnings extends AbstractAppender implements AutoCloseable {
    static final String LOGGER = "org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionInternalTimeService";
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    private DroppedTimerWarnings() {
        super("dropped-timer-warnings", null, null, true, Property.EMPTY_ARRAY);
    }

    static DroppedTimerWarnings capture() {
        DroppedTimerWarnings a = new DroppedTimerWarnings();
        a.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        LoggerConfig logger = new LoggerConfig(LOGGER, Level.WARN, true);
        logger.addAppender(a, Level.WARN, null);
        config.addLogger(LOGGER, logger);
        ctx.updateLoggers();
        return a;
    }

    @Override
    public void append(LogEvent event) {
        messages.add(event.getMessage().getFormattedMessage());
    }

    List<String> messages() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().removeLogger(LOGGER);
        ctx.updateLoggers();
        stop();
    }
}
