package org.otlpanalytics.jobs.incidents;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.edges.EdgesOutputs;
import org.otlpanalytics.jobs.logs.LogsOutputs;
import org.otlpanalytics.jobs.metrics.MetricsOutputs;
import org.otlpanalytics.jobs.red.RedOutputs;
import org.otlpanalytics.operators.incidents.DetectorInput;
import org.otlpanalytics.operators.incidents.DetectorOptions;
import org.otlpanalytics.operators.incidents.EvidenceRow;
import org.otlpanalytics.operators.incidents.IncidentDetector;
import org.otlpanalytics.operators.incidents.IncidentRow;

/**
 * Incidents from the other pipelines' rows: RED minutes (service signals), service-call rows
 * (edges and the culprit of an incident caused downstream), log pattern counts (patterns whose
 * errors rose) and USE minutes (saturated resources) meet per resource in one
 * {@link IncidentDetector}. Runs with whichever of those pipelines run; wires only. Not in a
 * replay ({@code --from/--to}): incidents depend on baselines learnt from everything before, so
 * only a run over the whole history (or the live run) writes them.
 */
public final class IncidentsJob {
    public static final String JOB = "incidents";

    private IncidentsJob() {}

    /** The detector's settings, parsed once from the job options. */
    public record Settings(DetectorOptions detector, long allowedLatenessMillis, String spansTopic) {
        public static Settings of(JobOptions o) {
            return new Settings(detectorOptions(o), o.getDuration(JobOptions.ALLOWED_LATENESS).toMillis(),
                    o.require(JobOptions.SPANS_TOPIC));
        }
    }

    public static DetectorOptions detectorOptions(JobOptions o) {
        DetectorOptions.Builder b = DetectorOptions.builder();
        if (o.get(JobOptions.INCIDENTS_DEVIATIONS) != null) {
            b.deviations(Double.parseDouble(o.get(JobOptions.INCIDENTS_DEVIATIONS)));
        }
        if (o.get(JobOptions.INCIDENTS_WARMUP) != null) {
            b.warmup((int) o.getDuration(JobOptions.INCIDENTS_WARMUP).toMinutes());
        }
        if (o.get(JobOptions.INCIDENTS_MIN_CALLS) != null) {
            b.minCalls(o.getInt(JobOptions.INCIDENTS_MIN_CALLS));
        }
        if (o.get(JobOptions.INCIDENTS_OPEN) != null) {
            String[] mn = o.get(JobOptions.INCIDENTS_OPEN).split("/");
            if (mn.length != 2) {
                throw new IllegalArgumentException("--" + JobOptions.INCIDENTS_OPEN + " must be m/n (e.g. 2/3), got "
                        + o.get(JobOptions.INCIDENTS_OPEN));
            }
            b.openWhen(Integer.parseInt(mn[0].trim()), Integer.parseInt(mn[1].trim()));
        }
        if (o.get(JobOptions.INCIDENTS_CLOSE_QUIET) != null) {
            b.closeAfterQuiet((int) o.getDuration(JobOptions.INCIDENTS_CLOSE_QUIET).toMinutes());
        }
        if (o.get(JobOptions.INCIDENTS_UTILIZATION_LEVEL) != null) {
            b.utilizationLevel(Double.parseDouble(o.get(JobOptions.INCIDENTS_UTILIZATION_LEVEL)));
        }
        if (o.get(JobOptions.INCIDENTS_SATURATION_LEVEL) != null) {
            b.saturationLevel(Double.parseDouble(o.get(JobOptions.INCIDENTS_SATURATION_LEVEL)));
        }
        return b.build();
    }

    /** Builds the detector on the outputs present; empty when none of its inputs runs. */
    public static Optional<IncidentsOutputs> buildPipeline(Optional<RedOutputs> red, Optional<EdgesOutputs> edges,
            Optional<LogsOutputs> logs, Optional<MetricsOutputs> metrics, Settings s) {
        List<DataStream<DetectorInput>> inputs = new ArrayList<>();
        red.ifPresent(r -> inputs.add(r.rows().flatMap((org.otlpanalytics.operators.red.RedRow row,
                org.apache.flink.util.Collector<DetectorInput> out) -> emit(DetectorInput.ofRed(row), out))
                .returns(TypeInformation.of(DetectorInput.class)).name("incident-red-input").uid("incident-red-input")));
        edges.ifPresent(e -> inputs.add(e.serviceCalls().flatMap((org.otlpanalytics.operators.edges.ServiceCallRow row,
                org.apache.flink.util.Collector<DetectorInput> out) -> emit(DetectorInput.ofCall(row), out))
                .returns(TypeInformation.of(DetectorInput.class)).name("incident-call-input").uid("incident-call-input")));
        logs.ifPresent(l -> inputs.add(l.windows().map(DetectorInput::ofPattern)
                .returns(TypeInformation.of(DetectorInput.class)).name("incident-pattern-input").uid("incident-pattern-input")));
        metrics.ifPresent(m -> inputs.add(m.use().map(DetectorInput::ofUse)
                .returns(TypeInformation.of(DetectorInput.class)).name("incident-use-input").uid("incident-use-input")));
        if (inputs.isEmpty()) {
            return Optional.empty();
        }
        DataStream<DetectorInput> all = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            all = all.union(inputs.get(i));
        }
        SingleOutputStreamOperator<IncidentRow> incidents = all
                .keyBy(DetectorInput::key, Types.STRING)
                .process(new IncidentDetector(s.detector(), s.allowedLatenessMillis(), s.spansTopic()))
                .name("incident-detector").uid("incident-detector");
        DataStream<EvidenceRow> evidence = incidents.getSideOutput(IncidentDetector.EVIDENCE);
        return Optional.of(new IncidentsOutputs(incidents, evidence));
    }

    private static void emit(DetectorInput in, org.apache.flink.util.Collector<DetectorInput> out) {
        if (in != null) {
            out.collect(in);
        }
    }
}
