package org.otlpanalytics.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.jobs.sink.postgres.LiveGraphWriter;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowPublisher;
import org.otlpanalytics.operators.edges.EdgePairerMetrics;
import org.otlpanalytics.operators.edges.OfferResult;
import org.otlpanalytics.operators.incidents.IncidentDetector;
import org.otlpanalytics.operators.limits.LimiterMetrics;
import org.otlpanalytics.operators.logs.LogPatternMetrics;
import org.otlpanalytics.operators.metrics.MetricPipelineMetrics;
import org.otlpanalytics.operators.red.RedMetrics;
import org.otlpanalytics.operators.topology.TopologyMetrics;
import org.otlpanalytics.schemas.kafka.DecodingDeserializer;

/** The README's table of the project's own metrics names every metric name the operators and sinks register. */
class JobMetricNamesDocumentedTest {

    @Test
    void everyMetricConstantIsInTheReadmeTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("The project's own metrics");
        assertThat(start).as("README section of the project's own metrics").isPositive();
        String table = readme.substring(start);

        List<String> names = new ArrayList<>();
        for (Class<?> holder : List.of(RedMetrics.class, EdgePairerMetrics.class, LogPatternMetrics.class,
                MetricPipelineMetrics.class, TopologyMetrics.class, LimiterMetrics.class, Limiters.class,
                org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkMetrics.class)) {
            names.addAll(stringConstants(holder));
        }
        for (OfferResult.Outcome o : OfferResult.Outcome.values()) {
            names.add(o.metricName());
        }
        names.addAll(List.of(DecodingDeserializer.METRIC_GROUP, DecodingDeserializer.MESSAGES_DECODED,
                DecodingDeserializer.MESSAGES_DEAD_LETTERED, DecodingDeserializer.RECORDS_DECODED,
                DecodingDeserializer.FUTURE_RECORDS_DEAD_LETTERED, RejectedRowPublisher.ROWS_DEAD_LETTERED,
                "postgresSink", LiveGraphWriter.METRIC_GROUP, IncidentDetector.METRIC_GROUP));

        assertThat(names).hasSizeGreaterThan(50);
        for (String name : names) {
            assertThat(table).as("README documents metric %s", name).contains("`" + name + "`");
        }
    }

    private static List<String> stringConstants(Class<?> holder) throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field f : holder.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                f.setAccessible(true);
                values.add((String) f.get(null));
            }
        }
        return values;
    }
}
