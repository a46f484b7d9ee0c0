package org.otlpanalytics.jobs.incidents;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.operators.incidents.EvidenceRow;
import org.otlpanalytics.operators.incidents.IncidentRow;

/** What the incidents pipeline produces: {@code event_envelope} and {@code evidence_link} rows. The job attaches the sinks. */
public record IncidentsOutputs(DataStream<IncidentRow> incidents, DataStream<EvidenceRow> evidence) {}
